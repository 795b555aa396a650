/**
 * One ajv validator per object (from metadata/record-schema.ts), compiled once per deployed
 * object definition, and the translation of ajv's errors into Strata's `{field, code, message}`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { recordSchema } from '../../metadata/record-schema.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { FieldProblem } from '../errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped when imported from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv);

const cache = new WeakMap<DeployedObject, ValidateFunction>();

export function inputValidator(object: DeployedObject): ValidateFunction {
  let v = cache.get(object);
  if (!v) {
    const schema = recordSchema(object as never, 'input');
    v = ajv.compile(schema);
    // ajv keeps every compiled schema in a Map keyed by the schema object: forget it, or each
    // deploy (new object definitions) would leak one validator per object for good. The
    // compiled function stays usable; our WeakMap drops it with the registry version.
    ajv.removeSchema(schema);
    cache.set(object, v);
  }
  return v;
}

export interface ClassifiedProblems {
  /** Wrong JSON types and unknown fields: the request is malformed (400). */
  malformed: FieldProblem[];
  /** Well-formed values that break a constraint (422). */
  invalid: FieldProblem[];
}

const FORMAT_CODES: Record<string, string> = { uri: 'url', 'date-time': 'datetime' };

export function classify(object: DeployedObject, errors: ErrorObject[] | null | undefined, prefix = ''): ClassifiedProblems {
  const out: ClassifiedProblems = { malformed: [], invalid: [] };
  for (const e of errors ?? []) {
    const path = e.instancePath.replace(/^\//, '').split('/');
    const field = e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : path[0];
    const f = object.fields.find((x) => x.name === field);
    const at = prefix + field + (path.length > 1 ? `[${path.slice(1).join('][')}]` : '');
    switch (e.keyword) {
      case 'additionalProperties':
        out.malformed.push({ field: prefix + field, code: 'unknown_field', message: `${object.name} has no field ${field}` });
        break;
      case 'type':
        out.malformed.push({ field: at, code: 'type', message: `must be ${String(e.params.type).replace(',null', '').replace(',', ' or ')}` });
        break;
      case 'format': {
        const code = FORMAT_CODES[e.params.format as string] ?? (e.params.format as string);
        out.invalid.push({ field: at, code, message: `must be a valid ${code}` });
        break;
      }
      case 'pattern':
        if (f?.type === 'reference') out.malformed.push({ field: at, code: 'type', message: 'must be the id (a UUID) of a record' });
        else out.invalid.push({ field: at, code: f?.type === 'phone' ? 'phone' : 'pattern', message: f?.type === 'phone' ? 'must be a phone number' : (e.message ?? 'invalid') });
        break;
      case 'enum':
        out.invalid.push({ field: at, code: 'picklist', message: `must be one of: ${((e.params.allowedValues as unknown[]) ?? []).filter((x) => x !== null).join(', ')}` });
        break;
      case 'maxLength':
        out.invalid.push({ field: at, code: 'maxLength', message: `must be at most ${e.params.limit} characters` });
        break;
      case 'minimum': case 'maximum':
        out.invalid.push({ field: at, code: e.keyword === 'minimum' ? 'min' : 'max', message: `must be ${e.keyword === 'minimum' ? '≥' : '≤'} ${e.params.limit}` });
        break;
      case 'uniqueItems':
        out.invalid.push({ field: at, code: 'duplicate', message: 'must not repeat a value' });
        break;
      default:
        out.invalid.push({ field: at, code: e.keyword, message: e.message ?? 'invalid' });
    }
  }
  return out;
}

/**
 * Schema validation of a document, with ajv's errors turned into problems a package author
 * can act on (`invalid_name`, `unknown_property` with a "did you mean", …).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { POSTGRES_SYSTEM_COLUMNS } from '../../../metadata/types.ts';
import { METADATA_SCHEMAS, schemaValidator } from '../schemas.ts';
import type { SchemaName } from '../schemas.ts';
import { isObj } from './json.ts';
import { describe, pointer, show, unique } from './problems.ts';
import type { Problem } from './problems.ts';

/** Schema validation alone, of one kind of document; paths are prefixed with `basePath`. */
export function schemaProblems(name: SchemaName, value: unknown, basePath = ''): Problem[] {
  const validate = schemaValidator(name);
  if (validate(value)) return [];
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = fromAjvError(error, value);
    if (problem) problems.push({ ...problem, path: basePath + problem.path });
  }
  return unique(problems);
}

// ───────────────────────────── schema errors → problems ─────────────────────────────

/** Patterns that define names: their failures are `invalid_name`, others `invalid_format`. */
const NAME_PATTERNS = new Set(
  ['name', 'fieldRef', 'fieldPath', 'sortKey', 'packageName', 'functionName'].map((def) => {
    const defs = (METADATA_SCHEMAS.common as { $defs: Record<string, { pattern?: string }> }).$defs;
    return defs[def]?.pattern;
  }),
);

function fromAjvError(e: ErrorObject, root: unknown): Problem | undefined {
  let path = e.instancePath;
  // Errors inside `propertyNames` are about a key: point at that key.
  if (e.propertyName !== undefined) path = pointer(path, e.propertyName);
  const params = e.params as Record<string, unknown>;
  const parent: Record<string, unknown> = isObj(e.parentSchema) ? e.parentSchema : {};
  const data: unknown = e.data;
  const typeNote = isObj(data) && typeof data.type === 'string' ? ` for type '${data.type}'` : '';

  switch (e.keyword) {
    // Summaries of errors reported on their own.
    case 'if': case 'propertyNames': case 'allOf': case 'anyOf': case 'oneOf':
      return undefined;
    case 'required': {
      const missing = String(params.missingProperty);
      return { path: pointer(path, missing), code: 'required', message: `'${missing}' is required${typeNote}` };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const hint = suggestion(extra, allowedProperties(parent));
      return {
        path: pointer(path, extra), code: 'unknown_property',
        message: `unknown property '${extra}'${typeNote}${hint ? ` (did you mean '${hint}'?)` : ''}`,
      };
    }
    case 'false schema': {
      // The only false schemas are type-specific bans, like a default on a formula field.
      const owner = at(root, path.slice(0, path.lastIndexOf('/')));
      const type = isObj(owner) && typeof owner.type === 'string' ? ` for type '${owner.type}'` : ' here';
      return { path, code: 'not_allowed', message: `'${lastSegment(path)}' is not allowed${type}` };
    }
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).map(String);
      return { path, code: 'invalid_type', message: `must be ${orList(types.map(article))}, not ${describe(data)}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return { path, code: 'invalid_value', message: `${show(data)} is not one of ${allowed.join(', ')}` };
    }
    case 'const':
      return { path, code: 'invalid_value', message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern': {
      const isName = NAME_PATTERNS.has(String(params.pattern));
      const what = typeof parent.description === 'string' ? parent.description : `matching ${String(params.pattern)}`;
      return { path, code: isName ? 'invalid_name' : 'invalid_format', message: `${show(data)} is not ${what}` };
    }
    case 'not':
      return (POSTGRES_SYSTEM_COLUMNS as readonly unknown[]).includes(data)
        ? { path, code: 'reserved_name', message: `${show(data)} is reserved: PostgreSQL gives every table a system column of that name` }
        : { path, code: 'reserved_name', message: `${show(data)} is reserved: every record already has it` };
    case 'minItems':
      return { path, code: 'too_few', message: `needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, code: 'too_many', message: `takes at most ${String(params.limit)} items` };
    case 'minLength':
      return params.limit === 1
        ? { path, code: 'empty', message: 'must not be empty' }
        : { path, code: 'too_short', message: `must be at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path, code: 'too_long', message: `must be at most ${String(params.limit)} characters` };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path, code: 'out_of_range', message: `must be ${String(params.comparison)} ${String(params.limit)}, not ${show(data)}` };
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      return { path: pointer(path, later), code: 'duplicate_item', message: `the same value appears twice (items ${String(params.j)} and ${String(params.i)})` };
    }
    default:
      return { path, code: `schema_${e.keyword}`, message: e.message ?? 'is invalid' };
  }
}

/** The property names a schema object allows: `properties` and names spelled out in `^(?:a|b)$`. */
function allowedProperties(schema: Record<string, unknown>): string[] {
  const names = isObj(schema.properties) ? Object.keys(schema.properties) : [];
  if (isObj(schema.patternProperties)) {
    for (const pattern of Object.keys(schema.patternProperties)) {
      const m = /^\^\(\?:([A-Za-z0-9_$|]+)\)\$$/.exec(pattern);
      if (m) names.push(...m[1].split('|'));
    }
  }
  return names.filter((n) => n !== '$schema');
}

/** The closest allowed name to a misspelling, if it is close enough to be a typo. */
function suggestion(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The value at a JSON pointer, if there is one. */
function at(root: unknown, path: string): unknown {
  let node = root;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObj(node)) node = node[key];
    else return undefined;
  }
  return node;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
}

function article(type: string): string {
  switch (type) {
    case 'object': return 'an object';
    case 'array': return 'a list';
    case 'integer': return 'an integer';
    case 'null': return 'null';
    default: return `a ${type}`;
  }
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

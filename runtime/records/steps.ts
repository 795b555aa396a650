/**
 * The pure steps of a write, in the order the pipeline runs them:
 * checkInput (400) → applyDefaults → computeFormulas → validateRecord (422).
 */
import { isComputedField, isDate, isUuid } from '../../metadata/record-schema.ts';
import { SYSTEM_FIELDS, type FieldDef } from '../../metadata/types.ts';
import { computeFormulaValues, getCompiled, inYearRange, isTruthy } from '../../metadata/expressions/index.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import type { AccessPolicy } from '../security/access.ts';
import type { Caller } from './context.ts';
import { classify, inputValidator } from './schema-validators.ts';

export type Values = Record<string, unknown>;

const SYSTEM = new Set<string>(SYSTEM_FIELDS);

/** Checks what the caller sent: an object of known, writable fields with the right JSON types. */
export function checkInput(object: DeployedObject, input: unknown, access: AccessPolicy, opts: { allowOwner?: boolean } = {}): Values {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new StrataError(400, 'invalid_body', 'The body must be a JSON object of field values');
  }
  const values = { ...(input as Values) };
  const malformed: FieldProblem[] = [];
  const forbidden: FieldProblem[] = [];
  for (const key of Object.keys(values)) {
    if (key === 'ownerId' && opts.allowOwner) continue;
    if (SYSTEM.has(key)) {
      malformed.push({ field: key, code: 'read_only', message: `${key} is set by the server` });
      delete values[key];
      continue;
    }
    const f = object.fields.find((x) => x.name === key);
    if (!f) continue; // reported by the schema as unknown_field
    const fa = access.field(object, key);
    if (fa === 'none') {
      malformed.push({ field: key, code: 'unknown_field', message: `${object.name} has no field ${key}` });
      delete values[key];
    } else if (isComputedField(f)) {
      malformed.push({ field: key, code: 'read_only', message: `${key} is computed by the server` });
      delete values[key];
    } else if (fa === 'read') {
      forbidden.push({ field: key, code: 'read_only', message: `You may read ${key} but not change it` });
    }
  }
  const ownerId = values.ownerId;
  if ('ownerId' in values) delete values.ownerId;
  malformed.push(...normalizeInput(object, values));
  const validate = inputValidator(object);
  validate(values);
  const problems = classify(object, validate.errors);
  malformed.push(...problems.malformed);
  if (ownerId !== undefined && (typeof ownerId !== 'string' || !isUuid(ownerId))) {
    malformed.push({ field: 'ownerId', code: 'type', message: 'must be a user id' });
  }
  if (malformed.length) throw new StrataError(400, 'invalid_record', 'The record has fields that are unknown, read-only or of the wrong type', [...malformed, ...problems.invalid]);
  if (forbidden.length) throw new StrataError(403, 'field_read_only', 'You may not change these fields', forbidden);
  if (ownerId !== undefined) values.ownerId = typeof ownerId === 'string' ? ownerId.toLowerCase() : ownerId;
  // Datetimes are stored and compared as the instant they name, in UTC (as they come back).
  for (const f of object.fields) {
    const v = values[f.name];
    if (f.type === 'datetime' && typeof v === 'string') {
      const iso = isoDatetime(v);
      if (iso) values[f.name] = iso;
    }
  }
  return values;
}

/** Field types whose empty string means "no value" (CONTRACT §2: empty is null). */
const EMPTY_STRING_IS_NULL: ReadonlySet<FieldDef['type']> = new Set([
  'text', 'longtext', 'richtext', 'email', 'phone', 'url', 'picklist', 'date', 'datetime', 'reference',
]);
/** Nesting a json field may have; deeper documents break JSON.stringify and PostgreSQL alike. */
export const MAX_JSON_DEPTH = 64;

/** Why a json value cannot be stored (too deep, or a NUL character PostgreSQL refuses), if so. */
function jsonIssue(v: unknown): 'too_deep' | 'invalid_character' | undefined {
  // Iterative, so a hostile document cannot overflow our stack either.
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (typeof x === 'string') {
      if (x.includes('\u0000')) return 'invalid_character';
    } else if (x !== null && typeof x === 'object') {
      if (depth >= MAX_JSON_DEPTH) return 'too_deep';
      if (Array.isArray(x)) {
        for (const item of x) stack.push([item, depth + 1]);
      } else {
        for (const [k, item] of Object.entries(x)) {
          if (k.includes('\u0000')) return 'invalid_character';
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return undefined;
}

/**
 * Normalizes what the caller sent, in place: empty strings and empty multipicklists become
 * null, reference ids lower case. Returns the values PostgreSQL could never store (text with
 * NUL, json too deep), which are malformed input (400), not a server error.
 */
function normalizeInput(object: DeployedObject, values: Values): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const f of object.fields) {
    if (!Object.prototype.hasOwnProperty.call(values, f.name)) continue;
    const v = values[f.name];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) {
        problems.push({ field: f.name, code: 'invalid_character', message: 'must not contain the NUL character (\\u0000)' });
      } else if (v === '' && EMPTY_STRING_IS_NULL.has(f.type)) {
        values[f.name] = null;
      } else if (f.type === 'reference') {
        values[f.name] = v.toLowerCase();
      }
    } else if (f.type === 'multipicklist' && Array.isArray(v) && v.length === 0) {
      values[f.name] = null;
    } else if (f.type === 'json' && v !== null && typeof v === 'object') {
      const issue = jsonIssue(v);
      if (issue === 'too_deep') problems.push({ field: f.name, code: 'too_deep', message: `may nest at most ${MAX_JSON_DEPTH} levels` });
      else if (issue) problems.push({ field: f.name, code: 'invalid_character', message: 'must not contain the NUL character (\\u0000)' });
    }
  }
  return problems;
}

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date-time with a zone → its instant as ISO UTC; undefined when not one. */
export function isoDatetime(v: string): string | undefined {
  if (!DATETIME_RE.test(v)) return undefined;
  const d = new Date(v.replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  return inYearRange(iso) ? iso : undefined;
}

/** Links a browser can follow: http(s) only, so `javascript:` never becomes a clickable link. */
function isWebUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Checks beyond the JSON Schema: PostgreSQL's date range, web links. */
function extraProblem(f: FieldDef, v: unknown): FieldProblem | undefined {
  if (typeof v !== 'string') return undefined;
  if (f.type === 'date' && !isDate(v)) return { field: f.name, code: 'date', message: 'must be a date YYYY-MM-DD (years 1 to 9999)' };
  if (f.type === 'datetime' && !isoDatetime(v)) return { field: f.name, code: 'datetime', message: 'must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T09:30:00Z' };
  if (f.type === 'url' && !isWebUrl(v)) return { field: f.name, code: 'url', message: 'must be a web address starting with http:// or https://' };
  return undefined;
}

function defaultValue(f: FieldDef, user: Caller): unknown {
  const d = f.default;
  if (d === '$user.id') return user.id;
  if (d === '$today') return new Date().toISOString().slice(0, 10);
  if (d === '$now') return new Date().toISOString();
  return d;
}

/** Fills fields the caller left out with their defaults (create only). */
export function applyDefaults(object: DeployedObject, values: Values, user: Caller): Values {
  const out = { ...values };
  for (const f of object.fields) {
    if (out[f.name] === undefined && f.default !== undefined && !isComputedField(f)) out[f.name] = defaultValue(f, user);
  }
  return out;
}

/** Computes every formula field from the record, formulas that read formulas after them (metadata/expressions/formulas.ts, shared with the studio's form). */
export function computeFormulas(object: DeployedObject, record: Values, context: { user: Caller; previous?: Values }): Values {
  return computeFormulaValues(object.fields, record, { user: { id: context.user.id, email: context.user.email }, previous: context.previous }, getCompiled);
}

function decimals(n: number): number {
  if (Number.isInteger(n)) return 0;
  const s = String(n);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2)) + (s.slice(0, e).split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

/** Required fields, formats and limits of the full record, and the validation rules. */
export interface ValidateContext {
  user: Caller;
  previous?: Values;
  isCreate: boolean;
  /**
   * On update, the fields whose value changes: only they get format and limit checks, so a
   * value stored under older metadata (an option since removed, a shorter maxLength) does not
   * block edits to other fields. Required fields and validation rules see the whole record.
   */
  changed?: ReadonlySet<string>;
}

export function validateRecord(object: DeployedObject, record: Values, context: ValidateContext): void {
  const problems: FieldProblem[] = [];
  const sent: Values = {};
  for (const f of object.fields) {
    if (isComputedField(f)) continue;
    const v = record[f.name];
    if (f.required && (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0))) {
      problems.push({ field: f.name, code: 'required', message: `${f.label ?? f.name} is required` });
    }
    if (context.changed && !context.changed.has(f.name)) continue;
    if (v !== undefined) sent[f.name] = v;
    if (typeof v === 'number' && (f.type === 'decimal' || f.type === 'currency' || f.type === 'percent')) {
      const scale = f.scale ?? 2;
      if (decimals(v) > scale) problems.push({ field: f.name, code: 'scale', message: `must have at most ${scale} decimal places` });
    }
    const extra = extraProblem(f, v);
    if (extra && !problems.some((p) => p.field === f.name)) problems.push(extra);
  }
  const validate = inputValidator(object);
  validate(sent);
  // Wrong types cannot come from checked input, only from a before-save hook: still a 422.
  const schemaProblems = classify(object, validate.errors);
  problems.push(...[...schemaProblems.malformed, ...schemaProblems.invalid].filter((p) => !problems.some((q) => q.field === p.field)));
  const rules = object.validationRules.filter((r) => !r.on || r.on.includes(context.isCreate ? 'create' : 'update'));
  if (rules.length) {
    const data: Values = { ...record, $user: { id: context.user.id, email: context.user.email }, $previous: context.previous ?? {} };
    for (const rule of rules) {
      let failed: boolean;
      try {
        failed = isTruthy(getCompiled(rule.when)(data));
      } catch {
        failed = false;
      }
      if (failed) problems.push({ field: rule.field ?? '', code: rule.name, message: rule.message });
    }
  }
  if (problems.length) throw new StrataError(422, 'validation_failed', problems.map((p) => p.message).join('; ').slice(0, 500), problems);
}

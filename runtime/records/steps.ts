/**
 * The pure steps of a write, in the order the pipeline runs them:
 * checkInput (400) → applyDefaults → computeFormulas → validateRecord (422).
 */
import { isComputedField } from '../../metadata/record-schema.ts';
import { SYSTEM_FIELDS, type FieldDef, type FormulaField } from '../../metadata/types.ts';
import { getCompiled, formulaOrder, isTruthy } from '../expressions/index.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
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
  const validate = inputValidator(object);
  validate(values);
  const problems = classify(object, validate.errors);
  malformed.push(...problems.malformed);
  if (ownerId !== undefined && (typeof ownerId !== 'string' || !/^[0-9a-f-]{36}$/i.test(ownerId))) {
    malformed.push({ field: 'ownerId', code: 'type', message: 'must be a user id' });
  }
  if (malformed.length) throw new StrataError(400, 'invalid_record', 'The record has fields that are unknown, read-only or of the wrong type', [...malformed, ...problems.invalid]);
  if (forbidden.length) throw new StrataError(403, 'field_read_only', 'You may not change these fields', forbidden);
  if (ownerId !== undefined) values.ownerId = ownerId;
  return values;
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

function formulaFields(object: DeployedObject): Array<DeployedField & FormulaField> {
  return object.fields.filter((f): f is DeployedField & FormulaField => f.type === 'formula');
}

const orderCache = new WeakMap<DeployedObject, Array<DeployedField & FormulaField>>();

function toReturnType(f: FormulaField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (f.returns) {
    case 'text': return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'boolean': return isTruthy(v);
    case 'date': case 'datetime': {
      if (typeof v !== 'string') return null;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) return null;
      return f.returns === 'date' ? d.toISOString().slice(0, 10) : d.toISOString();
    }
    default: {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      if (f.returns === 'integer') return Math.round(n);
      const scale = f.scale ?? (f.returns === 'currency' || f.returns === 'percent' ? 2 : undefined);
      return scale === undefined ? n : Math.round(n * 10 ** scale) / 10 ** scale;
    }
  }
}

/** Computes every formula field from the record, formulas that read formulas after them. */
export function computeFormulas(object: DeployedObject, record: Values, context: { user: Caller; previous?: Values }): Values {
  let order = orderCache.get(object);
  if (!order) {
    order = formulaOrder(formulaFields(object).map((f) => ({ ...f, name: f.name, expression: f.expression }))) as Array<DeployedField & FormulaField>;
    orderCache.set(object, order);
  }
  if (!order.length) return record;
  const data: Values = { ...record, $user: { id: context.user.id, email: context.user.email }, $previous: context.previous ?? {} };
  const out = { ...record };
  for (const f of order) {
    let v: unknown;
    try {
      v = getCompiled(f.expression)(data);
    } catch {
      v = null; // a formula that fails on this record's values is empty, never a failed save
    }
    const value = toReturnType(f, v);
    out[f.name] = value;
    data[f.name] = value;
  }
  return out;
}

function decimals(n: number): number {
  if (Number.isInteger(n)) return 0;
  const s = String(n);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2)) + (s.slice(0, e).split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

/** Required fields, formats and limits of the full record, and the validation rules. */
export function validateRecord(object: DeployedObject, record: Values, context: { user: Caller; previous?: Values; isCreate: boolean }): void {
  const problems: FieldProblem[] = [];
  const sent: Values = {};
  for (const f of object.fields) {
    if (isComputedField(f)) continue;
    const v = record[f.name];
    if (v !== undefined) sent[f.name] = v;
    if (f.required && (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0))) {
      problems.push({ field: f.name, code: 'required', message: `${f.label ?? f.name} is required` });
    }
    if (typeof v === 'number' && (f.type === 'decimal' || f.type === 'currency' || f.type === 'percent')) {
      const scale = f.scale ?? 2;
      if (decimals(v) > scale) problems.push({ field: f.name, code: 'scale', message: `must have at most ${scale} decimal places` });
    }
  }
  const validate = inputValidator(object);
  validate(sent);
  problems.push(...classify(object, validate.errors).invalid.filter((p) => !problems.some((q) => q.field === p.field)));
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

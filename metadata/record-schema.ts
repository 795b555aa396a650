/**
 * Object metadata → JSON Schema of a record. The same schema validates on the server (ajv)
 * and drives forms in the browser (react-jsonschema-form), so both sides agree on types,
 * formats, options and limits. Pure; imports nothing of ours but the format's types.
 */
import type { FieldDef, ObjectDef } from './types.ts';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: Array<string | null>;
  items?: JsonSchema;
  uniqueItems?: boolean;
  readOnly?: boolean;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  'x-strata-type'?: string;
  'x-strata-reference'?: string;
  'x-strata-scale'?: number;
  'x-strata-labels'?: Record<string, string>;
  oneOf?: JsonSchema[];
}

/** Largest integer JSON and JavaScript agree on. */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const PHONE_PATTERN = '^[+]?[0-9 ().\\-/]{3,40}([ ]?(x|ext\\.?)[ ]?[0-9]{1,6})?$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID_RE = new RegExp(UUID_PATTERN);

/** A record id (a UUID, either case): what a reference, an owner or a record id must be. */
export function isUuid(v: string): boolean {
  return UUID_RE.test(v);
}

/** A real calendar day in years 1–9999 (PostgreSQL's and JavaScript's common range). */
export function isCalendarDay(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
}

/** `YYYY-MM-DD`, a real calendar day in years 1–9999 (what the API accepts for dates). */
export function isDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return !!m && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Fields the server computes: never accepted as input. */
export function isComputedField(f: FieldDef): boolean {
  return f.type === 'formula' || f.type === 'rollup' || f.type === 'autonumber';
}

function nullable(t: string): string[] {
  return [t, 'null'];
}

function numberLimit(precision: number | undefined, scale: number | undefined): number {
  return 10 ** ((precision ?? 18) - (scale ?? 2)) - 10 ** -(scale ?? 2);
}

export function fieldSchema(f: FieldDef): JsonSchema {
  const base: JsonSchema = { title: f.label ?? f.name, 'x-strata-type': f.type };
  if (f.helpText) base.description = f.helpText;
  if (isComputedField(f)) base.readOnly = true;
  switch (f.type) {
    case 'text': case 'longtext': case 'richtext':
      return { ...base, type: nullable('string'), maxLength: f.maxLength ?? (f.type === 'text' ? 255 : 100_000) };
    case 'email':
      return { ...base, type: nullable('string'), format: 'email', maxLength: f.maxLength ?? 254 };
    case 'url':
      return { ...base, type: nullable('string'), format: 'uri', maxLength: f.maxLength ?? 2048 };
    case 'phone':
      return { ...base, type: nullable('string'), pattern: PHONE_PATTERN, maxLength: f.maxLength ?? 40 };
    case 'integer':
      return { ...base, type: nullable('integer'), minimum: f.min ?? -MAX_SAFE, maximum: f.max ?? MAX_SAFE };
    case 'decimal': case 'currency': case 'percent': {
      const lim = numberLimit(f.precision, f.scale);
      return { ...base, type: nullable('number'), minimum: f.min ?? -lim, maximum: f.max ?? lim, 'x-strata-scale': f.scale ?? 2 };
    }
    case 'boolean':
      return { ...base, type: nullable('boolean') };
    case 'date':
      return { ...base, type: nullable('string'), format: 'date' };
    case 'datetime':
      return { ...base, type: nullable('string'), format: 'date-time' };
    case 'picklist': {
      const labels = Object.fromEntries(f.options.map((o) => [o.value, o.label ?? o.value]));
      return { ...base, type: nullable('string'), enum: [...f.options.map((o) => o.value), null], 'x-strata-labels': labels };
    }
    case 'multipicklist': {
      const labels = Object.fromEntries(f.options.map((o) => [o.value, o.label ?? o.value]));
      return { ...base, type: nullable('array'), uniqueItems: true, items: { type: 'string', enum: f.options.map((o) => o.value) }, 'x-strata-labels': labels };
    }
    case 'reference':
      return { ...base, type: nullable('string'), pattern: UUID_PATTERN, 'x-strata-reference': f.to };
    case 'autonumber':
      return { ...base, type: nullable('string') };
    case 'formula': {
      const t = f.returns === 'integer' ? 'integer' : f.returns === 'boolean' ? 'boolean'
        : f.returns === 'text' || f.returns === 'date' || f.returns === 'datetime' ? 'string' : 'number';
      return { ...base, type: nullable(t), ...(f.returns === 'date' ? { format: 'date' } : f.returns === 'datetime' ? { format: 'date-time' } : {}) };
    }
    case 'rollup':
      // Min and max of dates are dates (`returns` is set by the deploy), all others numbers.
      if (f.returns === 'date') return { ...base, type: nullable('string'), format: 'date' };
      if (f.returns === 'datetime') return { ...base, type: nullable('string'), format: 'date-time' };
      return { ...base, type: nullable('number') };
    case 'json':
      return { ...base };
  }
}

export type RecordSchemaMode = 'input' | 'read';

/**
 * `input`: what a create or update may send (no computed or system fields, nothing unknown).
 * `read`: a record as the API returns it, system fields included.
 */
export function recordSchema(object: ObjectDef, mode: RecordSchemaMode = 'input'): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of object.fields) {
    if (mode === 'input' && isComputedField(f)) continue;
    properties[f.name] = fieldSchema(f);
  }
  if (mode === 'read') {
    properties.id = { type: 'string', format: 'uuid', readOnly: true };
    properties.ownerId = { type: nullable('string'), format: 'uuid' };
    properties.createdAt = { type: 'string', format: 'date-time', readOnly: true };
    properties.createdBy = { type: nullable('string'), format: 'uuid', readOnly: true };
    properties.updatedAt = { type: 'string', format: 'date-time', readOnly: true };
    properties.updatedBy = { type: nullable('string'), format: 'uuid', readOnly: true };
    properties.version = { type: 'integer', readOnly: true };
  }
  const schema: JsonSchema = { type: 'object', title: object.label, properties, additionalProperties: false };
  const required = object.fields.filter((f) => f.required && !isComputedField(f)).map((f) => f.name);
  if (required.length && mode === 'read') schema.required = ['id', ...required];
  return schema;
}

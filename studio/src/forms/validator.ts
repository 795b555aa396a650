/**
 * The browser side of "the same JSON Schema validates on both sides": an rjsf validator that
 * checks a record against the schema metadata/record-schema.ts makes (ajv checks the very
 * same schema on the server).
 *
 * Why not @rjsf/validator-ajv8 here: ajv compiles schemas with `new Function`, which the
 * server's Content-Security-Policy (script-src 'self', no 'unsafe-eval') rightly forbids. This
 * interprets the keywords record schemas use — type (with null), enum, maxLength, minimum,
 * maximum, pattern, format, items, uniqueItems, properties, required, x-strata-scale — with
 * messages written for people, and no eval.
 */
import {
  createErrorHandler, getDefaultFormState, toErrorSchema, unwrapErrorHandler, validationDataMerge,
  type CustomValidator, type ErrorTransformer, type FormContextType, type RJSFSchema, type RJSFValidationError,
  type UiSchema, type ValidationData, type ValidatorType,
} from '@rjsf/utils';
import { isDate } from '../../../metadata/record-schema.ts';

type Schema = RJSFSchema;
type Values = Record<string, unknown>;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

function isWebUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

function decimals(n: number): number {
  if (Number.isInteger(n)) return 0;
  const s = String(n);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2)) + (s.slice(0, e).split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(allowed: string[], v: unknown): boolean {
  const t = typeOf(v);
  return allowed.includes(t) || (t === 'integer' && allowed.includes('number'));
}

/** What to tell someone whose value is of the wrong kind. */
function typeMessage(allowed: string[], strataType: unknown): string {
  if (strataType === 'reference') return 'Choose a record';
  if (allowed.includes('integer')) return 'Enter a whole number';
  if (allowed.includes('number')) return 'Enter a number';
  if (allowed.includes('boolean')) return 'Choose yes or no';
  if (allowed.includes('array')) return 'Choose from the options';
  return 'Enter text';
}

function formatMessage(format: string): string | undefined {
  switch (format) {
    case 'email': return 'Enter an email address, e.g. name@example.com';
    case 'uri': return 'Enter a web address starting with http:// or https://';
    case 'date': return 'Enter a date';
    case 'date-time': return 'Enter a date and time';
    default: return undefined;
  }
}

function formatOk(format: string, v: string): boolean {
  switch (format) {
    case 'email': return EMAIL_RE.test(v);
    case 'uri': return isWebUrl(v);
    case 'date': return isDate(v);
    case 'date-time': return DATETIME_RE.test(v) && !Number.isNaN(new Date(v).getTime());
    default: return true;
  }
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function push(errors: RJSFValidationError[], name: string, property: string, message: string, title: string | undefined, schemaPath: string): void {
  errors.push({ name, property, message, stack: title ? `${title}: ${message}` : message, title, schemaPath, params: {} });
}

/** Checks `value` against `schema`; errors name their field by `property` (`.name`). */
export function checkValue(schema: Schema, value: unknown, property = '', schemaPath = '#', errors: RJSFValidationError[] = []): RJSFValidationError[] {
  const title = typeof schema.title === 'string' ? schema.title : undefined;
  if (value === undefined) return errors;
  const allowed = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type.map(String) : [String(schema.type)];
  if (allowed && !typeMatches(allowed, value)) {
    push(errors, 'type', property, typeMessage(allowed, schema['x-strata-type']), title, `${schemaPath}/type`);
    return errors;
  }
  if (value === null) return errors;
  if (schema.enum && !schema.enum.some((e) => e === value)) push(errors, 'enum', property, 'Choose one of the options', title, `${schemaPath}/enum`);
  if (typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) {
      push(errors, 'maxLength', property, `At most ${schema.maxLength} characters`, title, `${schemaPath}/maxLength`);
    }
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      const t = schema['x-strata-type'];
      push(errors, 'pattern', property, t === 'phone' ? 'Enter a phone number, e.g. +1 555 123 4567' : t === 'reference' ? 'Choose a record' : 'Not in the expected form', title, `${schemaPath}/pattern`);
    }
    if (typeof schema.format === 'string' && !formatOk(schema.format, value)) {
      const message = formatMessage(schema.format);
      if (message) push(errors, 'format', property, message, title, `${schemaPath}/format`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) push(errors, 'minimum', property, `${title ?? 'The value'} must be at least ${schema.minimum.toLocaleString()}`, title, `${schemaPath}/minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) push(errors, 'maximum', property, `${title ?? 'The value'} must be at most ${schema.maximum.toLocaleString()}`, title, `${schemaPath}/maximum`);
    const scale = schema['x-strata-scale'];
    if (typeof scale === 'number' && decimals(value) > scale) {
      push(errors, 'scale', property, scale === 0 ? 'Enter a whole number' : `At most ${scale} decimal places`, title, `${schemaPath}/x-strata-scale`);
    }
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items && typeof items === 'object' && !Array.isArray(items)) {
      for (const item of value) checkValue(items as Schema, item, property, `${schemaPath}/items`, errors);
    }
    if (schema.uniqueItems && new Set(value.map((x) => JSON.stringify(x))).size !== value.length) {
      push(errors, 'uniqueItems', property, 'Choose each option only once', title, `${schemaPath}/uniqueItems`);
    }
  }
  if (typeOf(value) === 'object' && schema.properties) {
    const obj = value as Values;
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (typeof sub === 'object') checkValue(sub as Schema, obj[name], `${property}.${name}`, `${schemaPath}/properties/${name}`, errors);
    }
  }
  if (typeOf(value) === 'object' && Array.isArray(schema.required)) {
    const obj = value as Values;
    for (const name of schema.required) {
      if (!isEmpty(obj[name])) continue;
      const sub = schema.properties?.[name];
      const label = sub && typeof sub === 'object' && typeof sub.title === 'string' ? sub.title : name;
      push(errors, 'required', `${property}.${name}`, `${label} is required`, label, `${schemaPath}/required`);
    }
  }
  return errors;
}

export class RecordSchemaValidator<F extends FormContextType = FormContextType> implements ValidatorType<Values, Schema, F> {
  validateFormData(formData: Values | undefined, schema: Schema, customValidate?: CustomValidator<Values, Schema, F>, transformErrors?: ErrorTransformer<Values, Schema, F>, uiSchema?: UiSchema<Values, Schema, F>): ValidationData<Values> {
    let errors = checkValue(schema, formData ?? {});
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<Values>(errors);
    if (!customValidate) return { errors, errorSchema };
    const data = getDefaultFormState<Values, Schema, F>(this, schema, formData, schema, true) as Values;
    const handler = customValidate(data, createErrorHandler<Values>(data), uiSchema, errorSchema);
    return validationDataMerge<Values>({ errors, errorSchema }, unwrapErrorHandler<Values>(handler));
  }

  isValid(schema: Schema, formData: Values | undefined): boolean {
    return checkValue(schema, formData).length === 0;
  }

  rawValidation<Result = RJSFValidationError>(schema: Schema, formData?: Values): { errors?: Result[]; validationError?: Error } {
    const errors = checkValue(schema, formData);
    return { errors: errors as Result[] };
  }
}


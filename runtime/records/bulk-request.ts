/** The bulk envelope `{operation, records, upsertKey?, allOrNothing?}`, checked before any work. */
import { isComputedField } from '../../metadata/record-schema.ts';
import type { FieldType } from '../../metadata/types.ts';
import { StrataError, type FieldProblem } from '../errors.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
import type { RecordContext } from './context.ts';
import type { Values } from './steps.ts';

export const MAX_BULK_RECORDS = 10_000;

export type BulkOperation = 'create' | 'update' | 'upsert' | 'delete';
const OPERATIONS: readonly BulkOperation[] = ['create', 'update', 'upsert', 'delete'];
const ENVELOPE_KEYS = new Set(['operation', 'records', 'upsertKey', 'allOrNothing']);

/** Field types an upsert key may have: compared exactly, and castable in one `= ANY` query. */
const KEY_TYPES = new Set<FieldType>(['text', 'longtext', 'richtext', 'email', 'phone', 'url', 'picklist', 'integer', 'decimal', 'currency', 'percent', 'reference']);

export interface BulkRequest {
  operation: BulkOperation;
  records: Values[];
  upsertKey?: DeployedField;
  allOrNothing: boolean;
}

const isObject = (v: unknown): v is Values => v !== null && typeof v === 'object' && !Array.isArray(v);
const clip = (s: string) => s.slice(0, 60);

/** The envelope `{operation, records, upsertKey?, allOrNothing?}`: a 400 naming every bad path. */
export function parseBulkRequest(ctx: RecordContext, object: DeployedObject, body: unknown): BulkRequest {
  if (!isObject(body)) {
    throw new StrataError(400, 'invalid_bulk_request', 'The body must be a JSON object: {operation, records, upsertKey?, allOrNothing?}');
  }
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(body)) {
    if (!ENVELOPE_KEYS.has(k)) problems.push({ field: clip(k), code: 'unknown_field', message: 'not part of a bulk request (operation, records, upsertKey, allOrNothing)' });
  }
  const op = body.operation;
  const operation = OPERATIONS.find((o) => o === op);
  if (!operation) problems.push({ field: 'operation', code: op === undefined ? 'required' : 'enum', message: `must be one of: ${OPERATIONS.join(', ')}` });
  if (body.allOrNothing !== undefined && typeof body.allOrNothing !== 'boolean') {
    problems.push({ field: 'allOrNothing', code: 'type', message: 'must be true or false' });
  }
  let upsertKey: DeployedField | undefined;
  const key = body.upsertKey;
  if (operation === 'upsert') {
    const f = typeof key === 'string' ? object.fields.find((x) => x.name === key) : undefined;
    if (key === undefined) problems.push({ field: 'upsertKey', code: 'required', message: 'an upsert needs the field that identifies records (a unique or externalId field)' });
    else if (typeof key !== 'string') problems.push({ field: 'upsertKey', code: 'type', message: 'must be a field name' });
    else if (!f || ctx.access.field(object, f.name) === 'none') problems.push({ field: 'upsertKey', code: 'unknown_field', message: `${object.name} has no field ${clip(key)}` });
    else if (!f.unique && !f.externalId) problems.push({ field: 'upsertKey', code: 'not_unique', message: `${f.name} is neither unique nor an externalId field` });
    else if (isComputedField(f) || !KEY_TYPES.has(f.type)) problems.push({ field: 'upsertKey', code: 'key_type', message: `${f.name} is a ${f.type} field: an upsert key is a text, number or reference field` });
    else upsertKey = f;
  } else if (key !== undefined) {
    problems.push({ field: 'upsertKey', code: 'not_allowed', message: 'upsertKey applies to operation upsert only' });
  }
  const records = body.records;
  if (!Array.isArray(records)) {
    problems.push({ field: 'records', code: records === undefined ? 'required' : 'type', message: 'must be an array of records' });
  } else if (records.length > MAX_BULK_RECORDS) {
    problems.push({ field: 'records', code: 'maxItems', message: `at most ${MAX_BULK_RECORDS} records per request (got ${records.length})` });
  } else {
    const byId = operation === 'update' || operation === 'delete';
    for (let i = 0; i < records.length && problems.length < 100; i++) {
      const r: unknown = records[i];
      if (!isObject(r)) {
        problems.push({ field: `records[${i}]`, code: 'type', message: 'must be an object of field values' });
      } else if (byId && (typeof r.id !== 'string' || !r.id)) {
        problems.push({ field: `records[${i}].id`, code: 'required', message: `${operation} needs the id of each record` });
      } else if (byId && r.version !== undefined && !(Number.isInteger(r.version) && (r.version as number) > 0)) {
        problems.push({ field: `records[${i}].version`, code: 'type', message: 'must be the version the record was read at (If-Match), an integer' });
      }
    }
  }
  if (problems.length || !operation || !Array.isArray(records)) {
    throw new StrataError(400, 'invalid_bulk_request', 'The bulk request is malformed', problems);
  }
  return { operation, records: records as Values[], upsertKey, allOrNothing: body.allOrNothing === true };
}

/**
 * Bulk writes (`POST /api/records/:object/bulk`): up to 10,000 records of one object in one
 * transaction, through the same rules as single writes.
 *
 * create: the object's write plan (write-plan.ts), run set-wise by create-pipeline.ts, a chunk
 *   of 500 records at a time:
 *   envelope (400) → BEGIN → per chunk: in memory, per record: check input → defaults → owner
 *   (→ formulas → validate, when no before-save step comes between; 400/403/422) →
 *   before-save workflows and hooks, one call per step per chunk (→ formulas → validate) →
 *   owners and references: one `= ANY` query per field for the chunk (422) →
 *   inside a savepoint: autonumbers for the chunk at once → one statement that INSERTs the
 *   rows, writes their `record.created` events and NOTIFYs them; a chunk that breaks a
 *   unique index (409) or a column's limits is retried in halves, in savepoints, down to the
 *   offending records. The pure steps of the next chunk run while PostgreSQL writes this
 *   one. → rollups of every affected parent, once for the batch → after-save jobs → COMMIT →
 *   after-commit hooks.
 * update, delete: record by record through updateRecord / deleteRecord in the shared
 *   transaction (each in its own savepoint).
 * upsert: one query finds the live records matching the upsert key; unmatched keys take the
 *   create path above, matched ones are updated one by one. A key that repeats in the batch
 *   is handled in order (the first creates, the next ones update).
 *
 * allOrNothing: every record is still tried, so that every failing index is reported; then
 * the transaction rolls back and the request fails with the first failure's status.
 * Autonumbers stay gap-free: numbers are taken inside the savepoint of the rows that use them.
 * A record a before-save step refuses fails alone (422); the context's HookRunner.beforeSave
 * runs record by record, each in its own savepoint, as on a single write.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { forbidden, StrataError, type FieldProblem } from '../errors.ts';
import type { DeployedField, DeployedObject } from '../metadata/deployed.ts';
import { columnType } from '../schema/column-type.ts';
import { checkCreates, enqueueCreateJobs, prepareCreate, writeCreates, type PendingCreate } from './create-pipeline.ts';
import { MAX_BULK_RECORDS, parseBulkRequest } from './bulk-request.ts';
import { objectOf, type RecordContext } from './context.ts';
import { assertDepth } from './seams.ts';
import { createRecord } from './create.ts';
import { loadRow } from './load.ts';
import { uniqueConflict } from './references.ts';
import { databaseProblem, inTransaction, savepoint } from './transaction.ts';
import { deleteRecord } from './remove.ts';
import { parentRefs, refreshRollups } from './rollups.ts';
import type { Values } from './steps.ts';
import { updateRecord } from './update.ts';
import { writePlan, type WritePlan } from './write-plan.ts';
import { isUuid } from '../../metadata/record-schema.ts';

/** Rows per INSERT statement. */
export { MAX_BULK_RECORDS, parseBulkRequest, type BulkOperation, type BulkRequest } from './bulk-request.ts';
export const INSERT_CHUNK = 500;

export interface BulkError { status: number; code: string; message: string; errors?: FieldProblem[] }

export interface BulkItem {
  index: number;
  status: 'created' | 'updated' | 'deleted' | 'error';
  id?: string;
  error?: BulkError;
}

export interface BulkResult {
  results: BulkItem[];
  created: number;
  updated: number;
  deleted: number;
  failed: number;
}

/** The results, one per index, filled in as records succeed or fail. */
class Outcome {
  readonly results: BulkItem[];
  created = 0;
  updated = 0;
  deleted = 0;
  failed = 0;

  constructor(n: number) {
    this.results = new Array<BulkItem>(n);
  }

  ok(index: number, status: 'created' | 'updated' | 'deleted', id: string): void {
    this.results[index] = { index, status, id };
    this[status] += 1;
  }

  fail(index: number, err: StrataError): void {
    const error: BulkError = { status: err.status, code: err.code, message: err.message };
    if (err.errors?.length) error.errors = err.errors;
    this.results[index] = { index, status: 'error', error };
    this.failed += 1;
  }

  summary(): BulkResult {
    return { results: this.results, created: this.created, updated: this.updated, deleted: this.deleted, failed: this.failed };
  }
}

/** Database errors that one row's values cause (a unique value taken, a value its column cannot hold). */
function isRowError(code: unknown): boolean {
  return typeof code === 'string' && (code.startsWith('22') || code === '23505' || code === '23503' || code === '23502' || code === '23514');
}

/** A database refusal caused by one record's values, as that record's error; undefined for any other failure. */
function rowError(object: DeployedObject, err: unknown): StrataError | undefined {
  if (!isRowError((err as { code?: unknown } | null)?.code)) return undefined;
  return uniqueConflict(object, err) ?? databaseProblem(err) ?? new StrataError(400, 'invalid_value', 'A value cannot be stored in its field');
}

/** The error of one record; anything that is not the record's fault fails the whole request. */
function asRecordError(object: DeployedObject, err: unknown): StrataError {
  if (err instanceof StrataError) return err;
  const e = rowError(object, err);
  if (!e) throw err;
  return e;
}

interface Item { index: number; input: Values }
type AfterSave = () => Promise<void>;

interface Run {
  ctx: RecordContext;
  object: DeployedObject;
  plan: WritePlan;
  trx: Knex.Transaction;
  out: Outcome;
  /** After-save hooks to call once the transaction committed. */
  after: AfterSave[];
  /** Ids created by the set-based path (their after-save hooks need the stored rows). */
  createdIds: string[];
}

/**
 * Rows in a savepoint. When the database refuses them (a unique value taken, a value a column
 * cannot hold), the halves are retried, down to single rows, which names each offending record
 * at the cost of about 2·log2(n) statements per offender instead of one per row.
 */
async function insertChunk(run: Run, rows: PendingCreate[], written: Written): Promise<void> {
  const { ctx, plan, object, trx, out } = run;
  try {
    await savepoint(trx, (sp) => writeCreates(ctx, plan, sp, rows));
  } catch (err) {
    const e = rowError(object, err);
    if (!e) throw err;
    if (rows.length === 1) {
      out.fail(rows[0].index, e);
      return;
    }
    const half = Math.ceil(rows.length / 2);
    await insertChunk(run, rows.slice(0, half), written);
    await insertChunk(run, rows.slice(half), written);
    return;
  }
  written.add(rows);
}

/**
 * What the batch keeps of the rows written: the parents whose rollups need refreshing, the
 * ids for after-save hooks, and the records only when after-save jobs need them; not the rows
 * themselves otherwise, which may go as soon as written.
 */
class Written {
  readonly parents = new Map<string, Set<string>>();
  readonly records: Values[] = [];

  constructor(private readonly run: Run) {}

  add(rows: PendingCreate[]): void {
    const { ctx, object, plan, out, createdIds } = this.run;
    for (const p of rows) out.ok(p.index, 'created', p.id);
    for (const [via, ids] of parentRefs(ctx.registry, object, ...rows.map((p) => p.values))) {
      const set = this.parents.get(via) ?? new Set<string>();
      for (const id of ids) set.add(id);
      this.parents.set(via, set);
    }
    if (ctx.hooks?.afterSave) for (const p of rows) createdIds.push(p.id);
    if (plan.afterSave.create.length) for (const p of rows) this.records.push({ ...p.values, id: p.id });
  }
}

/** Records of pure work between two turns of the event loop (see prepareChunk). */
const PREPARE_SLICE = 100;

/**
 * The pure steps for a chunk of records. It yields to the event loop every few records, so
 * that the chunk being written meanwhile goes on (its statements are sent and answered):
 * PostgreSQL inserts one chunk while JavaScript validates the next.
 */
async function prepareChunk(run: Run, items: Item[]): Promise<PendingCreate[]> {
  const { ctx, plan, object, out } = run;
  const pending: PendingCreate[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i % PREPARE_SLICE === 0) await nextTurn();
    const { index, input } = items[i];
    try {
      pending.push(prepareCreate(ctx, plan, input, index));
    } catch (err) {
      out.fail(index, asRecordError(object, err));
    }
  }
  return pending;
}

/** The plan's steps in the transaction for one chunk: checks set-wise, then the INSERT. */
async function writeChunk(run: Run, pending: PendingCreate[], written: Written): Promise<void> {
  if (!pending.length) return;
  const valid = await checkCreates(run.ctx, run.plan, run.trx, pending, (p, err) => run.out.fail(p.index, err));
  if (valid.length) await insertChunk(run, valid, written);
}

/** Creates: the write plan, a chunk at a time (see the top of this file). */
async function createMany(run: Run, items: Item[]): Promise<void> {
  const { ctx, object, plan, trx } = run;
  const written = new Written(run);
  let ready = await prepareChunk(run, items.slice(0, INSERT_CHUNK));
  for (let start = 0; start < items.length; start += INSERT_CHUNK) {
    // Write this chunk while the next one goes through the pure steps; the failure of a
    // write is held (not left unhandled) until the preparation is done.
    const writing = writeChunk(run, ready, written).then(() => null, (error: unknown) => ({ error }));
    let next: PendingCreate[] = [];
    let prepared: { error: unknown } | null = null;
    try {
      next = await prepareChunk(run, items.slice(start + INSERT_CHUNK, start + 2 * INSERT_CHUNK));
    } catch (error) {
      prepared = { error };
    }
    // A failed write wins over a failed preparation: it is the one that rolls back.
    const failed = await writing;
    if (failed) throw failed.error;
    if (prepared) throw prepared.error;
    ready = next;
  }
  // Every parent the new rows point at, refreshed once for the whole batch; then the jobs.
  if (written.parents.size) await refreshRollups(trx, ctx.registry, object.name, written.parents, ctx.user);
  await enqueueCreateJobs(ctx, plan, trx, written.records);
}

/** One create through createRecord, in its own savepoint (used when before-save hooks run). */
async function createOne(run: Run, { index, input }: Item): Promise<string | undefined> {
  const { ctx, object, trx, out } = run;
  try {
    const record = await createRecord(ctx, object.name, input, trx);
    out.ok(index, 'created', record.id as string);
    const afterSave = ctx.hooks?.afterSave;
    if (afterSave) run.after.push(() => afterSave(ctx, object, record, undefined));
    return record.id as string;
  } catch (err) {
    out.fail(index, asRecordError(object, err));
    return undefined;
  }
}

async function updateOne(run: Run, index: number, id: string, input: Values, ifMatch?: number): Promise<void> {
  const { ctx, object, trx, out } = run;
  const afterSave = ctx.hooks?.afterSave;
  try {
    // after-save hooks get the record as it was; updateRecord inside a caller's transaction leaves them to us.
    const previous = afterSave ? await loadRow(trx, ctx, object, id, { action: 'read' }).catch(() => undefined) : undefined;
    const record = await updateRecord(ctx, object.name, id, input, { ifMatch }, trx);
    out.ok(index, 'updated', record.id as string);
    if (afterSave && previous && previous.version !== record.version) run.after.push(() => afterSave(ctx, object, record, previous));
  } catch (err) {
    out.fail(index, asRecordError(object, err));
  }
}

async function updateEach(run: Run, records: Values[]): Promise<void> {
  for (let i = 0; i < records.length; i++) {
    const { id, version, ...fields } = records[i];
    await updateOne(run, i, id as string, fields, version as number | undefined);
  }
}

async function deleteEach(run: Run, records: Values[]): Promise<void> {
  const { ctx, object, trx, out } = run;
  for (let i = 0; i < records.length; i++) {
    const id = records[i].id as string;
    try {
      await deleteRecord(ctx, object.name, id, { ifMatch: records[i].version as number | undefined }, trx);
      out.ok(i, 'deleted', id);
    } catch (err) {
      out.fail(i, asRecordError(object, err));
    }
  }
}

/** The upsert key's value as a map key, the same for what the caller sent and what PostgreSQL returns. */
function keyOf(field: DeployedField, v: unknown): string | undefined {
  if (field.type === 'integer') return Number.isSafeInteger(v) ? String(v) : undefined;
  if (field.type === 'decimal' || field.type === 'currency' || field.type === 'percent') {
    // Within what the column's numeric(p, s) holds, so that the lookup itself cannot fail.
    const limit = 10 ** ((field.precision ?? 18) - (field.scale ?? 2));
    return typeof v === 'number' && Math.abs(v) < limit ? String(v) : undefined;
  }
  if (typeof v !== 'string' || v === '' || v.includes('\u0000')) return undefined;
  if (field.type === 'reference') return isUuid(v) ? v.toLowerCase() : undefined;
  return v;
}

async function upsertMany(run: Run, records: Values[], key: DeployedField): Promise<void> {
  const { object, trx, out } = run;
  const keyed: Array<Item & { key: string }> = [];
  for (let index = 0; index < records.length; index++) {
    const input = records[index];
    const v = input[key.name];
    const k = keyOf(key, v);
    if (k !== undefined) keyed.push({ index, input, key: k });
    else if (v === undefined || v === null || v === '') out.fail(index, new StrataError(400, 'missing_upsert_key', `Each record of an upsert needs a value for ${key.name}`, [{ field: key.name, code: 'required', message: `the upsert key ${key.name} is required` }]));
    else out.fail(index, new StrataError(400, 'invalid_record', `The upsert key ${key.name} has the wrong type`, [{ field: key.name, code: 'type', message: `must be a valid ${key.type} value` }]));
  }
  // Live records holding these keys (an externalId that is not unique may match several).
  const matches = new Map<string, string[]>();
  const values = [...new Set(keyed.map((r) => r.key))];
  for (let i = 0; i < values.length; i += MAX_BULK_RECORDS) {
    const { rows } = await trx.raw(
      `SELECT id, ?? AS k FROM ??.?? WHERE ?? = ANY(?::${columnType(key)}[]) AND "_deletedAt" IS NULL`,
      [key.name, DATA_SCHEMA, object.name, key.name, values.slice(i, i + MAX_BULK_RECORDS)],
    );
    for (const r of rows as Array<{ id: string; k: unknown }>) {
      const k = keyOf(key, r.k) ?? String(r.k);
      matches.set(k, [...(matches.get(k) ?? []), r.id]);
    }
  }
  const seen = new Map<string, number>();
  for (const r of keyed) seen.set(r.key, (seen.get(r.key) ?? 0) + 1);
  // New keys that occur once: the set-based create path. The rest, in order, one by one.
  await createMany(run, keyed.filter((r) => seen.get(r.key) === 1 && !matches.has(r.key)));
  for (const r of keyed) {
    if (seen.get(r.key) === 1 && !matches.has(r.key)) continue;
    const ids = matches.get(r.key);
    if (ids && ids.length > 1) {
      out.fail(r.index, new StrataError(409, 'ambiguous_upsert_key', `${ids.length} ${object.pluralLabel ?? object.name} have this ${key.name}`, [{ field: key.name, code: 'unique', message: 'matches more than one record' }]));
    } else if (ids) {
      await updateOne(run, r.index, ids[0], r.input);
    } else {
      const id = await createOne(run, r);
      if (id) matches.set(r.key, [id]);
    }
  }
}

/** Thrown inside the transaction to roll an allOrNothing batch back. */
class RollBack extends Error {}

function allOrNothingError(out: Outcome, total: number): StrataError {
  const failures = out.results.filter((r) => r.status === 'error');
  const errors: FieldProblem[] = [];
  for (const f of failures) {
    const e = f.error as BulkError;
    const at = `records[${f.index}]`;
    if (e.errors?.length) for (const p of e.errors) errors.push({ field: p.field ? `${at}.${p.field}` : at, code: p.code, message: p.message });
    else errors.push({ field: at, code: e.code, message: e.message });
  }
  const status = failures[0]?.error?.status ?? 422;
  return new StrataError(status, 'bulk_failed', `${failures.length} of ${total} records failed, so none was written (allOrNothing)`, errors, { failed: failures.length, results: failures });
}

export async function bulkRecords(ctx: RecordContext, objectName: string, body: unknown): Promise<BulkResult> {
  assertDepth(ctx);
  const object = objectOf(ctx, objectName);
  const plan = writePlan(ctx, object);
  const req = parseBulkRequest(ctx, object, body);
  if (req.operation === 'create' && !ctx.access.canCreate(object)) throw forbidden(`You may not create ${object.pluralLabel ?? object.name}`);
  if (!req.records.length) return new Outcome(0).summary();
  // inTransaction retries the whole batch after a deadlock: each attempt starts afresh.
  const last: { run?: Run } = {};
  try {
    await inTransaction(ctx, undefined, async (trx) => {
      const run: Run = { ctx, object, plan, trx, out: new Outcome(req.records.length), after: [], createdIds: [] };
      last.run = run;
      switch (req.operation) {
        case 'create': await createMany(run, req.records.map((input, index) => ({ index, input }))); break;
        case 'update': await updateEach(run, req.records); break;
        case 'delete': await deleteEach(run, req.records); break;
        case 'upsert': await upsertMany(run, req.records, req.upsertKey as DeployedField); break;
      }
      if (req.allOrNothing && run.out.failed) throw new RollBack();
    });
  } catch (err) {
    if (err instanceof RollBack && last.run) throw allOrNothingError(last.run.out, req.records.length);
    throw err;
  }
  const run = last.run as Run;
  // After commit: after-save hooks, whose failures do not undo the save.
  const afterSave = ctx.hooks?.afterSave;
  if (afterSave && run.createdIds.length) {
    for (let i = 0; i < run.createdIds.length; i += INSERT_CHUNK) {
      const ids = run.createdIds.slice(i, i + INSERT_CHUNK);
      const { rows } = await ctx.knex.raw(`SELECT * FROM ??.?? WHERE id = ANY(?::uuid[]) ORDER BY array_position(?::uuid[], id)`, [DATA_SCHEMA, object.name, ids, ids]);
      for (const row of rows as Values[]) run.after.push(() => afterSave(ctx, object, row, undefined));
    }
  }
  for (const fn of run.after) await fn();
  return run.out.summary();
}

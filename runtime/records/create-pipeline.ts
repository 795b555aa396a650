/**
 * The create pipeline: the write plan's steps (write-plan.ts, ORDER_OF_EXECUTION) for a batch
 * of records, set-wise: one SQL statement per step per batch, one call per before-save step
 * per batch. A single create is a batch of one (create.ts); bulk runs it a chunk at a time
 * (bulk.ts). A record that fails a step is handed to `fail` and leaves the batch; the others
 * go on.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { DATA_SCHEMA, SYSTEM_SCHEMA } from '../db/names.ts';
import { forbidden, StrataError, type FieldProblem } from '../errors.ts';
import { takeAutonumbersFor } from './autonumber.ts';
import { insertRows } from './bulk-insert.ts';
import { hasBeforeSave, runBeforeSave } from './before-save.ts';
import type { RecordContext } from './context.ts';
import { enqueueJobs } from './jobs.ts';
import type { SaveItem } from './seams.ts';
import { applyDefaults, checkInput, computeFormulas, validateRecord, type Values } from './steps.ts';
import type { WritePlan } from './write-plan.ts';
import { isUuid } from '../../metadata/record-schema.ts';

/** A record on its way through the pipeline. */
export interface PendingCreate extends SaveItem {
  /** Its place in the caller's list (bulk results). */
  index: number;
  id: string;
  ownerSent: boolean;
  /** Formulas and validation already ran (no before-save step can change the values). */
  validated: boolean;
}

export type Fail = (p: PendingCreate, err: StrataError) => void;

/**
 * The pure steps: checkInput (400/403) → defaults, owner, counters at zero; then formulas and
 * validation rules (422) right away when no before-save step comes between.
 */
export function prepareCreate(ctx: RecordContext, plan: WritePlan, input: unknown, index: number): PendingCreate {
  const object = plan.object;
  if (!ctx.access.canCreate(object)) throw forbidden(`You may not create ${object.pluralLabel ?? object.name}`);
  const sent = checkInput(object, input, ctx.access, { allowOwner: true });
  if (sent.ownerId !== undefined && sent.ownerId !== ctx.user.id && !ctx.access.canReassign(object)) {
    throw forbidden('You may not create records owned by someone else');
  }
  let values: Values = applyDefaults(object, sent, ctx.user);
  values.ownerId = sent.ownerId ?? ctx.user.id;
  for (const name of plan.counters) values[name] = 0;
  const validated = !hasBeforeSave(ctx, plan, 'create');
  if (validated) values = formulasAndRules(ctx, plan, values);
  return { index, id: randomUUID(), values, ownerSent: sent.ownerId !== undefined, validated };
}

function formulasAndRules(ctx: RecordContext, plan: WritePlan, values: Values): Values {
  const out = computeFormulas(plan.object, values, { user: ctx.user });
  validateRecord(plan.object, out, { user: ctx.user, isCreate: true });
  return out;
}

/**
 * Whether a create is one statement that needs no transaction around it: nothing to check in
 * the database first, nothing to number, no step, job or parent rollup.
 */
export function isOneStatement(ctx: RecordContext, plan: WritePlan, p: PendingCreate): boolean {
  return p.validated && !p.ownerSent && !plan.autonumbers.length && !plan.hasParentRollups && !plan.afterSave.create.length
    && plan.references.every((r) => p.values[r.field.name] === null || p.values[r.field.name] === undefined);
}

/**
 * The steps inside the transaction, up to the write: before-save steps → formulas → rules →
 * owners → references. Returns the records still standing.
 */
export async function checkCreates(ctx: RecordContext, plan: WritePlan, trx: Knex.Transaction, batch: PendingCreate[], fail: Fail): Promise<PendingCreate[]> {
  let live = batch;
  if (live.some((p) => !p.validated)) {
    live = await runBeforeSave(ctx, plan, 'create', trx, live, fail);
    live = live.filter((p) => {
      if (p.validated) return true;
      try {
        p.values = formulasAndRules(ctx, plan, p.values);
        p.validated = true;
        return true;
      } catch (err) {
        if (!(err instanceof StrataError)) throw err;
        fail(p, err);
        return false;
      }
    });
  }
  live = await checkOwners(trx, live, fail);
  return checkReferences(ctx, plan, trx, live, fail);
}

/**
 * Autonumbers → INSERT with its events, for records that passed checkCreates, in `trx` (a
 * savepoint when the caller isolates rows). Returns the stored rows when asked.
 */
export async function writeCreates(ctx: RecordContext, plan: WritePlan, trx: Knex.Transaction, batch: readonly PendingCreate[], opts: { returning?: boolean } = {}): Promise<Values[]> {
  await takeAutonumbersFor(trx, plan.object, batch.map((p) => p.values));
  return insertRows(trx, ctx, plan.object, batch, opts);
}

/** After-save jobs of the records created, enqueued in the same transaction (after rollups). */
export async function enqueueCreateJobs(ctx: RecordContext, plan: WritePlan, trx: Knex.Transaction, saved: Values[]): Promise<void> {
  const jobs = plan.afterSave.create;
  if (!jobs.length || !saved.length) return;
  const records = saved.map((record) => ({ record }));
  await enqueueJobs(trx, plan.object, jobs.flatMap((j) => j.jobs(ctx, plan.object, 'create', records)));
}

/** Owners sent with the records must be active users (422), one query for the batch. */
async function checkOwners(trx: Knex.Transaction, batch: PendingCreate[], fail: Fail): Promise<PendingCreate[]> {
  const sent = new Set<string>();
  for (const p of batch) if (p.ownerSent) sent.add(String(p.values.ownerId).toLowerCase());
  if (!sent.size) return batch;
  const ids = [...sent].filter((id) => isUuid(id));
  const { rows } = ids.length
    ? await trx.raw(`SELECT id FROM ${SYSTEM_SCHEMA}.users WHERE id = ANY(?::uuid[]) AND active`, [ids])
    : { rows: [] };
  const active = new Set((rows as Array<{ id: string }>).map((r) => r.id));
  return batch.filter((p) => {
    const owner = String(p.values.ownerId);
    if (!p.ownerSent || active.has(owner.toLowerCase())) return true;
    fail(p, new StrataError(422, 'invalid_owner', 'The owner must be an active user',
      [{ field: 'ownerId', code: 'reference', message: `No active user with id ${owner.slice(0, 40)}` }]));
    return false;
  });
}

/**
 * References must point at live records the caller may read (422), one query per reference
 * field for the batch. KEY SHARE holds the targets until commit, so a parent cannot move to the
 * recycle bin under a record that points at it (see references.ts).
 */
async function checkReferences(ctx: RecordContext, plan: WritePlan, trx: Knex.Transaction, batch: PendingCreate[], fail: Fail): Promise<PendingCreate[]> {
  if (!batch.length) return batch;
  const problems = new Map<PendingCreate, FieldProblem[]>();
  for (const { field, target } of plan.references) {
    const ids = new Set<string>();
    for (const p of batch) {
      const v = p.values[field.name];
      if (v !== null && v !== undefined) ids.add(String(v).toLowerCase());
    }
    if (!ids.size) continue;
    const q = trx.from({ r: `${DATA_SCHEMA}.${target.name}` }).select('r.id')
      .whereRaw('r.id = ANY(?::uuid[])', [[...ids]]).whereNull('r._deletedAt').forKeyShare('r');
    // A record the caller may not read is answered exactly like one that does not exist.
    const read = ctx.access.rows(target, 'read');
    if (read === 'none') q.whereRaw('false');
    else if (read !== 'all') read(q, 'r');
    const live = new Set(((await q) as Array<{ id: string }>).map((r) => r.id));
    if (live.size === ids.size) continue;
    for (const p of batch) {
      const v = p.values[field.name];
      if (v === null || v === undefined || live.has(String(v).toLowerCase())) continue;
      const list = problems.get(p) ?? [];
      list.push({ field: field.name, code: 'reference', message: `No ${target.label ?? target.name} with id ${String(v)}` });
      problems.set(p, list);
    }
  }
  if (!problems.size) return batch;
  return batch.filter((p) => {
    const list = problems.get(p);
    if (list) fail(p, new StrataError(422, 'invalid_reference', 'A referenced record does not exist', list));
    return !list;
  });
}

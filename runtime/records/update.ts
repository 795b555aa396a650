/**
 * Update a record (partial): the object's write plan (write-plan.ts) for an update. In order:
 * object → check input (400) → BEGIN → load row FOR UPDATE through update access (404/403) →
 * If-Match version (412) → owner change rights, owner is a user (422) → merge →
 * before-save workflows and hooks → formulas → validate with $previous (422; formats only of
 * changed fields) → references that change (422) → UPDATE … version+1 (unique: 409) →
 * history → rollups of old and new parents → outbox event → after-save jobs → COMMIT →
 * after-commit hooks.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { forbidden, type StrataError } from '../errors.ts';
import { hasBeforeSave, runBeforeSave } from './before-save.ts';
import { enqueueJobs } from './jobs.ts';
import { assertDepth } from './seams.ts';
import { writePlan } from './write-plan.ts';
import { objectOf, type RecordContext } from './context.ts';
import { checkOwner } from './owner.ts';
import { sameValue } from './same.ts';
import { publishEvent } from './events.ts';
import { recordHistory } from './history.ts';
import { loadRow } from './load.ts';
import { checkReferences, uniqueConflict } from './references.ts';
import { parentRefs, refreshRollups } from './rollups.ts';
import { toRecord, type ApiRecord } from './serialize.ts';
import { checkInput, computeFormulas, validateRecord, type Values } from './steps.ts';
import { assertVersion } from './version.ts';
import { inTransaction } from './transaction.ts';

export interface UpdateOptions {
  /** The version the caller last saw (If-Match): a different stored version is a 412. */
  ifMatch?: number;
}

function changedFields(before: Values, after: Values, names: string[]): string[] {
  return names.filter((n) => !sameValue(before[n], after[n]));
}

export async function updateRecord(ctx: RecordContext, objectName: string, id: string, input: unknown, opts: UpdateOptions = {}, trxIn?: Knex.Transaction): Promise<ApiRecord> {
  assertDepth(ctx);
  const object = objectOf(ctx, objectName);
  const plan = writePlan(ctx, object);
  const sent = checkInput(object, input, ctx.access, { allowOwner: true });
  let previousRow: Values | undefined;
  const run = async (trx: Knex.Transaction) => {
    const current = await loadRow(trx, ctx, object, id, { action: 'update', forUpdate: true });
    previousRow = current;
    assertVersion(current, opts.ifMatch);
    if (sent.ownerId !== undefined && sent.ownerId !== current.ownerId) {
      if (!ctx.access.canReassign(object)) throw forbidden('Changing the owner needs update rights on every record of this object');
      await checkOwner(trx, sent.ownerId);
    }
    const previous: Values = { ...current };
    const names = [...object.fields.map((f) => f.name), 'ownerId'];
    let values: Values = { ...current, ...sent };
    if (hasBeforeSave(ctx, plan, 'update')) {
      const item = { values, previous };
      let failure: StrataError | undefined;
      const [kept] = await runBeforeSave(ctx, plan, 'update', trx, [item], (_i, err) => { failure ??= err; });
      if (!kept) throw failure;
      values = item.values;
    }
    values = computeFormulas(object, values, { user: ctx.user, previous });
    const changing = changedFields(current, values, names);
    validateRecord(object, values, { user: ctx.user, previous, isCreate: false, changed: new Set(changing) });
    // Every reference that changes (sent, or set by a before-save step) must point at a live
    // record the caller may read.
    await checkReferences(trx, ctx.registry, object, Object.fromEntries(object.fields
      .filter((f) => f.type === 'reference' && changing.includes(f.name)).map((f) => [f.name, values[f.name]])), ctx.access);
    const changed = changedFields(current, values, names);
    if (!changed.length) return current;
    const set: Values = {};
    for (const n of changed) {
      const f = object.fields.find((x) => x.name === n);
      set[n] = f?.type === 'json' && values[n] !== null ? JSON.stringify(values[n]) : values[n];
    }
    let updated: Values;
    try {
      [updated] = await trx.withSchema(DATA_SCHEMA).table(object.name)
        .where({ id: current.id as string })
        .update({ ...set, version: trx.raw('version + 1'), updatedAt: trx.fn.now(), updatedBy: ctx.user.id })
        .returning('*');
    } catch (err) {
      throw uniqueConflict(object, err) ?? err;
    }
    await recordHistory(trx, object, current.id as string, current, updated, ctx.user.id);
    await refreshRollups(trx, ctx.registry, object.name, parentRefs(ctx.registry, object, current, updated), ctx.user);
    await publishEvent(trx, { type: 'record.updated', object: object.name, recordId: current.id as string, ownerId: updated.ownerId as string, actor: ctx.user.id, changed });
    const jobs = plan.afterSave.update;
    if (jobs.length) await enqueueJobs(trx, object, jobs.flatMap((j) => j.jobs(ctx, object, 'update', [{ record: updated, previous }])));
    return updated;
  };
  const updated = await inTransaction(ctx, trxIn, run);
  if (ctx.hooks?.afterSave && !trxIn && updated !== previousRow) await ctx.hooks.afterSave(ctx, object, updated, previousRow);
  return toRecord(object, updated, ctx.access);
}

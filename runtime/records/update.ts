/**
 * Update a record (partial). The steps, in order:
 * object → check input (400) → BEGIN → load row FOR UPDATE through update access (404/403) →
 * If-Match version (412) → owner change rights, owner is a user (422) → merge → formulas →
 * validate with $previous (422; formats only of changed fields) → references (422) →
 * before-save hooks → UPDATE … version+1 (unique: 409) → history →
 * rollups of old and new parents → event → COMMIT → after-save hooks.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { forbidden } from '../errors.ts';
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
  const object = objectOf(ctx, objectName);
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
    values = computeFormulas(object, values, { user: ctx.user, previous });
    validateRecord(object, values, { user: ctx.user, previous, isCreate: false, changed: new Set(changedFields(current, values, names)) });
    const refChanges = Object.fromEntries(object.fields.filter((f) => f.type === 'reference' && f.name in sent && sent[f.name] !== current[f.name]).map((f) => [f.name, sent[f.name]]));
    await checkReferences(trx, ctx.registry, object, refChanges, ctx.access);
    if (ctx.hooks?.beforeSave) {
      await ctx.hooks.beforeSave(ctx, object, values, previous, trx);
      values = computeFormulas(object, values, { user: ctx.user, previous });
      const hookChanged = changedFields(current, values, names);
      validateRecord(object, values, { user: ctx.user, previous, isCreate: false, changed: new Set(hookChanged) });
      // A reference the hook set must point at a live record too.
      await checkReferences(trx, ctx.registry, object, Object.fromEntries(object.fields
        .filter((f) => f.type === 'reference' && hookChanged.includes(f.name) && !(f.name in refChanges)).map((f) => [f.name, values[f.name]])));
    }
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
    return updated;
  };
  const updated = await inTransaction(ctx, trxIn, run);
  if (ctx.hooks?.afterSave && !trxIn && updated !== previousRow) await ctx.hooks.afterSave(ctx, object, updated, previousRow);
  return toRecord(object, updated, ctx.access);
}

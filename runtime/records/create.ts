/**
 * Create a record. The steps, in order:
 * object → access → check input (400) → defaults → owner → formulas → validate (422) →
 * BEGIN → owner is a user (422) → autonumbers → references exist (422) → before-save hooks →
 * INSERT (unique: 409) →
 * rollups of parents → event → COMMIT → after-save hooks.
 */
import { DATA_SCHEMA } from '../db/names.ts';
import { forbidden } from '../errors.ts';
import { checkOwner } from './owner.ts';
import { inTransaction } from './transaction.ts';
import { objectOf, type RecordContext } from './context.ts';
import { publishEvent } from './events.ts';
import { checkReferences, uniqueConflict } from './references.ts';
import { parentRefs, refreshRollups } from './rollups.ts';
import { toRecord, type ApiRecord } from './serialize.ts';
import { takeAutonumbers } from './autonumber.ts';
import { applyDefaults, checkInput, computeFormulas, validateRecord, type Values } from './steps.ts';
import type { Knex } from 'knex';

export async function createRecord(ctx: RecordContext, objectName: string, input: unknown, trxIn?: Knex.Transaction): Promise<ApiRecord> {
  const object = objectOf(ctx, objectName);
  if (!ctx.access.canCreate(object)) throw forbidden(`You may not create ${object.pluralLabel ?? object.name}`);
  const sent = checkInput(object, input, ctx.access, { allowOwner: true });
  if (sent.ownerId !== undefined && sent.ownerId !== ctx.user.id && !ctx.access.canReassign(object)) {
    throw forbidden('You may not create records owned by someone else');
  }
  let values: Values = applyDefaults(object, sent, ctx.user);
  values.ownerId = sent.ownerId ?? ctx.user.id;
  // A new parent has no children yet: counts and sums start at zero, not empty.
  for (const f of object.fields) if (f.type === 'rollup' && (f.aggregate === 'count' || f.aggregate === 'sum')) values[f.name] = 0;
  values = computeFormulas(object, values, { user: ctx.user });
  validateRecord(object, values, { user: ctx.user, isCreate: true });

  const run = async (trx: Knex.Transaction) => {
    if (sent.ownerId !== undefined) await checkOwner(trx, values.ownerId);
    await takeAutonumbers(trx, object, values);
    await checkReferences(trx, ctx.registry, object, values, ctx.access);
    if (ctx.hooks?.beforeSave) {
      await ctx.hooks.beforeSave(ctx, object, values, undefined, trx);
      // A hook may have changed fields: formulas and rules see the final values.
      values = computeFormulas(object, values, { user: ctx.user });
      validateRecord(object, values, { user: ctx.user, isCreate: true });
    }
    const row: Values = { ...values, createdBy: ctx.user.id, updatedBy: ctx.user.id };
    for (const f of object.fields) {
      // JSON null is stored as SQL NULL, so `isNull` filters find it.
      if (f.type === 'json' && row[f.name] !== undefined) row[f.name] = row[f.name] === null ? null : JSON.stringify(row[f.name]);
    }
    let inserted: Record<string, unknown>;
    try {
      [inserted] = await trx.withSchema(DATA_SCHEMA).table(object.name).insert(row).returning('*');
    } catch (err) {
      throw uniqueConflict(object, err) ?? err;
    }
    await refreshRollups(trx, ctx.registry, object.name, parentRefs(ctx.registry, object, inserted), ctx.user);
    await publishEvent(trx, { type: 'record.created', object: object.name, recordId: inserted.id as string, ownerId: inserted.ownerId as string, actor: ctx.user.id });
    return inserted;
  };
  const inserted = await inTransaction(ctx, trxIn, run);
  if (ctx.hooks?.afterSave && !trxIn) await ctx.hooks.afterSave(ctx, object, inserted, undefined);
  return toRecord(object, inserted, ctx.access);
}

/** Inside a caller's transaction (bulk), a failed record must not abort the others. */
export async function savepoint<T>(trx: Knex.Transaction, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return trx.transaction(fn);
}

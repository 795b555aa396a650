/**
 * Create a record. The steps, in order:
 * object → access → check input (400) → defaults → owner → formulas → validate (422) →
 * BEGIN → owner is a user (422) → autonumbers → references exist (422) → before-save hooks →
 * INSERT (unique: 409) →
 * rollups of parents → event → COMMIT → after-save hooks.
 */
import { DATA_SCHEMA, SYSTEM_SCHEMA } from '../db/names.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import { forbidden } from '../errors.ts';
import { checkOwner } from './owner.ts';
import { databaseProblem, inTransaction } from './transaction.ts';
import { objectOf, type RecordContext } from './context.ts';
import { EVENTS_CHANNEL, publishEvent } from './events.ts';
import { checkReferences, uniqueConflict } from './references.ts';
import { parentRefs, refreshRollups, rollupsOver } from './rollups.ts';
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

  if (!trxIn && isSimpleCreate(ctx, object, values, sent)) {
    const inserted = await insertWithEvent(ctx, object, storedRow(object, values, ctx.user.id));
    if (ctx.hooks?.afterSave) await ctx.hooks.afterSave(ctx, object, inserted, undefined);
    return toRecord(object, inserted, ctx.access);
  }

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
    const row = storedRow(object, values, ctx.user.id);
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

/** The row as stored: audit columns set, JSON as text (JSON null as SQL NULL, so `isNull` finds it). */
function storedRow(object: DeployedObject, values: Values, userId: string): Values {
  const row: Values = { ...values, createdBy: userId, updatedBy: userId };
  for (const f of object.fields) {
    if (f.type === 'json' && row[f.name] !== undefined) row[f.name] = row[f.name] === null ? null : JSON.stringify(row[f.name]);
  }
  return row;
}

/**
 * Most creates touch one table and nothing else: no autonumber to take, no reference or owner
 * to check, no hook, no parent rollup. Those are one statement (the row and its outbox event),
 * atomic on its own, with no transaction round trips around it.
 */
function isSimpleCreate(ctx: RecordContext, object: DeployedObject, values: Values, sent: Values): boolean {
  if (sent.ownerId !== undefined || ctx.hooks?.beforeSave) return false;
  // knex.raw would spread an array binding (a multipicklist) into a list: keep those on the builder path.
  if (Object.values(values).some((v) => Array.isArray(v))) return false;
  if (object.fields.some((f) => f.type === 'autonumber' || (f.type === 'reference' && values[f.name] !== null && values[f.name] !== undefined))) return false;
  return rollupsOver(ctx.registry, object.name).length === 0;
}

async function insertWithEvent(ctx: RecordContext, object: DeployedObject, row: Values): Promise<Record<string, unknown>> {
  const insert = ctx.knex.withSchema(DATA_SCHEMA).table(object.name).insert(row).returning('*').toSQL();
  let rows: Array<Record<string, unknown>>;
  try {
    ({ rows } = await ctx.knex.raw(
      `WITH ins AS (${insert.sql}),
       ev AS (
         INSERT INTO ${SYSTEM_SCHEMA}.events (type, object, record_id, actor, owner_id, data)
         SELECT 'record.created', ?, ins.id, ?::uuid, ins."ownerId", '{"changed": null}'::jsonb FROM ins
         RETURNING id, at, record_id, owner_id
       )
       SELECT ins.*, pg_notify(?, json_strip_nulls(json_build_object(
         'type', 'record.created', 'object', ?::text, 'recordId', ev.record_id, 'ownerId', ev.owner_id, 'actor', ?::text,
         'id', ev.id, 'at', to_char(ev.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))::text) AS "_notified"
       FROM ins JOIN ev ON ev.record_id = ins.id`,
      [...insert.bindings as Knex.RawBinding[], object.name, ctx.user.id, EVENTS_CHANNEL, object.name, ctx.user.id],
    ));
  } catch (err) {
    throw uniqueConflict(object, err) ?? databaseProblem(err) ?? err;
  }
  const { _notified: _n, ...inserted } = rows[0];
  return inserted;
}

/** Inside a caller's transaction (bulk), a failed record must not abort the others. */
export async function savepoint<T>(trx: Knex.Transaction, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return trx.transaction(fn);
}

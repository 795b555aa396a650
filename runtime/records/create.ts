/**
 * Create a record: the object's write plan (write-plan.ts) run on a batch of one, through the
 * same pipeline bulk uses (create-pipeline.ts). In order: object → access → check input (400)
 * → defaults → owner → BEGIN → before-save workflows and hooks → formulas → validate (422) →
 * owner is a user (422) → references exist (422) → autonumbers → INSERT with its event
 * (unique: 409) → after-save jobs → rollups of parents → COMMIT → after-commit hooks.
 *
 * Most creates touch one table and nothing else (no step, owner or reference to check, no
 * autonumber, job or parent rollup): those are the INSERT-with-event statement alone, atomic
 * on its own, with no transaction round trips around it.
 */
import type { Knex } from 'knex';
import type { StrataError } from '../errors.ts';
import { objectOf, type RecordContext } from './context.ts';
import { checkCreates, enqueueCreateJobs, isOneStatement, prepareCreate, writeCreates, type PendingCreate } from './create-pipeline.ts';
import { insertRows } from './bulk-insert.ts';
import { notifyCommitted } from './notifications.ts';
import { uniqueConflict } from './references.ts';
import { parentRefs, refreshRollups } from './rollups.ts';
import { assertDepth } from './seams.ts';
import { toRecord, type ApiRecord } from './serialize.ts';
import { databaseProblem, inTransaction } from './transaction.ts';
import type { Values } from './steps.ts';
import { writePlan } from './write-plan.ts';

export { savepoint } from './transaction.ts';

export async function createRecord(ctx: RecordContext, objectName: string, input: unknown, trxIn?: Knex.Transaction): Promise<ApiRecord> {
  assertDepth(ctx);
  const object = objectOf(ctx, objectName);
  const plan = writePlan(ctx, object);
  const pending = prepareCreate(ctx, plan, input, 0);

  if (!trxIn && isOneStatement(ctx, plan, pending)) {
    let inserted: Values;
    const payloads: string[] = [];
    try {
      [inserted] = await insertRows(ctx.knex, ctx, object, [pending], { returning: true, payloads, prepared: true });
    } catch (err) {
      throw uniqueConflict(object, err) ?? databaseProblem(err) ?? err;
    }
    notifyCommitted(ctx.knex, payloads);
    if (ctx.hooks?.afterSave) await ctx.hooks.afterSave(ctx, object, inserted, undefined);
    return toRecord(object, inserted, ctx.access);
  }

  const run = async (trx: Knex.Transaction) => {
    let failure: StrataError | undefined;
    const [ready] = await checkCreates(ctx, plan, trx, [{ ...pending, values: { ...pending.values } } as PendingCreate], (_p, err) => { failure ??= err; });
    if (!ready) throw failure;
    let inserted: Values;
    try {
      [inserted] = await writeCreates(ctx, plan, trx, [ready], { returning: true });
    } catch (err) {
      throw uniqueConflict(object, err) ?? err;
    }
    if (plan.hasParentRollups) await refreshRollups(trx, ctx.registry, object.name, parentRefs(ctx.registry, object, inserted), ctx.user);
    await enqueueCreateJobs(ctx, plan, trx, [inserted]);
    return inserted;
  };
  const inserted = await inTransaction(ctx, trxIn, run);
  if (ctx.hooks?.afterSave && !trxIn) await ctx.hooks.afterSave(ctx, object, inserted, undefined);
  return toRecord(object, inserted, ctx.access);
}

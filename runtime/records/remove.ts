/**
 * Delete = move to the recycle bin (soft delete). References to the record follow their
 * `onDelete`: restrict refuses (409) while live records point here, setNull empties them,
 * cascade moves them to the bin too, in the same transaction and with the same timestamp, so
 * a restore brings the whole cascade back, and the setNull references it emptied with it.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { StrataError } from '../errors.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { objectOf, type Caller, type RecordContext } from './context.ts';
import { publishEvents } from './events.ts';
import { loadRow } from './load.ts';
import { changeReferences } from './reference-change.ts';
import { parentRefs, refreshRollups } from './rollups.ts';
import { inTransaction } from './transaction.ts';
import { rememberUnlinked } from './unlinked.ts';
import { assertVersion } from './version.ts';

const MAX_CASCADE_DEPTH = 8;

/** References from other objects to `target`. */
export function referencesTo(registry: RegistryDoc, target: string): Array<{ object: DeployedObject; field: string; onDelete: string }> {
  const out: Array<{ object: DeployedObject; field: string; onDelete: string }> = [];
  for (const o of registry.objects) {
    for (const f of o.fields) if (f.type === 'reference' && f.to === target) out.push({ object: o, field: f.name, onDelete: f.onDelete ?? 'restrict' });
  }
  return out;
}

async function softDelete(trx: Knex.Transaction, registry: RegistryDoc, object: DeployedObject, ids: string[], user: Caller, depth: number): Promise<void> {
  if (!ids.length) return;
  if (depth > MAX_CASCADE_DEPTH) throw new StrataError(409, 'cascade_too_deep', 'Deleting this would cascade through too many levels');
  for (const ref of referencesTo(registry, object.name)) {
    const live = trx.withSchema(DATA_SCHEMA).table(ref.object.name).whereIn(ref.field, ids).whereNull('_deletedAt');
    if (ref.onDelete === 'restrict') {
      const [{ n }] = await live.clone().count({ n: '*' });
      if (Number(n) > 0) {
        throw new StrataError(409, 'delete_restricted', `${n} ${Number(n) === 1 ? ref.object.label ?? ref.object.name : ref.object.pluralLabel ?? ref.object.name} still reference this record (${ref.object.name}.${ref.field})`,
          [{ field: `${ref.object.name}.${ref.field}`, code: 'restrict', message: `${n} record(s) reference it` }]);
      }
    } else if (ref.onDelete === 'setNull') {
      // The children are changed like any update (reference-change.ts), after a note of the
      // parent each held, so that restoring this delete links them again (unlinked.ts).
      const before = (await live.clone().select('id', ref.field).orderBy('id').forNoKeyUpdate()) as Array<Record<string, string>>;
      if (!before.length) continue;
      await rememberUnlinked(trx, object.name, ref.object, ref.field, before.map((r) => r.id));
      await changeReferences(trx, registry, ref.object, ref.field, before.map((r) => ({ id: r.id, from: r[ref.field], to: null })), user);
    } else {
      const children = (await live.clone().select('id')) as Array<{ id: string }>;
      await softDelete(trx, registry, ref.object, children.map((c) => c.id), user, depth + 1);
    }
  }
  const rows = await trx.withSchema(DATA_SCHEMA).table(object.name).whereIn('id', ids).whereNull('_deletedAt')
    .update({ _deletedAt: trx.fn.now(), _deletedBy: user.id }).returning('*') as Array<Record<string, unknown>>;
  await refreshRollups(trx, registry, object.name, parentRefs(registry, object, ...rows), user);
  await publishEvents(trx, { type: 'record.deleted', object: object.name, actor: user.id }, rows.map((r) => ({ recordId: r.id as string, ownerId: r.ownerId as string })));
}

export interface DeleteOptions {
  /** The version the caller read (`If-Match`): a newer record is not deleted (412). */
  ifMatch?: number;
}

export async function deleteRecord(ctx: RecordContext, objectName: string, id: string, opts: DeleteOptions = {}, trxIn?: Knex.Transaction): Promise<void> {
  const object = objectOf(ctx, objectName);
  const run = async (trx: Knex.Transaction) => {
    const row = await loadRow(trx, ctx, object, id, { action: 'delete', forUpdate: true });
    assertVersion(row, opts.ifMatch);
    if (ctx.hooks?.beforeDelete) await ctx.hooks.beforeDelete(ctx, object, row, trx);
    await softDelete(trx, ctx.registry, object, [row.id as string], ctx.user, 0);
  };
  await inTransaction(ctx, trxIn, run);
}

/**
 * Restore a record from the recycle bin, with the records its delete cascaded to (those
 * deleted in the same transaction, pointing at it), and the setNull references that delete
 * emptied linked again (unlinked.ts). A unique value taken meanwhile is a 409.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { objectOf, type Caller, type RecordContext } from './context.ts';
import { publishEvents } from './events.ts';
import { loadRow } from './load.ts';
import { checkReferences, uniqueConflict } from './references.ts';
import { referencesTo } from './remove.ts';
import { parentRefs, refreshRollups } from './rollups.ts';
import { toRecord, type ApiRecord } from './serialize.ts';
import { inTransaction } from './transaction.ts';
import { relinkUnlinked, type RestoredRecords } from './unlinked.ts';

// Deleted in the same transaction as the record restored: the same now(), to the microsecond.
// The instant travels as PostgreSQL's own text (a JavaScript Date would cut it to milliseconds).
const SAME_DELETE = `"_deletedAt" = ?::timestamptz`;

/** Restores `ids` and their cascade, noting in `restored` every record brought back. */
async function undelete(trx: Knex.Transaction, registry: RegistryDoc, object: DeployedObject, ids: string[], deletedAt: string, user: Caller, restored: RestoredRecords, depth: number): Promise<void> {
  if (!ids.length || depth > 8) return;
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await trx.withSchema(DATA_SCHEMA).table(object.name).whereIn('id', ids).whereRaw(SAME_DELETE, [deletedAt])
      .update({ _deletedAt: null, _deletedBy: null }).returning('*');
  } catch (err) {
    throw uniqueConflict(object, err) ?? err;
  }
  if (rows.length) restored.set(object, [...(restored.get(object) ?? []), ...rows.map((r) => r.id as string)]);
  for (const ref of referencesTo(registry, object.name)) {
    if (ref.onDelete !== 'cascade') continue;
    const children = await trx.withSchema(DATA_SCHEMA).table(ref.object.name).whereIn(ref.field, ids).whereRaw(SAME_DELETE, [deletedAt]).select('id') as Array<{ id: string }>;
    await undelete(trx, registry, ref.object, children.map((c) => c.id), deletedAt, user, restored, depth + 1);
  }
  await refreshRollups(trx, registry, object.name, parentRefs(registry, object, ...rows), user);
  await publishEvents(trx, { type: 'record.restored', object: object.name, actor: user.id }, rows.map((r) => ({ recordId: r.id as string, ownerId: r.ownerId as string })));
}

export async function restoreRecord(ctx: RecordContext, objectName: string, id: string): Promise<ApiRecord> {
  const object = objectOf(ctx, objectName);
  const row = await inTransaction(ctx, undefined, async (trx) => {
    const deleted = await loadRow(trx, ctx, object, id, { action: 'delete', forUpdate: true, deleted: true });
    // Its parents must still be live: a restore never leaves a dangling reference.
    await checkReferences(trx, ctx.registry, object, deleted);
    const { rows } = await trx.raw(`SELECT "_deletedAt"::text AS at FROM ??.?? WHERE id = ?`, [DATA_SCHEMA, object.name, deleted.id as string]);
    const deletedAt = (rows as Array<{ at: string }>)[0].at;
    const restored: RestoredRecords = new Map();
    await undelete(trx, ctx.registry, object, [deleted.id as string], deletedAt, ctx.user, restored, 0);
    // Once the whole cascade is back: a child emptied by one restored record may itself be
    // another restored record (deleted later in the same cascade), live again only now.
    await relinkUnlinked(trx, ctx.registry, restored, deletedAt, ctx.user);
    // Read again: the rollups of the record follow its returning children and links.
    const { rows: [top] } = await trx.raw(`SELECT * FROM ??.?? WHERE id = ?`, [DATA_SCHEMA, object.name, deleted.id as string]);
    return top as Record<string, unknown>;
  });
  return toRecord(object, row, ctx.access);
}

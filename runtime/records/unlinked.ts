/**
 * The references a delete emptied (setNull), kept so that its restore can link the children
 * again: a record deleted by mistake and restored should come back with its contacts, not
 * leave them detached. A row names the deleted record, the delete's instant (the `_deletedAt`
 * its whole cascade shares, which is how a restore recognises its own delete), and the child
 * and field that pointed at it.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA, SYSTEM_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { Caller } from './context.ts';
import { changeReferences } from './reference-change.ts';
import { uniqueConflict } from './references.ts';

const T = `${SYSTEM_SCHEMA}.unlinked_references`;

/**
 * Remembers, in one statement, that `children` (already locked by the delete) are about to
 * lose their `field` reference to records of `parent`. Called in the delete's transaction, so
 * `now()` is the instant the delete stamps on `_deletedAt`; read before the reference is
 * emptied, so each row names the parent the child held.
 */
export async function rememberUnlinked(trx: Knex.Transaction, parent: string, child: DeployedObject, field: string, children: string[]): Promise<void> {
  if (!children.length) return;
  await trx.raw(
    `INSERT INTO ${T} (object, record_id, deleted_at, child_object, field, child_id)
     SELECT ?, c.??, now(), ?, ?, c.id FROM ??.?? AS c WHERE c.id = ANY(?::uuid[]) AND c.?? IS NOT NULL`,
    [parent, field, child.name, field, DATA_SCHEMA, child.name, children, field],
  );
}

/** Records a restore brought back, object by object. */
export type RestoredRecords = Map<DeployedObject, string[]>;

/**
 * After a restore: links back the children the restored records' delete (instant `deletedAt`)
 * emptied, as ordinary updates. Only children still live and still empty: one someone
 * re-pointed meanwhile keeps its new parent, one deleted meanwhile is not touched. Then the
 * restored records' rows go, used or not: the delete they describe is undone.
 */
export async function relinkUnlinked(trx: Knex.Transaction, registry: RegistryDoc, restored: RestoredRecords, deletedAt: string, user: Caller): Promise<void> {
  const objects: string[] = [];
  const ids: string[] = [];
  for (const [object, list] of restored) for (const id of list) { objects.push(object.name); ids.push(id); }
  if (!ids.length) return;
  const ofRestored = `deleted_at = ?::timestamptz AND (object, record_id) IN (SELECT * FROM unnest(?::text[], ?::uuid[]))`;
  const { rows } = await trx.raw(
    `SELECT DISTINCT object, child_object, field FROM ${T} WHERE ${ofRestored} ORDER BY object, child_object, field`,
    [deletedAt, objects, ids],
  );
  for (const g of rows as Array<{ object: string; child_object: string; field: string }>) {
    const child = registry.objects.find((o) => o.name === g.child_object);
    const ref = child?.fields.find((f) => f.name === g.field);
    // A child object or field removed since the delete, or now pointing elsewhere, has
    // nothing to link back to.
    if (!child || ref?.type !== 'reference' || ref.to !== g.object) continue;
    const parentIds = [...restored].flatMap(([o, list]) => (o.name === g.object ? list : []));
    const locked = await trx.raw(
      `SELECT c.id, u.record_id AS parent FROM ??.?? AS c JOIN ${T} AS u ON u.child_id = c.id
       WHERE u.deleted_at = ?::timestamptz AND u.object = ? AND u.record_id = ANY(?::uuid[]) AND u.child_object = ? AND u.field = ?
         AND c.?? IS NULL AND c."_deletedAt" IS NULL
       ORDER BY c.id FOR NO KEY UPDATE OF c`,
      [DATA_SCHEMA, child.name, deletedAt, g.object, parentIds, child.name, g.field, g.field],
    );
    const changes = (locked.rows as Array<{ id: string; parent: string }>).map((r) => ({ id: r.id, from: null, to: r.parent }));
    try {
      await changeReferences(trx, registry, child, g.field, changes, user);
    } catch (err) {
      // A unique reference (one-to-one) another child took meanwhile: a conflict, as for the
      // restored record's own unique values.
      throw uniqueConflict(child, err) ?? err;
    }
  }
  await trx.raw(`DELETE FROM ${T} WHERE ${ofRestored}`, [deletedAt, objects, ids]);
}

/**
 * A reference of child records changed as a side effect of an operation on their parent: a
 * delete empties setNull references (remove.ts), its restore fills them again (unlinked.ts).
 * Either way the children change like any update, so the two directions share this one path:
 * version and audit columns, field history, a `record.updated` event each, rollups over them on
 * the parents they left or joined, and their own formulas (which may read the reference).
 * No access check on the children: the caller's right is the one on the parent's operation.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { Caller } from './context.ts';
import { publishEvent } from './events.ts';
import { recordHistory } from './history.ts';
import { refreshFormulas, refreshRollups } from './rollups.ts';

/** One child: the parent its reference held (`from`) and the one it is to hold (`to`). */
export interface ReferenceChange { id: string; from: string | null; to: string | null }

/**
 * Sets `field` of the children in one statement. The caller has locked them (in id order, so
 * concurrent operations on overlapping children queue instead of deadlocking).
 */
export async function changeReferences(trx: Knex.Transaction, registry: RegistryDoc, child: DeployedObject, field: string, changes: ReferenceChange[], user: Caller): Promise<void> {
  if (!changes.length) return;
  // The targets travel as text, "" for none: knex binds arrays of strings, not of nullables.
  const { rows } = await trx.raw(
    `UPDATE ??.?? AS c SET ?? = NULLIF(v.target, '')::uuid, version = c.version + 1, "updatedAt" = now(), "updatedBy" = ?
     FROM unnest(?::uuid[], ?::text[]) AS v(id, target) WHERE c.id = v.id
     RETURNING c.id, c."ownerId"`,
    [DATA_SCHEMA, child.name, field, user.id, changes.map((c) => c.id), changes.map((c) => c.to ?? '')],
  );
  const changed = rows as Array<{ id: string; ownerId: string | null }>;
  for (const c of changes) {
    await recordHistory(trx, child, c.id, { [field]: c.from }, { [field]: c.to }, user.id);
  }
  for (const r of changed) {
    await publishEvent(trx, { type: 'record.updated', object: child.name, recordId: r.id, ownerId: r.ownerId, actor: user.id, changed: [field] });
  }
  // Rollups over the children follow on every parent they left or joined.
  const parents = new Set(changes.flatMap((c) => [c.from, c.to]).filter((v): v is string => v !== null));
  await refreshRollups(trx, registry, child.name, new Map([[field, parents]]), user);
  if (child.fields.some((f) => f.type === 'formula')) await refreshFormulas(trx, child, changes.map((c) => c.id), user);
}

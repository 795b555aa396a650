/**
 * After a deploy adds or changes formula and rollup fields, their stored values are computed
 * for every existing record, inside the deploy's transaction (the `backfill` option of
 * `deployBundle`): a new formula is never empty on old records until someone edits them.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { Backfill } from '../schema/deploy.ts';
import type { Caller } from './context.ts';
import { parentRefs, recomputeAllRollups, refreshFormulas, refreshRollups, rollupsOver } from './rollups.ts';

const BATCH = 1000;
/** Formulas see `$user` as no one during a deploy. */
const SYSTEM_CALLER: Caller = { id: '00000000-0000-0000-0000-000000000000', roles: [] };

async function eachBatch(trx: Knex.Transaction, object: string, fn: (ids: string[]) => Promise<void>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await trx.raw(
      `SELECT id::text AS id FROM ??.?? WHERE id::text > ? ORDER BY id::text LIMIT ${BATCH}`,
      [DATA_SCHEMA, object, after],
    );
    const ids = (rows as Array<{ id: string }>).map((r) => r.id);
    if (!ids.length) return;
    await fn(ids);
    after = ids[ids.length - 1];
  }
}

export const backfillComputed: Backfill = async (trx: Knex.Transaction, registry: RegistryDoc, items: Array<{ object: string; field: string }>) => {
  const objects = [...new Set(items.map((i) => i.object))]
    .map((name) => registry.objects.find((o) => o.name === name))
    .filter((o) => o !== undefined);
  // Formulas first (a rollup may sum one), then rollups, then formulas again (one may read a
  // rollup); each time, rollups up the chain that aggregate what changed follow.
  const formulasAndChain = (o: DeployedObject) => eachBatch(trx, o.name, async (ids) => {
    await refreshFormulas(trx, o, ids, SYSTEM_CALLER);
    if (!rollupsOver(registry, o.name).length) return;
    const { rows } = await trx.raw(`SELECT * FROM ??.?? WHERE id = ANY(?::uuid[])`, [DATA_SCHEMA, o.name, ids]);
    await refreshRollups(trx, registry, o.name, parentRefs(registry, o, ...(rows as Array<Record<string, unknown>>)), SYSTEM_CALLER);
  });
  for (const o of objects) await formulasAndChain(o);
  const rollups = items.filter((i) => registry.objects.find((o) => o.name === i.object)?.fields.some((f) => f.name === i.field && f.type === 'rollup'));
  for (const r of rollups) await recomputeAllRollups(trx, registry, r.object, r.field, SYSTEM_CALLER);
  for (const o of objects) if (rollups.some((r) => r.object === o.name)) await formulasAndChain(o);
};

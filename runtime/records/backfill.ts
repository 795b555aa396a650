/**
 * After a deploy adds or changes formula and rollup fields, their stored values are computed
 * for every existing record, inside the deploy's transaction (so a failure rolls it back).
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import type { Caller } from './context.ts';
import { recomputeAllRollups } from './rollups.ts';
import { computeFormulas } from './steps.ts';

const BATCH = 2000;
const SYSTEM_CALLER: Caller = { id: '00000000-0000-0000-0000-000000000000', roles: ['admin'] };

async function recomputeFormulas(trx: Knex.Transaction, registry: RegistryDoc, name: string): Promise<void> {
  const object = registry.objects.find((o) => o.name === name);
  const formulas = object?.fields.filter((f) => f.type === 'formula') ?? [];
  if (!object || !formulas.length) return;
  let after: string | null = null;
  for (;;) {
    const q = trx.withSchema(DATA_SCHEMA).table(name).select('*').orderBy('id').limit(BATCH);
    if (after) q.where('id', '>', after);
    const rows = (await q) as Array<Record<string, unknown>>;
    if (!rows.length) break;
    for (const row of rows) {
      const computed = computeFormulas(object, row, { user: SYSTEM_CALLER });
      const set: Record<string, unknown> = {};
      for (const f of formulas) if (JSON.stringify(computed[f.name] ?? null) !== JSON.stringify(row[f.name] ?? null)) set[f.name] = computed[f.name];
      if (Object.keys(set).length) await trx.withSchema(DATA_SCHEMA).table(name).where('id', row.id as string).update(set);
    }
    after = rows[rows.length - 1].id as string;
  }
}

export async function backfillComputed(trx: Knex.Transaction, registry: RegistryDoc, items: Array<{ object: string; field: string }>): Promise<void> {
  const kindOf = (i: { object: string; field: string }) =>
    registry.objects.find((o) => o.name === i.object)?.fields.find((f) => f.name === i.field)?.type;
  // Formulas of children first (rollups may sum them), then rollups, then the formulas of
  // objects whose rollups changed (formulas may read rollups).
  const formulaObjects = new Set(items.filter((i) => kindOf(i) === 'formula').map((i) => i.object));
  for (const name of formulaObjects) await recomputeFormulas(trx, registry, name);
  const rollups = items.filter((i) => kindOf(i) === 'rollup');
  for (const r of rollups) await recomputeAllRollups(trx, registry, r.object, r.field, SYSTEM_CALLER);
  for (const name of new Set(rollups.map((r) => r.object))) await recomputeFormulas(trx, registry, name);
}

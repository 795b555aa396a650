/**
 * After a deploy adds or changes formula and rollup fields, their stored values are computed
 * for every existing record, inside the deploy's transaction (so a failure rolls it back).
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import type { RegistryDoc } from '../metadata/deployed.ts';
import { ADMIN_ROLE } from '../security/roles.ts';
import type { Caller } from './context.ts';
import { recomputeAllRollups, rollupsOver } from './rollups.ts';
import { computeFormulas } from './steps.ts';

const BATCH = 2000;
/** Rollups over rollups (order lines → orders → accounts) followed at most this far up. */
const MAX_CHAIN = 8;
const SYSTEM_CALLER: Caller = { id: '00000000-0000-0000-0000-000000000000', roles: [ADMIN_ROLE] };

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
  // objects whose rollups changed (formulas may read rollups), level by level up the chain:
  // a rollup over an object whose stored values changed (a formula's expression, another
  // rollup) is recomputed too, even when the deploy did not touch the rollup itself.
  const formulaObjects = new Set(items.filter((i) => kindOf(i) === 'formula').map((i) => i.object));
  for (const name of formulaObjects) await recomputeFormulas(trx, registry, name);
  const over = (names: Iterable<string>) => [...names].flatMap((n) => rollupsOver(registry, n).map((r) => ({ object: r.parent.name, field: r.rollup.name })));
  let level = [...items.filter((i) => kindOf(i) === 'rollup'), ...over(formulaObjects)];
  for (let depth = 0; level.length && depth < MAX_CHAIN; depth++) {
    const unique = [...new Map(level.map((r) => [`${r.object}.${r.field}`, r])).values()];
    for (const r of unique) await recomputeAllRollups(trx, registry, r.object, r.field, SYSTEM_CALLER);
    const parents = new Set(unique.map((r) => r.object));
    for (const name of parents) await recomputeFormulas(trx, registry, name);
    level = over(parents);
  }
}

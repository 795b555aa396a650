/**
 * Rollups: a parent's sum/count/min/max/avg over its live children, kept current in the
 * child's transaction whenever a child is created, changed, moved to another parent, deleted
 * or restored. A recomputed rollup may feed a formula on the parent, and the parent may be a
 * child in another rollup (order lines → order total → account revenue): both follow.
 */
import type { Knex } from 'knex';
import type { RollupField } from '../../metadata/types.ts';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedField, DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { compileFilter } from '../query/filter.ts';
import { ROOT_ALIAS, tableOf } from '../query/joins.ts';
import type { Caller } from './context.ts';
import { sameValue } from './same.ts';
import { computeFormulas } from './steps.ts';

type Rollup = DeployedField & RollupField;

const MAX_CHAIN = 8;

/** Rollups on other objects that aggregate `child`, with the reference field they go through. */
export function rollupsOver(registry: RegistryDoc, child: string): Array<{ parent: DeployedObject; rollup: Rollup; via: string }> {
  const out: Array<{ parent: DeployedObject; rollup: Rollup; via: string }> = [];
  for (const parent of registry.objects) {
    for (const f of parent.fields) {
      if (f.type !== 'rollup') continue;
      const [obj, via] = f.of.split('.');
      if (obj === child) out.push({ parent, rollup: f as Rollup, via });
    }
  }
  return out;
}

function aggregateSql(r: Rollup): string {
  switch (r.aggregate) {
    case 'count': return 'count(*)';
    case 'sum': return 'COALESCE(sum(??.??), 0)';
    // min/max keep the child column's type, and so does the rollup's column (a date for dates:
    // see `returns`, set on deploy); with no children they are null, never a made-up zero.
    default: return `${r.aggregate}(??.??)`;
  }
}

/** The aggregate over the parent's (alias p) live children, as a correlated subquery. */
function aggregateOf(trx: Knex.Transaction, registry: RegistryDoc, rollup: Rollup, via: string, user: Caller): Knex.QueryBuilder | undefined {
  const [childName] = rollup.of.split('.');
  const child = registry.objects.find((o) => o.name === childName);
  if (!child) return undefined;
  // Alias r is the query compiler's root alias, so a rollup filter compiles as any list filter does.
  const sub = trx.from({ [ROOT_ALIAS]: tableOf(child) })
    .whereRaw('??.?? = p.id', [ROOT_ALIAS, via])
    .whereNull(`${ROOT_ALIAS}._deletedAt`);
  sub.select(rollup.aggregate === 'count' ? trx.raw('count(*)') : trx.raw(aggregateSql(rollup), [ROOT_ALIAS, rollup.field ?? '']));
  if (rollup.filter) {
    compileFilter(rollup.filter, { object: child, objectByName: (n) => registry.objects.find((o) => o.name === n), user: { id: user.id } }).apply(sub);
  }
  return sub;
}

/** Recomputes `rollups` (all through reference `via`) on the given parent ids, in one UPDATE. */
async function recompute(trx: Knex.Transaction, registry: RegistryDoc, parent: DeployedObject, rollups: Rollup[], via: string, ids: string[], user: Caller): Promise<void> {
  if (!ids.length) return;
  const set: Record<string, Knex.QueryBuilder> = {};
  for (const r of rollups) {
    const sub = aggregateOf(trx, registry, r, via, user);
    if (sub) set[r.name] = sub;
  }
  if (!Object.keys(set).length) return;
  await trx({ p: tableOf(parent) }).update(set).whereIn('p.id', ids);
}

/**
 * Locks the parents before their rollups are computed. Under READ COMMITTED each statement
 * reads the snapshot taken when it starts: an UPDATE that first waits for a concurrent
 * writer's row lock would compute its subqueries without that writer's children, and the
 * last writer would overwrite the other's sum (a lost update). Waiting in a SELECT … FOR
 * UPDATE of its own lets the UPDATE after it start, and read, after the other commits.
 */
async function lockRows(trx: Knex.Transaction, object: DeployedObject, ids: string[]): Promise<void> {
  // NO KEY UPDATE is the lock the UPDATE takes anyway: it does not conflict with the KEY SHARE
  // locks that inserting children take on the parent through their foreign key (FOR UPDATE
  // would, and two writers of children of one parent would deadlock).
  await trx.raw(`SELECT 1 FROM ??.?? WHERE id = ANY(?::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [DATA_SCHEMA, object.name, ids]);
}

/**
 * After a change to records of `child`, brings every rollup over it up to date on the parents
 * `parentIds` (keyed by reference field), then formulas and further rollups up the chain.
 */
export async function refreshRollups(trx: Knex.Transaction, registry: RegistryDoc, child: string, parentIdsByRef: Map<string, Set<string>>, user: Caller, depth = 0): Promise<void> {
  if (depth >= MAX_CHAIN) return;
  // parent object → reference field → rollups through it
  const byParent = new Map<string, { parent: DeployedObject; vias: Map<string, Rollup[]>; ids: Set<string> }>();
  for (const { parent, rollup, via } of rollupsOver(registry, child)) {
    const ids = [...(parentIdsByRef.get(via) ?? [])].filter(Boolean);
    if (!ids.length) continue;
    const entry = byParent.get(parent.name) ?? { parent, vias: new Map<string, Rollup[]>(), ids: new Set<string>() };
    entry.vias.set(via, [...(entry.vias.get(via) ?? []), rollup]);
    ids.forEach((id) => entry.ids.add(id));
    byParent.set(parent.name, entry);
  }
  for (const { parent, vias, ids } of byParent.values()) {
    const idList = [...ids].sort();
    await lockRows(trx, parent, idList);
    for (const [via, rollups] of vias) {
      await recompute(trx, registry, parent, rollups, via, [...(parentIdsByRef.get(via) ?? [])].filter(Boolean), user);
    }
    // Formulas on the parent may read its rollups.
    if (parent.fields.some((f) => f.type === 'formula')) await refreshFormulas(trx, parent, idList, user);
    // The parent may itself be a child in other rollups.
    const refs = parent.fields.filter((f) => f.type === 'reference');
    if (refs.length && rollupsOver(registry, parent.name).length) {
      const next = new Map<string, Set<string>>();
      const { rows } = await trx.raw(`SELECT ${refs.map(() => '??').join(', ')} FROM ??.?? WHERE id = ANY(?::uuid[])`, [...refs.map((f) => f.name), DATA_SCHEMA, parent.name, idList]);
      for (const row of rows as Array<Record<string, string | null>>) {
        for (const f of refs) {
          const v = row[f.name];
          if (!v) continue;
          const set = next.get(f.name) ?? new Set<string>();
          set.add(v);
          next.set(f.name, set);
        }
      }
      await refreshRollups(trx, registry, parent.name, next, user, depth + 1);
    }
  }
}

/** Recomputes the stored formulas of these records, writing only those whose value changed. */
export async function refreshFormulas(trx: Knex.Transaction, object: DeployedObject, ids: string[], user: Caller): Promise<void> {
  const formulas = object.fields.filter((f) => f.type === 'formula');
  if (!formulas.length || !ids.length) return;
  const { rows } = await trx.raw(`SELECT * FROM ??.?? WHERE id = ANY(?::uuid[])`, [DATA_SCHEMA, object.name, ids]);
  for (const row of rows as Array<Record<string, unknown>>) {
    const computed = computeFormulas(object, row, { user });
    const changed = formulas.filter((f) => !sameValue(computed[f.name], row[f.name]));
    if (!changed.length) continue;
    const set = Object.fromEntries(changed.map((f) => [f.name, computed[f.name]]));
    await trx.withSchema(DATA_SCHEMA).table(object.name).where({ id: row.id as string }).update(set);
  }
}

/** The parent ids a child row points at, keyed by reference field (for rollups only). */
export function parentRefs(registry: RegistryDoc, child: DeployedObject, ...rows: Array<Record<string, unknown> | undefined>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const vias = new Set(rollupsOver(registry, child.name).map((r) => r.via));
  for (const via of vias) {
    const set = new Set<string>();
    for (const row of rows) {
      const v = row?.[via];
      if (typeof v === 'string') set.add(v);
    }
    if (set.size) out.set(via, set);
  }
  return out;
}

/** Backfill after a deploy added or changed rollups: recompute them for every parent. */
export async function recomputeAllRollups(trx: Knex.Transaction, registry: RegistryDoc, object: string, field: string, user: Caller): Promise<void> {
  const parent = registry.objects.find((o) => o.name === object);
  const rollup = parent?.fields.find((f) => f.name === field && f.type === 'rollup') as Rollup | undefined;
  if (!parent || !rollup) return;
  const [, via] = rollup.of.split('.');
  const { rows } = await trx.raw(`SELECT id FROM ??.??`, [DATA_SCHEMA, parent.name]);
  const ids = (rows as Array<{ id: string }>).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 5000) await recompute(trx, registry, parent, [rollup], via, ids.slice(i, i + 5000), user);
}

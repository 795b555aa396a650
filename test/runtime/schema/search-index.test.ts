/**
 * Text search is indexed: every field `q` searches (the name, email, phone and code fields)
 * gets a pg_trgm GIN index when it is deployed, keeps it through renames, loses it when it
 * stops being a search field, gets it back on restore, and PostgreSQL can answer `q` from them.
 */
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectDef } from '../../../metadata/types.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { loadRegistry } from '../../../runtime/metadata/registry-store.ts';
import { deployBundle } from '../../../runtime/schema/deploy.ts';
import { searchFields, searchIndexName } from '../../../runtime/schema/search-index.ts';
import { restoreFromBin } from '../../../runtime/schema/restore.ts';
import { buildListQuery } from '../../../runtime/query/list.ts';
import { bundle, indexesOf, systemDatabase } from './helpers.ts';

let db: TestDatabase;
let knex: Knex;
beforeEach(async () => {
  db = await systemDatabase();
  knex = db.knex;
});
afterEach(async () => {
  await db.drop();
});

const customer = (): ObjectDef => ({
  name: 'customer', label: 'Customer', nameField: 'name',
  fields: [
    { name: 'name', type: 'text' },
    { name: 'email', type: 'email' },
    { name: 'phone', type: 'phone' },
    { name: 'notes', type: 'longtext' },
    { name: 'code', type: 'text', unique: true },
    { name: 'city', type: 'text' },
    { name: 'score', type: 'integer' },
    { name: 'since', type: 'date' },
  ],
});

/** Field name → its trigram index definition, for the fields that have one. */
async function trigramIndexes(table = 'customer'): Promise<Record<string, string>> {
  const reg = await loadRegistry(knex);
  const object = reg.objects.find((o) => o.name === table)!;
  const defs = new Map((await indexesOf(knex, table)).map((i) => [i.name, i.def]));
  const out: Record<string, string> = {};
  for (const f of object.fields) {
    const def = defs.get(searchIndexName(f));
    if (def) out[f.name] = def;
  }
  return out;
}

describe('search indexes', () => {
  it('a deployed object has a trigram index on its name, email, phone and code fields, and none on others', async () => {
    await deployBundle(knex, bundle('shop', '1.0.0', [customer()]));
    const ix = await trigramIndexes();
    expect(Object.keys(ix).sort()).toEqual(['code', 'email', 'name', 'phone']);
    expect(ix.name).toMatch(/USING gin \(name \S*gin_trgm_ops\)$/);
    const reg = await loadRegistry(knex);
    expect(searchFields(reg.objects[0]).map((f) => f.name)).toEqual(['name', 'email', 'phone', 'code']);
  });

  it('a name field that is a text formula or an autonumber is searched; a field that stops being a key loses its index', async () => {
    const o = customer();
    o.fields.push({ name: 'label', type: 'formula', returns: 'text', expression: { cat: [{ var: 'name' }, ' ', { var: 'city' }] } });
    o.nameField = 'label';
    await deployBundle(knex, bundle('shop', '1.0.0', [o]));
    expect(Object.keys(await trigramIndexes()).sort()).toEqual(['code', 'email', 'label', 'phone']);
    const next = customer();
    next.fields[4] = { name: 'code', type: 'text' }; // no longer unique: not a code
    next.fields.push({ name: 'number', type: 'autonumber', format: 'C-{0000}' });
    next.nameField = 'number';
    await deployBundle(knex, bundle('shop', '1.1.0', [next]));
    expect(Object.keys(await trigramIndexes()).sort()).toEqual(['email', 'number', 'phone']);
  });

  it('a text field marked searchable joins, a key field marked searchable: false leaves', async () => {
    const o = customer();
    o.fields[5] = { name: 'city', type: 'text', searchable: true };
    o.fields[1] = { name: 'email', type: 'email', searchable: false };
    await deployBundle(knex, bundle('shop', '1.0.0', [o]));
    expect(Object.keys(await trigramIndexes()).sort()).toEqual(['city', 'code', 'name', 'phone']);
    const reg = await loadRegistry(knex);
    expect(searchFields(reg.objects[0]).map((f) => f.name)).toEqual(['name', 'phone', 'code', 'city']);
    // Back to the default: the index follows.
    await deployBundle(knex, bundle('shop', '1.1.0', [customer()]));
    expect(Object.keys(await trigramIndexes()).sort()).toEqual(['code', 'email', 'name', 'phone']);
  });

  it('follows the field through a rename, a type change away from text and back, removal and restore', async () => {
    await deployBundle(knex, bundle('shop', '1.0.0', [customer()]));
    await knex.withSchema('crm').table('customer').insert([{ name: 'A', code: '12' }, { name: 'B', code: '7' }]);

    const renamed = customer();
    renamed.fields[4] = { name: 'ref', type: 'text', unique: true, renamedFrom: 'code' };
    await deployBundle(knex, bundle('shop', '1.1.0', [renamed]));
    expect((await trigramIndexes()).ref).toMatch(/\(ref \S*gin_trgm_ops\)/);

    // A number cannot be trigram-indexed: the index goes, the conversion succeeds.
    const numeric = customer();
    numeric.fields[4] = { name: 'ref', type: 'integer' };
    await deployBundle(knex, bundle('shop', '1.2.0', [numeric]));
    expect((await trigramIndexes()).ref).toBeUndefined();
    expect((await knex.withSchema('crm').table('customer').orderBy('ref')).map((r: { ref: number }) => Number(r.ref))).toEqual([7, 12]);

    await deployBundle(knex, bundle('shop', '1.3.0', [renamed].map((o) => ({ ...o, fields: o.fields.map((f) => (f.name === 'ref' ? { name: 'ref', type: 'text' as const, unique: true } : f)) }))));
    expect((await trigramIndexes()).ref).toBeDefined();

    const without = customer();
    without.fields.splice(4, 1);
    await deployBundle(knex, bundle('shop', '1.4.0', [without]));
    // In the bin the field is no longer searched: its index goes (name, email, phone stay).
    expect((await indexesOf(knex, 'customer')).filter((i) => i.name.startsWith('ts_'))).toHaveLength(3);
    const bin = (await knex.raw(`SELECT id FROM strata.recycle_bin WHERE name = 'ref'`)).rows as Array<{ id: string }>;
    await restoreFromBin(knex, bin[0].id);
    expect((await trigramIndexes()).ref).toBeDefined();
  });

  it('q compiles to conditions the trigram indexes serve (a bitmap OR over the fields), and finds the record', async () => {
    // Without the partial unique index on code, which the planner likes for `"_deletedAt" IS NULL` at this size.
    const plainCode = customer();
    plainCode.fields[4] = { name: 'code', type: 'text' };
    await deployBundle(knex, bundle('shop', '1.0.0', [plainCode]));
    await knex.raw(`
      INSERT INTO crm.customer (name, email, phone, notes, code)
      SELECT 'Customer ' || g, 'c' || g || '@example.com', '+1 555 ' || g, repeat('lorem ipsum ', 5), 'C' || g
        FROM generate_series(1, 5000) g`);
    await knex.raw(`INSERT INTO crm.customer (name, email) VALUES ('Zyxwv Holdings', 'owner@zyxwv.example')`);
    await knex.raw(`ANALYZE crm.customer`);
    const reg = await loadRegistry(knex);
    const object = reg.objects.find((o) => o.name === 'customer')!;
    const query = buildListQuery(knex, {
      object, objectByName: (n) => reg.objects.find((o) => o.name === n), user: { id: '00000000-0000-4000-8000-000000000001' }, today: '2026-01-01',
    }, { q: 'zyxwv' }).toSQL();
    // At this size reading the table is cheaper; with that ruled out, the plan shows the query's
    // shape is one the indexes serve (measured: with 200,000 rows PostgreSQL picks them itself).
    const plan = await knex.transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      await trx.raw('SET LOCAL enable_indexscan = off'); // nor walking the createdAt index
      return (await trx.raw(`EXPLAIN ${query.sql}`, query.bindings)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n') as string;
    });
    expect(plan).toMatch(/Bitmap Index Scan on ts_/);
    expect(plan).not.toMatch(/Seq Scan/);
    const rows = await buildListQuery(knex, {
      object, objectByName: (n) => reg.objects.find((o) => o.name === n), user: { id: '00000000-0000-4000-8000-000000000001' }, today: '2026-01-01',
    }, { q: 'zyxwv' });
    expect(rows.map((r: { name: string }) => r.name)).toEqual(['Zyxwv Holdings']);
    // Words in other text fields are not searched (they are not indexed either).
    expect(await buildListQuery(knex, {
      object, objectByName: (n) => reg.objects.find((o) => o.name === n), user: { id: '00000000-0000-4000-8000-000000000001' }, today: '2026-01-01',
    }, { q: 'lorem' })).toEqual([]);
  });
});

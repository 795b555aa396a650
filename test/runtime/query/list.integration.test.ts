/**
 * buildListQuery against a real PostgreSQL: every operator, reference paths, multipicklists,
 * nulls, soft delete, sorting and keyset pagination under concurrent inserts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { buildListQuery, listPage, type ExtraWhere, type ListParams } from '../../../runtime/query/list.ts';
import { compileFilter } from '../../../runtime/query/filter.ts';
import type { DeployedObject } from '../../../runtime/metadata/deployed.ts';
import { account, contact, ctxFor, order, USER_ID } from './fixtures.ts';
import { C, createTables, O, seed } from './seed.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  await createTables(db.knex);
  await seed(db.knex);
});
afterAll(async () => {
  await db?.drop();
});

type Row = Record<string, unknown>;

async function list(root: DeployedObject, params: ListParams, extra?: ExtraWhere) {
  const ctx = ctxFor(root);
  const rows: Row[] = await buildListQuery(db.knex, ctx, params, extra);
  return listPage(rows, ctx, params);
}

/** Names of the matching rows, sorted in JS so the database collation does not matter. */
async function names(filter: unknown, root: DeployedObject = order): Promise<string[]> {
  const page = await list(root, { filter, limit: 200, fields: 'name' });
  return page.data.map((r) => String(r.name)).sort();
}

describe('filters on a real database', () => {
  const cases: Array<[unknown, string]> = [
    [{}, 'o1 o2 o3 o4 o5 o7 o8 o9'],
    [{ status: 'new' }, 'o1 o4 o9'],
    [{ status: { eq: 'new' } }, 'o1 o4 o9'],
    [{ status: { ne: 'new' } }, 'o2 o3 o5 o7 o8'],
    [{ status: null }, 'o5'],
    [{ status: { isNull: false } }, 'o1 o2 o3 o4 o7 o8 o9'],
    [{ status: { in: ['paid', 'shipped'] } }, 'o2 o3 o7 o8'],
    [{ status: { in: ['paid', null] } }, 'o2 o5 o7'],
    [{ status: { in: [] } }, ''],
    [{ status: { nin: ['new', 'paid'] } }, 'o3 o5 o8'],
    [{ status: { nin: ['new', null] } }, 'o2 o3 o7 o8'],
    [{ status: { nin: [] } }, 'o1 o2 o3 o4 o5 o7 o8 o9'],
    [{ amount: { gt: 10 } }, 'o2 o5 o8'],
    [{ amount: { gte: 10 } }, 'o1 o2 o5 o8'],
    [{ amount: { lt: 7 } }, 'o4 o9'],
    [{ amount: { lte: 7 } }, 'o4 o7 o9'],
    [{ amount: 20.5 }, 'o2 o5'],
    [{ amount: { ne: 20.5 } }, 'o1 o3 o4 o7 o8 o9'],
    [{ amount: { gt: 5, lt: 50 } }, 'o1 o2 o5 o7'],
    [{ amount: { gt: 1e300 } }, ''],
    [{ quantity: { in: [1, 2, 3] } }, 'o1 o2 o3'],
    [{ quantity: { gte: 5 } }, 'o5 o7 o8'],
    [{ not: { amount: { gt: 10 } } }, 'o1 o3 o4 o7 o9'],
    [{ placed_at: { gt: '2024-01-01T10:00:00.000001Z' } }, 'o2 o4 o5 o8 o9'],
    [{ placed_at: '2024-01-01T10:00:00.000001Z' }, 'o1'],
    [{ placed_at: { lt: '2024-01-01' } }, 'o7'],
    [{ placed_at: { gte: '2024-02-29T10:00:00Z' } }, 'o5 o8 o9'],
    [{ placed_at: { gte: '2024-02-29T12:00:00+02:00', lte: '2024-02-29T12:00:00+0200' } }, 'o8'],
    [{ ship_date: '$today' }, 'o4'],
    [{ ship_date: { gt: '$today' } }, 'o5'],
    [{ ship_date: { lte: '2024-01-05' } }, 'o1 o7'],
    [{ ship_date: { in: ['2024-02-29', '2023-12-31'] } }, 'o7 o8'],
    [{ paid: true }, 'o1 o4 o7 o9'],
    [{ paid: false }, 'o2 o5 o8'],
    [{ paid: { ne: true } }, 'o2 o3 o5 o8'],
    [{ ownerId: '$user.id' }, 'o1 o2'],
    [{ ownerId: null }, 'o9'],
    [{ ownerId: { ne: '$user.id' } }, 'o3 o4 o5 o7 o8 o9'],
    [{ id: { in: [O(1), O(3), O(6)] } }, 'o1 o3'],
    [{ contact: C(1) }, 'o1 o2'],
    [{ contact: { isNull: true } }, 'o7'],
    [{ tags: 'gift' }, 'o1 o2 o9'],
    [{ tags: ['gift', 'rush'] }, 'o2'],
    [{ tags: { in: ['rush', 'fragile'] } }, 'o2 o5 o7 o8'],
    [{ tags: { nin: ['gift'] } }, 'o3 o4 o5 o7 o8'],
    [{ tags: { ne: 'gift' } }, 'o3 o4 o5 o7 o8'],
    [{ tags: { isNull: true } }, 'o3 o4'],
    [{ tags: [] }, 'o3 o4'],
    [{ tags: { isNull: false } }, 'o1 o2 o5 o7 o8 o9'],
    [{ tags: { in: ['rush', null] } }, 'o2 o3 o4 o7 o8'],
    [{ notes: { contains: '100%' } }, 'o3'],
    [{ notes: { contains: '_cotton' } }, 'o4'],
    [{ notes: { contains: 'k\\s' } }, 'o2'],
    [{ notes: { contains: 'GIFT' } }, 'o1'],
    [{ notes: { contains: '%' } }, 'o3'],
    [{ notes: { startsWith: '100' } }, 'o3 o4'],
    [{ notes: { startsWith: 'cotton' } }, ''],
    [{ not: { notes: { contains: 'cotton' } } }, 'o1 o2 o5 o7 o8 o9'],
    [{ name: { gte: 'o8' } }, 'o8 o9'],
    [{ or: [{ status: 'new' }, { amount: { gt: 50 } }] }, 'o1 o4 o8 o9'],
    [{ and: [{ paid: true }, { not: { status: 'new' } }] }, 'o7'],
    [{ not: { or: [{ paid: true }, { status: 'shipped' }] } }, 'o2 o5'],
    [{ or: [] }, ''],
    [{ and: [] }, 'o1 o2 o3 o4 o5 o7 o8 o9'],
    // Reference paths: soft-deleted contacts (o8) and accounts (o5) read as null.
    [{ 'contact.last_name': 'Smith' }, 'o1 o2'],
    [{ 'contact.account.industry': 'retail' }, 'o1 o2 o3'],
    [{ 'contact.account.industry': { ne: 'retail' } }, 'o4 o5 o7 o8 o9'],
    [{ 'contact.account.industry': { isNull: true } }, 'o4 o5 o7 o8 o9'],
    [{ 'contact.account.parent.name': 'Acme Holding' }, 'o1 o2 o3'],
    // The column is there even when its target is deleted; `.id` goes through the join.
    [{ 'contact.account.parent': { isNull: true } }, 'o4 o5 o7 o8'],
    [{ 'contact.account.parent.id': { isNull: true } }, 'o4 o5 o7 o8 o9'],
    [{ 'contact.account.tags': 'vip' }, 'o1 o2'],
    [{ 'contact.account.revenue': { gt: 100 } }, 'o1 o2'],
    [{ 'contact.account.name': { startsWith: 'acme' }, 'contact.first_name': 'Ann' }, 'o1 o2'],
    [{ or: [{ 'contact.account.name': 'Zeta' }, { 'contact.email': { contains: 'bolt' } }] }, 'o3 o9'],
    [{ 'contact.ownerId': { isNull: true } }, 'o1 o2 o3 o4 o5 o7 o8 o9'],
  ];
  it.each(cases)('orders %j → %s', async (filter, expected) => {
    expect((await names(filter)).join(' ')).toBe(expected);
  });

  const accountCases: Array<[unknown, string]> = [
    [{}, 'Acme Holding, Acme Retail, Bolt Shop, Zeta'],
    [{ 'parent.name': 'Acme Holding' }, 'Acme Retail, Bolt Shop'],
    [{ parent: { isNull: false } }, 'Acme Retail, Bolt Shop, Zeta'],
    [{ 'parent.id': { isNull: true } }, 'Acme Holding, Zeta'],
    [{ tags: { isNull: true } }, 'Bolt Shop, Zeta'],
    [{ founded: '2020-02-29' }, 'Zeta'],
    [{ employees: { in: [5, 10] } }, 'Acme Retail, Bolt Shop'],
    [{ active: { ne: true } }, 'Bolt Shop, Zeta'],
    [{ data: { isNull: false } }, 'Acme Holding'],
    [{ revenue: { lte: 1000.5 } }, 'Acme Retail, Zeta'],
  ];
  it.each(accountCases)('accounts %j → %s', async (filter, expected) => {
    expect((await names(filter, account)).join(', ')).toBe(expected);
  });

  it('reads a filter given as JSON text', async () => {
    const page = await list(order, { filter: '{"status": "new"}', sort: 'name', fields: 'name' });
    expect(page.data.map((r) => r.name)).toEqual(['o1', 'o4', 'o9']);
  });

  it('searches the name, email and phone fields with q, wildcards taken literally', async () => {
    const page = await list(contact, { q: 'ACME.test', fields: 'first_name' });
    expect(page.data.map((r) => r.first_name)).toEqual(['Ann']);
    expect((await list(order, { q: 'O3', fields: 'name' })).data.map((r) => r.name)).toEqual(['o3']);
    // `_` and `%` match themselves, not any character: no order name has one.
    expect((await list(order, { q: '_', fields: 'name' })).data).toEqual([]);
    expect((await list(order, { q: '%', fields: 'name' })).data).toEqual([]);
    // Notes are not a search field.
    expect((await list(order, { q: '100% cot', fields: 'name' })).data).toEqual([]);
  });

  it('ANDs the extra condition as its own group, joins included', async () => {
    const mine: ExtraWhere = (qb, scope) => {
      qb.where(`${scope.rootAlias}.ownerId`, USER_ID)
        .orWhere((q) => compileFilter({ 'contact.account.name': 'Zeta' }, scope.ctx, { joins: scope.joins }).applyWhere(q));
    };
    const page = await list(order, { filter: { paid: true }, sort: 'name', fields: 'name' }, mine);
    expect(page.data.map((r) => r.name)).toEqual(['o1', 'o9']);
  });

  it('selects the requested fields plus id', async () => {
    const page = await list(order, { filter: { name: 'o1' }, fields: 'amount,tags' });
    expect(page.data).toEqual([{ id: O(1), amount: '10', tags: ['gift'] }]);
  });
});

describe('sorting', () => {
  const sorted = async (sort: string, root: DeployedObject = order) =>
    (await list(root, { sort, limit: 200, fields: 'name' })).data.map((r) => r.name).join(' ');

  it.each([
    ['amount', 'o9 o4 o7 o1 o2 o5 o8 o3'], // nulls last; the 20.5 tie broken by id
    ['-amount', 'o3 o8 o2 o5 o1 o7 o4 o9'], // nulls first
    ['-placed_at', 'o3 o9 o5 o8 o2 o4 o1 o7'], // microseconds count: o4 is after o1
    ['placed_at', 'o7 o1 o4 o2 o8 o5 o9 o3'],
    ['contact.account.name,-name', 'o2 o1 o3 o9 o8 o7 o5 o4'], // deleted targets sort as null
    ['-paid,quantity', 'o3 o9 o1 o7 o4 o2 o5 o8'],
    ['status,-amount', 'o1 o4 o9 o2 o7 o3 o8 o5'],
  ])('%s → %s', async (sort, expected) => {
    expect(await sorted(sort)).toBe(expected);
  });

  it('sorts by a self-reference path', async () => {
    expect(await sorted('-parent.name,name', account)).toBe('Acme Holding Zeta Acme Retail Bolt Shop');
  });
});

/** Deterministic PRNG (mulberry32): failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('keyset pagination', () => {
  const rand = prng(42);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  // Few distinct values: many ties and nulls, the hard cases for a keyset.
  const randomOrder = (name: string) => ({
    name,
    status: pick(['new', 'paid', 'shipped', null]),
    amount: pick([null, 0, 5, 10, 20.5, 100, -3]),
    quantity: pick([null, 1, 2, 3]),
    placed_at: pick([null, '2024-01-01T10:00:00.000001Z', '2024-01-01T10:00:00.000002Z', '2024-02-01T00:00:00Z']),
    paid: pick([null, true, false]),
    contact: pick([null, C(1), C(2), C(3), C(4), C(5), C(6)]),
    ship_date: pick([null, '2024-01-01', '2024-06-15']),
  });
  let counter = 0;
  const insert = async (prefix: string): Promise<string> => {
    const [row] = await db.knex('crm.order').insert(randomOrder(`${prefix}${String(++counter).padStart(3, '0')}`)).returning('id');
    return String((row as Row).id);
  };
  const allIds = async (sort: string | undefined) => (await list(order, { sort, limit: 200, fields: 'name' })).data.map((r) => String(r.id));

  beforeAll(async () => {
    for (let i = 0; i < 25; i++) await insert('p');
  });
  // Rows inserted mid-paging go after each test, pass or fail, so one failure cannot cascade.
  afterEach(async () => {
    await db.knex('crm.order').where('name', 'like', 'ins%').del();
  });
  afterAll(async () => {
    await db.knex('crm.order').where('name', 'like', 'p%').del();
  });

  it.each([
    undefined, 'amount', '-amount', 'status,-placed_at', 'contact.account.name,-ship_date', '-paid,quantity',
    'placed_at,-contact.last_name', 'name', '-id', 'ship_date,paid,-amount',
  ])('sort %s: every row exactly once, in order, while rows are inserted between pages', async (sort) => {
    const before = await allIds(sort);
    const seen: string[] = [];
    const inserted: Array<{ id: string; after: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(order, { sort, limit: 3, cursor: cursor ?? undefined, fields: 'name' });
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((r) => String(r.id)));
      cursor = page.nextCursor;
      if (cursor) {
        const after = seen[seen.length - 1];
        for (let i = 0; i < 2; i++) inserted.push({ id: await insert('ins'), after });
      }
      pages++;
    } while (cursor && pages < 200);
    expect(pages).toBeGreaterThan(10);

    expect(new Set(seen).size).toBe(seen.length);
    const beforeSet = new Set(before);
    expect(seen.filter((id) => beforeSet.has(id))).toEqual(before);
    // Seen rows come in the final order, and a row inserted mid-way is seen exactly when
    // it sorts after the page the reader had reached.
    const after = await allIds(sort);
    const seenSet = new Set(seen);
    expect(after.filter((id) => seenSet.has(id))).toEqual(seen);
    for (const { id, after: cursorRow } of inserted) {
      expect(seenSet.has(id)).toBe(after.indexOf(id) > after.indexOf(cursorRow));
    }
  });

  it('keeps going when the cursor row and the next row are deleted between pages', async () => {
    const sort = 'amount';
    const before = await allIds(sort);
    const first = await list(order, { sort, limit: 4, fields: 'name' });
    const gone = [before[3], before[4]];
    await db.knex('crm.order').whereIn('id', gone).update({ _deletedAt: db.knex.fn.now() });
    try {
      const rest: string[] = [];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await list(order, { sort, limit: 4, cursor, fields: 'name' });
        rest.push(...page.data.map((r) => String(r.id)));
        cursor = page.nextCursor;
      }
      expect(rest).toEqual(before.slice(4).filter((id) => !gone.includes(id)));
    } finally {
      await db.knex('crm.order').whereIn('id', gone).update({ _deletedAt: null });
    }
  });

  it('fetches limit + 1 rows and ends with a null cursor', async () => {
    const ctx = ctxFor(order);
    const total = (await allIds(undefined)).length;
    const rows: Row[] = await buildListQuery(db.knex, ctx, { limit: 5 });
    expect(rows).toHaveLength(6);
    const last = await list(order, { limit: 200 });
    expect(last.data).toHaveLength(total);
    expect(last.nextCursor).toBeNull();
    expect(last.data[0]).not.toHaveProperty('_k0');
  });
});

/**
 * `GET /api/records/:object`: filters (every operator of CONTRACT §4, reference paths,
 * variables), sort on several fields, cursor pagination, `fields`, `expand` without N+1,
 * `q`, and a 400 — never a 500 — for every malformed parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, expectProblem, list, query, TYPES_PACKAGE, type Rec } from './fixtures.ts';

let t: TestApp;
let adminId: string;
const MARK = 'lists-dataset';
const today = new Date().toISOString().slice(0, 10);
let retail: Rec;
let banking: Rec;

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.engine.deploy(TYPES_PACKAGE)).applied).toBe(true);
  retail = await create(t, 'account', { name: 'Retail Co', industry: 'retail' });
  banking = await create(t, 'account', { name: 'Bank Co', industry: 'banking' });
  adminId = retail.createdBy as string;
  const rows: Array<Record<string, unknown>> = [
    { title: 'alpha', qty: 1, price: 10, ratio: 0.5, day: '2024-01-01', at: '2024-01-01T12:00:00Z', color: 'red', tags: ['a'], active: true, account: retail.id, email: 'alpha@example.com', meta: { k: 1 } },
    { title: 'Beta', qty: 2, price: 20, ratio: 1.5, day: '2024-02-01', at: '2024-02-01T12:00:00Z', color: 'green', tags: ['a', 'b'], active: false, account: banking.id, phone: '+44 20 7946 0958' },
    { title: 'gamma', qty: 3, day: null, color: 'blue', active: true, body: 'secret word' },
    { title: 'alphabet', qty: 4, price: 40, ratio: 2.5, day: today, at: '2024-04-01T12:00:00Z', color: 'red', tags: ['c'], active: true, account: retail.id },
  ];
  for (const r of rows) await create(t, 'specimen', { ...r, notes: MARK });
});
afterAll(async () => { await t?.close(); });

/** Titles of the dataset's specimens matching `filter`, sorted. */
async function titles(filter: unknown): Promise<string[]> {
  const page = await list(t, 'specimen', { filter: { and: [{ notes: MARK }, filter] }, limit: 200, fields: 'title' });
  return page.data.map((r) => r.title as string).sort();
}

describe('filters', () => {
  it('supports equality and every comparison operator', async () => {
    expect(await titles({ color: 'red' })).toEqual(['alpha', 'alphabet']);
    expect(await titles({ qty: { eq: 2 } })).toEqual(['Beta']);
    expect(await titles({ color: { ne: 'red' } })).toEqual(['Beta', 'gamma']);
    expect(await titles({ qty: { gt: 2 } })).toEqual(['alphabet', 'gamma']);
    expect(await titles({ qty: { gte: 2 } })).toEqual(['Beta', 'alphabet', 'gamma']);
    expect(await titles({ qty: { lt: 2 } })).toEqual(['alpha']);
    expect(await titles({ qty: { lte: 2, gt: 1 } })).toEqual(['Beta']);
    expect(await titles({ price: { gte: 20 } })).toEqual(['Beta', 'alphabet']);
    expect(await titles({ ratio: { lt: 1.5 } })).toEqual(['alpha']);
    expect(await titles({ day: { gte: '2024-02-01' } })).toEqual(['Beta', 'alphabet']);
    expect(await titles({ at: { lt: '2024-02-01T12:00:00Z' } })).toEqual(['alpha']);
    expect(await titles({ active: false })).toEqual(['Beta']);
  });

  it('supports in, nin, contains, startsWith and isNull', async () => {
    expect(await titles({ color: { in: ['green', 'blue'] } })).toEqual(['Beta', 'gamma']);
    expect(await titles({ qty: { nin: [1, 2] } })).toEqual(['alphabet', 'gamma']);
    // `ne` and `nin` are complements: empty values match them.
    expect(await titles({ price: { nin: [10, 20] } })).toEqual(['alphabet', 'gamma']);
    expect(await titles({ title: { contains: 'PHA' } })).toEqual(['alpha', 'alphabet']);
    expect(await titles({ title: { startsWith: 'b' } })).toEqual(['Beta']);
    expect(await titles({ price: { isNull: true } })).toEqual(['gamma']);
    expect(await titles({ day: { isNull: false } })).toEqual(['Beta', 'alpha', 'alphabet']);
    expect(await titles({ day: null })).toEqual(['gamma']);
    expect(await titles({ meta: { isNull: false } })).toEqual(['alpha']);
  });

  it('matches multipicklists by value', async () => {
    expect(await titles({ tags: 'a' })).toEqual(['Beta', 'alpha']);
    expect(await titles({ tags: ['a', 'b'] })).toEqual(['Beta']);
    expect(await titles({ tags: { in: ['b', 'c'] } })).toEqual(['Beta', 'alphabet']);
    expect(await titles({ tags: { isNull: true } })).toEqual(['gamma']);
  });

  it('combines with and, or and not', async () => {
    expect(await titles({ or: [{ color: 'green' }, { qty: { gte: 4 } }] })).toEqual(['Beta', 'alphabet']);
    expect(await titles({ and: [{ color: 'red' }, { qty: { gt: 1 } }] })).toEqual(['alphabet']);
    expect(await titles({ not: { color: 'red' } })).toEqual(['Beta', 'gamma']);
    expect(await titles({ not: { or: [{ color: 'red' }, { price: { isNull: true } }] } })).toEqual(['Beta']);
  });

  it('follows reference paths, including to an object named `order`', async () => {
    expect(await titles({ 'account.industry': 'retail' })).toEqual(['alpha', 'alphabet']);
    expect(await titles({ 'account.name': { startsWith: 'Bank' } })).toEqual(['Beta']);
    expect(await titles({ 'account.industry': { isNull: true } })).toEqual(['gamma']);
    const o = await create(t, 'order', { order_number: 'LIST-1', account: retail.id, order_date: '2024-01-05' });
    await create(t, 'case', { subject: 'Late parcel', order: o.id, account: retail.id });
    const cases = await list(t, 'case', { filter: { 'order.order_number': 'LIST-1', 'order.account.industry': 'retail' } });
    expect(cases.data.map((c) => c.subject)).toEqual(['Late parcel']);
  });

  it('substitutes $user.id and $today', async () => {
    expect((await titles({ ownerId: '$user.id' })).length).toBe(4);
    expect(await titles({ day: '$today' })).toEqual(['alphabet']);
    expect(await titles({ createdBy: { ne: '$user.id' } })).toEqual([]);
    expect(adminId).toBeTruthy();
  });
});

describe('sort, fields, expand and search', () => {
  it('sorts on several fields, descending and through references', async () => {
    const page = await list(t, 'specimen', { filter: { notes: MARK }, sort: 'color,-qty', fields: 'title' });
    expect(page.data.map((r) => r.title)).toEqual(['gamma', 'Beta', 'alphabet', 'alpha']);
    const byAccount = await list(t, 'specimen', { filter: { notes: MARK }, sort: '-account.name,title', fields: 'title' });
    // Empty (null) sorts as the largest value: first when descending.
    expect(byAccount.data.map((r) => r.title)).toEqual(['gamma', 'alpha', 'alphabet', 'Beta']);
    const nullsLast = await list(t, 'specimen', { filter: { notes: MARK }, sort: 'price', fields: 'title,price' });
    expect(nullsLast.data.map((r) => r.price)).toEqual([10, 20, 40, null]);
  });

  it('returns only the fields asked for, and id', async () => {
    const page = await list(t, 'specimen', { filter: { notes: MARK }, fields: 'title,qty', sort: 'qty' });
    expect(page.data[0]).toEqual({ id: expect.any(String), title: 'alpha', qty: 1 });
    expectProblem(await t.api('GET', `/api/records/specimen${query({ fields: 'title,nope' })}`), 400, 'fields', 'unknown_field');
  });

  it('expands references into the target records, also with `fields`', async () => {
    const page = await list(t, 'specimen', { filter: { notes: MARK }, sort: 'qty', expand: 'account' });
    expect(page.data.map((r) => (r.account as Rec | null)?.name ?? null)).toEqual(['Retail Co', 'Bank Co', null, 'Retail Co']);
    expect(page.data[0].account).toMatchObject({ id: retail.id, industry: 'retail', version: 1 });
    const narrow = await list(t, 'specimen', { filter: { notes: MARK }, sort: 'qty', fields: 'title', expand: 'account' });
    expect(narrow.data[1]).toEqual({ id: expect.any(String), title: 'Beta', account: expect.objectContaining({ id: banking.id, name: 'Bank Co' }) });
    const one = await t.api('GET', `/api/records/specimen/${page.data[1].id}?expand=account`);
    expect(one.json().account).toMatchObject({ name: 'Bank Co' });
    expectProblem(await t.api('GET', '/api/records/specimen?expand=title'), 400, 'expand.title', 'not_reference');
    expectProblem(await t.api('GET', '/api/records/specimen?expand=nope'), 400, 'expand.nope', 'unknown_field');
  });

  it('expands with one query per reference field, whatever the page size (no N+1)', async () => {
    const acc = await create(t, 'account', { name: 'Many orders' });
    const contact = await create(t, 'contact', { last_name: 'Buyer', account: acc.id });
    for (let i = 0; i < 30; i++) {
      await create(t, 'order', { order_number: `NPLUS-${i}`, account: acc.id, contact: contact.id, order_date: '2024-03-01' });
    }
    const count = async (limit: number): Promise<number> => {
      let n = 0;
      const onQuery = () => { n += 1; };
      t.engine.knex.on('query', onQuery);
      try {
        const page = await list(t, 'order', { filter: { order_number: { startsWith: 'NPLUS-' } }, expand: 'account,contact', limit });
        expect(page.data).toHaveLength(limit);
        expect(page.data.every((o) => (o.account as Rec).name === 'Many orders' && (o.contact as Rec).last_name === 'Buyer')).toBe(true);
      } finally {
        t.engine.knex.off('query', onQuery);
      }
      return n;
    };
    const small = await count(2);
    const large = await count(30);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(5); // session + list + one per expanded field
  });

  it('searches text with q, every word in some text field, case-insensitively', async () => {
    const search = async (q: string) => (await list(t, 'specimen', { filter: { notes: MARK }, q, fields: 'title' })).data.map((r) => r.title).sort();
    expect(await search('ALPH')).toEqual(['alpha', 'alphabet']);
    expect(await search('alpha bet')).toEqual(['alphabet']);
    expect(await search('example.com')).toEqual(['alpha']); // email
    expect(await search('7946')).toEqual(['Beta']); // phone
    expect(await search('100%')).toEqual([]); // % is literal, not a wildcard
    expect(await search('   ')).toEqual(['Beta', 'alpha', 'alphabet', 'gamma']);
  });

  it('finds a lead by its company (crm-core marks lead.company searchable) but not by its street', async () => {
    const lead = await t.api('POST', '/api/records/lead', { last_name: 'Quist', company: 'Quuxbridge Holdings', street: '12 Zorbalane', email: 'quist@quux.example' });
    expect(lead.statusCode).toBe(201);
    expect((await list(t, 'lead', { q: 'quuxbridge', fields: 'last_name' })).data.map((r) => r.last_name)).toEqual(['Quist']);
    expect((await list(t, 'lead', { q: 'zorbalane', fields: 'last_name' })).data).toEqual([]);
  });
});

describe('cursor pagination', () => {
  it('returns every record exactly once across pages, with inserts in between', async () => {
    const mark = 'paging';
    const original = new Set<string>();
    for (let i = 0; i < 23; i++) original.add((await create(t, 'specimen', { title: `p${i % 5}`, qty: i % 4, notes: mark })).id);
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await list(t, 'specimen', { filter: { notes: mark }, sort: '-qty,title', limit: 5, cursor: cursor ?? undefined, fields: 'title,qty' });
      seen.push(...page.data.map((r) => r.id));
      // Keys are non-increasing in the sort order within the page.
      cursor = page.nextCursor;
      pages += 1;
      // Someone adds records while we page, before and after our position.
      if (pages === 2) {
        await create(t, 'specimen', { title: 'p0', qty: 3, notes: mark });
        await create(t, 'specimen', { title: 'p9', qty: 0, notes: mark });
      }
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    for (const id of original) expect(seen).toContain(id); // nothing lost
  });

  it('pages in the default order (newest first) without gaps', async () => {
    const all = (await list(t, 'specimen', { limit: 200, fields: 'title' })).data.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Rec[]; nextCursor: string | null } = await list(t, 'specimen', { limit: 7, cursor: cursor ?? undefined, fields: 'title' });
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('refuses a cursor of another sort or a forged one', async () => {
    const page = await list(t, 'specimen', { limit: 1, sort: 'title' });
    expect(page.nextCursor).toBeTruthy();
    expectProblem(await t.api('GET', `/api/records/specimen${query({ limit: 1, sort: 'qty', cursor: page.nextCursor })}`), 400, 'cursor', 'invalid_cursor');
    expectProblem(await t.api('GET', `/api/records/account${query({ limit: 1, sort: 'title', cursor: page.nextCursor })}`), 400);
    const forged = Buffer.from(JSON.stringify({ v: 1, o: 'specimen', s: 'title,id', k: ["x'; drop table crm.specimen; --", 'not-a-uuid'] })).toString('base64url');
    expectProblem(await t.api('GET', `/api/records/specimen${query({ sort: 'title', cursor: forged })}`), 400, 'cursor', 'invalid_cursor');
  });
});

describe('bad list parameters: 400, never 500', () => {
  it('refuses a limit out of range', async () => {
    for (const limit of ['0', '201', '-1', '1.5', 'abc', '1e2', '99999999999']) {
      expectProblem(await t.api('GET', `/api/records/specimen?limit=${encodeURIComponent(limit)}`), 400, 'limit', 'invalid_limit');
    }
    expect((await list(t, 'specimen', { limit: '200' })).data.length).toBeLessThanOrEqual(200);
    expect((await list(t, 'specimen', {})).data.length).toBeLessThanOrEqual(50);
  });

  it('refuses a filter nested 100 levels deep', async () => {
    const nots = '{"not":'.repeat(100) + '{"qty":1}' + '}'.repeat(100);
    expectProblem(await t.api('GET', `/api/records/specimen?filter=${encodeURIComponent(nots)}`), 400, undefined, 'too_deep');
    const ands = '{"and":['.repeat(100) + '{"qty":1}' + ']}'.repeat(100);
    expectProblem(await t.api('GET', `/api/records/specimen?filter=${encodeURIComponent(ands)}`), 400, undefined, 'too_deep');
  });

  it('answers 400 problem+json to garbage filters, sorts, cursors, fields and searches', async () => {
    const garbage: Array<Record<string, string>> = [
      { filter: '{' }, { filter: '[]' }, { filter: '"x"' }, { filter: '123' }, { filter: '{"nope":1}' },
      { filter: '{"qty":{"like":1}}' }, { filter: '{"qty":"abc"}' }, { filter: '{"qty":{"gt":"1; drop table x"}}' },
      { filter: '{"and":{}}' }, { filter: '{"or":[1]}' }, { filter: '{"not":[]}' }, { filter: '{"day":{"gt":"yesterday"}}' },
      { filter: '{"at":"2024-13-01T00:00:00Z"}' }, { filter: '{"account.nope":1}' }, { filter: '{"title.x":1}' },
      { filter: '{"account":"not-a-uuid"}' }, { filter: '{"qty":{"in":"1"}}' }, { filter: '{"tags":{"contains":"a"}}' },
      { filter: '{"meta":{"eq":{"a":1}}}' }, { filter: '{"__proto__":1}' }, { filter: '{"constructor":{"eq":1}}' },
      { filter: '{"title":"\\u0000"}' }, { filter: '{"qty":{}}' }, { filter: '{"a.b.c.d.e":1}' },
      { filter: JSON.stringify({ or: Array.from({ length: 300 }, (_, i) => ({ qty: i })) }) },
      { filter: JSON.stringify({ qty: { in: Array.from({ length: 1001 }, (_, i) => i) } }) },
      { sort: 'nope' }, { sort: '-' }, { sort: 'title,title' }, { sort: 'meta' }, { sort: 'tags' }, { sort: 'account.nope' },
      { cursor: 'abc' }, { cursor: '!!!' }, { cursor: Buffer.from('{"v":1}').toString('base64url') },
      { fields: 'nope' }, { fields: ',' }, { expand: 'nope' }, { expand: 'title' }, { q: 'x'.repeat(201) }, { q: 'a\u0000b' },
      { q: 'a b c d e f g h i' },
    ];
    for (const params of garbage) {
      const res = await t.api('GET', `/api/records/specimen${query(params)}`);
      expect(res.statusCode, `${JSON.stringify(params).slice(0, 80)} → ${res.body.slice(0, 200)}`).toBe(400);
      expectProblem(res, 400);
    }
    // Repeated parameters are not a crash either.
    for (const key of ['filter', 'sort', 'limit', 'cursor', 'fields', 'q', 'expand']) {
      const res = await t.api('GET', `/api/records/specimen?${key}=a&${key}=b`);
      expect(res.statusCode, `${key} twice → ${res.body.slice(0, 200)}`).toBeLessThan(500);
    }
  });
});

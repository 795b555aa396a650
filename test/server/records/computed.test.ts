/**
 * What the server computes and keeps current: formulas, rollups up a chain (order_line →
 * order → account), autonumbers under concurrency; and the recycle bin (delete, restore,
 * cascade, setNull) and field history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../runtime/security/users.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, del, expectProblem, get, list, patch, TYPES_PACKAGE, uniq, type Rec } from './fixtures.ts';

let t: TestApp;
let adminId: string;
let product: Rec;

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.engine.deploy(TYPES_PACKAGE)).applied).toBe(true);
  product = await create(t, 'product', { name: 'Chair', sku: 'FUR-CH-1', unit_price: 100 });
  adminId = product.createdBy as string;
});
afterAll(async () => { await t?.close(); });

const account = (extra: Record<string, unknown> = {}) => create(t, 'account', { name: uniq('Acc '), ...extra });
const order = (accountId: string, extra: Record<string, unknown> = {}) =>
  create(t, 'order', { order_number: uniq('O-'), account: accountId, order_date: '2024-01-02', ...extra });
const line = (orderId: string, extra: Record<string, unknown> = {}) =>
  create(t, 'order_line', { order: orderId, product: product.id, quantity: 1, ...extra });

describe('formulas', () => {
  it('computes formulas on create and recomputes them when an input changes', async () => {
    const acc = await account();
    const opp = await create(t, 'opportunity', { name: 'Deal', account: acc.id, amount: 1000, discount_pct: 15, probability: 40 });
    expect(opp).toMatchObject({ net_amount: 850, expected_revenue: 400 });
    expect(await patch(t, 'opportunity', opp.id, { discount_pct: 10 })).toMatchObject({ net_amount: 900, expected_revenue: 400 });
    expect(await patch(t, 'opportunity', opp.id, { probability: 75 })).toMatchObject({ net_amount: 900, expected_revenue: 750 });
    expect(await patch(t, 'opportunity', opp.id, { amount: null })).toMatchObject({ net_amount: null, expected_revenue: null });
    expect(await get(t, 'opportunity', opp.id)).toMatchObject({ net_amount: null, expected_revenue: null });
    // Stored, so lists filter on them.
    await patch(t, 'opportunity', opp.id, { amount: 2000 });
    const found = await list(t, 'opportunity', { filter: { net_amount: { gte: 1800 }, account: acc.id } });
    expect(found.data.map((o) => o.id)).toEqual([opp.id]);
  });

  it('computes formulas of several types', async () => {
    const c = await create(t, 'contact', { first_name: 'Ada', last_name: 'Lovelace' });
    expect(typeof c.full_name).toBe('string');
    expect(c.full_name).toContain('Lovelace');
    const camp = await create(t, 'campaign', { name: 'Spring', budget: 1000, actual_cost: 250.5 });
    expect(camp.budget_remaining).toBe(749.5);
    const member = await create(t, 'campaign_member', { campaign: camp.id, contact: c.id, status: 'responded' });
    expect(member.has_responded).toBe(true);
    expect((await patch(t, 'campaign_member', member.id, { status: 'sent' })).has_responded).toBe(false);
  });
});

describe('formulas the engine would refuse are refused at deploy, with their path', () => {
  const pkg = (expression: unknown) => ({
    package: { name: 'probe', version: '1.0.0' },
    objects: [{ name: 'probe', label: 'Probe', fields: [
      { name: 'n', type: 'integer' },
      { name: 'f', type: 'formula', returns: 'integer', expression },
    ] }],
  });

  it('refuses an unknown operator (pg_sleep deployed and gave null before), dry run and apply alike', async () => {
    for (const url of ['/api/metadata/deploy?dryRun=true', '/api/metadata/deploy']) {
      const res = await t.api('POST', url, pkg({ '+': [{ var: 'n' }, { pg_sleep: [2] }] }));
      expectProblem(res, 400, '/objects/0/fields/1/expression/+/1/pg_sleep', 'unknown_operator');
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.api('GET', '/api/records/probe')).statusCode).toBe(404);
  });

  it('answers a formula nested 5,000 levels deep with a 400 naming the expression, not a 500', async () => {
    // Written as text: the point is what the server does with it, not what our client can build.
    const deep = '{"+":['.repeat(5000) + '{"var":"n"}' + ',1]}'.repeat(5000);
    const body = JSON.stringify(pkg('DEEP')).replace('"DEEP"', deep);
    const res = await t.api('POST', '/api/metadata/deploy', body);
    expectProblem(res, 400, '/objects/0/fields/1/expression', 'too_deep');
    // The server is still well: a sane formula deploys and computes.
    expect((await t.engine.deploy(pkg({ '*': [{ var: 'n' }, 2] }))).applied).toBe(true);
    expect(await create(t, 'probe', { n: 21 })).toMatchObject({ f: 42 });
  });
});

describe('rollups', () => {
  it('keeps order totals and the account chain current as lines are created, changed, moved, deleted and restored', async () => {
    const a = await account();
    const b = await account();
    const o1 = await order(a.id);
    const o2 = await order(a.id);
    expect(await get(t, 'account', a.id)).toMatchObject({ order_count: 2, total_order_amount: 0 });

    const l1 = await line(o1.id, { sales: 100, profit: 10, quantity: 2 });
    expect(await get(t, 'order', o1.id)).toMatchObject({ total: 100, total_profit: 10, total_quantity: 2, line_count: 1 });
    expect(await get(t, 'account', a.id)).toMatchObject({ total_order_amount: 100 });

    const l2 = await line(o1.id, { sales: 50.25, quantity: 3 });
    expect(await get(t, 'order', o1.id)).toMatchObject({ total: 150.25, total_quantity: 5, line_count: 2 });
    expect((await get(t, 'account', a.id)).total_order_amount).toBe(150.25);

    await patch(t, 'order_line', l2.id, { sales: 70 }); // changed
    expect((await get(t, 'order', o1.id)).total).toBe(170);
    expect((await get(t, 'account', a.id)).total_order_amount).toBe(170);

    await patch(t, 'order_line', l2.id, { order: o2.id }); // moved to another order
    expect(await get(t, 'order', o1.id)).toMatchObject({ total: 100, line_count: 1 });
    expect(await get(t, 'order', o2.id)).toMatchObject({ total: 70, line_count: 1 });
    expect((await get(t, 'account', a.id)).total_order_amount).toBe(170);

    await patch(t, 'order', o2.id, { account: b.id }); // the order moves to another account
    expect(await get(t, 'account', a.id)).toMatchObject({ order_count: 1, total_order_amount: 100 });
    expect(await get(t, 'account', b.id)).toMatchObject({ order_count: 1, total_order_amount: 70 });

    await patch(t, 'order', o2.id, { status: 'cancelled' }); // the account's rollup filter leaves it out
    expect(await get(t, 'account', b.id)).toMatchObject({ order_count: 1, total_order_amount: 0 });

    await del(t, 'order_line', l1.id); // deleted
    expect(await get(t, 'order', o1.id)).toMatchObject({ total: 0, line_count: 0, total_quantity: 0 });
    expect((await get(t, 'account', a.id)).total_order_amount).toBe(0);

    expect((await t.api('POST', `/api/records/order_line/${l1.id}/restore`)).statusCode).toBe(200); // restored
    expect(await get(t, 'order', o1.id)).toMatchObject({ total: 100, line_count: 1 });
    expect((await get(t, 'account', a.id)).total_order_amount).toBe(100);
    expect((await get(t, 'product', product.id)).units_sold).toBeGreaterThanOrEqual(5);
  });

  it('keeps a rollup right under 20 concurrent writers to the same parent', async () => {
    const acc = await account();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.api('POST', '/api/records/opportunity', { name: `Concurrent ${i}`, account: acc.id, amount: i + 1 })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect((await get(t, 'account', acc.id)).open_pipeline).toBe(210); // 1 + 2 + … + 20
    // And concurrent changes.
    const ids = results.map((r) => (r.json() as Rec).id);
    const changes = await Promise.all(ids.map((id) => t.api('PATCH', `/api/records/opportunity/${id}`, { amount: 10 })));
    expect(changes.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect((await get(t, 'account', acc.id)).open_pipeline).toBe(200);
  });

  it('updates a rollup with a formula chain on the test object', async () => {
    const s = await create(t, 'specimen', { title: 'parent' });
    const i1 = await create(t, 'specimen_item', { specimen: s.id, amount: 1.5 });
    await create(t, 'specimen_item', { specimen: s.id, amount: 2.25 });
    expect((await get(t, 'specimen', s.id)).item_sum).toBe(3.75);
    await patch(t, 'specimen_item', i1.id, { amount: null });
    expect((await get(t, 'specimen', s.id)).item_sum).toBe(2.25);
  });
});

describe('autonumbers', () => {
  it('hands out gap-free, unique numbers to 20 concurrent creates, some of which fail', async () => {
    const start = Number(((await create(t, 'specimen', { title: 'before' })).code as string).slice(2));
    const missing = '00000000-0000-4000-8000-00000000dead';
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => t.api('POST', '/api/records/specimen',
      // Every fifth fails after taking its number (a missing reference): it must give it back.
      i % 5 === 4 ? { title: `bad ${i}`, account: missing } : { title: `c${i}` })));
    expect(results.filter((r) => r.statusCode === 422)).toHaveLength(5);
    const ok = results.filter((r) => r.statusCode === 201).map((r) => r.json() as Rec);
    expect(ok).toHaveLength(20);
    const numbers = ok.map((r) => Number((r.code as string).slice(2))).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => start + 1 + i));
    expect(ok.every((r) => /^T-\d{4}$/.test(r.code as string))).toBe(true);
    expect(Number(((await create(t, 'specimen', { title: 'after' })).code as string).slice(2))).toBe(start + 21);
  });
});

describe('recycle bin', () => {
  it('hides a deleted record from GET and lists; restore brings it back as it was', async () => {
    const acc = await account({ industry: 'media', customer_code: uniq('BIN-') });
    await del(t, 'account', acc.id);
    expectProblem(await t.api('GET', `/api/records/account/${acc.id}`), 404);
    expect((await list(t, 'account', { filter: { id: acc.id } })).data).toEqual([]);
    expectProblem(await t.api('PATCH', `/api/records/account/${acc.id}`, { name: 'x' }), 404);
    expectProblem(await t.api('DELETE', `/api/records/account/${acc.id}`), 404);
    const res = await t.api('POST', `/api/records/account/${acc.id}/restore`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(acc);
    expect(res.headers.etag).toBe(`"${acc.version}"`);
    expect(await get(t, 'account', acc.id)).toEqual(acc);
    expect((await list(t, 'account', { filter: { id: acc.id } })).data).toHaveLength(1);
    expectProblem(await t.api('POST', `/api/records/account/${acc.id}/restore`), 404); // not in the bin any more
  });

  it('cascades a delete to children, and a restore brings them back', async () => {
    const acc = await account();
    const o = await order(acc.id);
    const lines = [await line(o.id, { sales: 10 }), await line(o.id, { sales: 20 })];
    await del(t, 'order', o.id);
    for (const l of lines) expectProblem(await t.api('GET', `/api/records/order_line/${l.id}`), 404);
    expect((await list(t, 'order_line', { filter: { order: o.id } })).data).toEqual([]);
    // A child cannot come back without its parent.
    expectProblem(await t.api('POST', `/api/records/order_line/${lines[0].id}/restore`), 422, 'order', 'reference');
    expect((await get(t, 'account', acc.id)).order_count).toBe(0);

    expect((await t.api('POST', `/api/records/order/${o.id}/restore`)).statusCode).toBe(200);
    for (const l of lines) expect((await get(t, 'order_line', l.id)).order).toBe(o.id);
    expect(await get(t, 'order', o.id)).toMatchObject({ total: 30, line_count: 2 });
    expect((await get(t, 'account', acc.id)).order_count).toBe(1);
  });

  it('does not restore a child deleted on its own before its parent was', async () => {
    const acc = await account();
    const o = await order(acc.id);
    const early = await line(o.id, { sales: 1 });
    const late = await line(o.id, { sales: 2 });
    await del(t, 'order_line', early.id);
    await del(t, 'order', o.id);
    await t.api('POST', `/api/records/order/${o.id}/restore`);
    expect((await get(t, 'order_line', late.id)).id).toBe(late.id);
    expectProblem(await t.api('GET', `/api/records/order_line/${early.id}`), 404);
    expect((await get(t, 'order', o.id)).total).toBe(2);
  });

  it('empties setNull references to a deleted record and records it in their history', async () => {
    const acc = await account();
    const c = await create(t, 'case', { subject: 'Wobbly table', account: acc.id });
    const sub = await account({ parent_account: acc.id });
    await del(t, 'account', acc.id);
    const after = await get(t, 'case', c.id);
    expect(after).toMatchObject({ account: null, version: c.version + 1 });
    expect((await get(t, 'account', sub.id)).parent_account).toBeNull();
    const history = (await t.api('GET', `/api/records/case/${c.id}/history`)).json() as Array<Record<string, unknown>>;
    expect(history).toEqual([expect.objectContaining({ field: 'account', from: acc.id, to: null, by: adminId })]);
  });

  it('never lets a new record point at a parent deleted while it was being saved', async () => {
    const acc = await account();
    // A delete of the account is under way (its row locked, as deleteRecord does)…
    const deleting = await t.db.knex.transaction();
    try {
      await deleting.raw('SELECT 1 FROM crm.account WHERE id = ? FOR UPDATE', [acc.id]);
      // …while an order for it is created: its reference check must wait for the delete.
      const creating = t.api('POST', '/api/records/order', { order_number: uniq('RACE-'), account: acc.id, order_date: '2024-01-01' });
      await new Promise((r) => setTimeout(r, 300));
      await deleting.raw(`UPDATE crm.account SET "_deletedAt" = now() WHERE id = ?`, [acc.id]);
      await deleting.commit();
      expectProblem(await creating, 422, 'account', 'reference');
    } finally {
      if (!deleting.isCompleted()) await deleting.rollback();
    }
  });

  it('refuses a restricted delete inside a cascade, leaving everything in place', async () => {
    const p = await create(t, 'product', { name: 'Desk', sku: uniq('SKU-') });
    const acc = await account();
    const o = await order(acc.id);
    await create(t, 'order_line', { order: o.id, product: p.id, quantity: 1, sales: 5 });
    expectProblem(await t.api('DELETE', `/api/records/product/${p.id}`), 409, 'order_line.product', 'restrict');
    expect((await get(t, 'product', p.id)).id).toBe(p.id);
  });
});

describe('history', () => {
  it('lists field changes of a trackHistory object as [{at, by, field, from, to}], newest first', async () => {
    const acc = await account();
    const opp = await create(t, 'opportunity', { name: 'Tracked', account: acc.id, amount: 100, stage: 'prospecting' });
    await patch(t, 'opportunity', opp.id, { stage: 'proposal', amount: 250.5 });
    await patch(t, 'opportunity', opp.id, { close_date: '2024-09-30', next_step: 'Call' });
    await patch(t, 'opportunity', opp.id, { next_step: 'Call' }); // no change, no history
    await patch(t, 'opportunity', opp.id, { next_step: null });
    const res = await t.api('GET', `/api/records/opportunity/${opp.id}/history`);
    expect(res.statusCode).toBe(200);
    const history = res.json() as Array<{ at: string; by: string; field: string; from: unknown; to: unknown }>;
    // Newest first; the fields of one change in reverse field order.
    expect(history.map(({ field, from, to }) => ({ field, from, to }))).toEqual([
      { field: 'next_step', from: 'Call', to: null },
      { field: 'next_step', from: null, to: 'Call' },
      { field: 'close_date', from: null, to: '2024-09-30' },
      { field: 'amount', from: 100, to: 250.5 },
      { field: 'stage', from: 'prospecting', to: 'proposal' },
    ]);
    for (const h of history) {
      expect(h.by).toBe(adminId);
      expect(h.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    // Computed fields (net_amount follows amount) are not history.
    expect(history.some((h) => h.field === 'net_amount')).toBe(false);
  });

  it('keeps the history of every field type as the API shows the values', async () => {
    const s = await create(t, 'specimen', { title: 'h', tags: ['a'], at: '2024-01-01T00:00:00Z', meta: { a: 1 } });
    await patch(t, 'specimen', s.id, { tags: ['a', 'b'], at: '2024-01-02T00:00:00+01:00', meta: { a: 2 }, qty: 1 });
    // Same values written differently are no change.
    await patch(t, 'specimen', s.id, { at: '2024-01-01T23:00:00.000Z', meta: { a: 2 } });
    const history = (await t.api('GET', `/api/records/specimen/${s.id}/history`)).json() as Array<{ field: string; from: unknown; to: unknown }>;
    const byField = Object.fromEntries(history.map((h) => [h.field, { from: h.from, to: h.to }]));
    expect(byField).toEqual({
      tags: { from: ['a'], to: ['a', 'b'] },
      at: { from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T23:00:00.000Z' },
      meta: { from: { a: 1 }, to: { a: 2 } },
      qty: { from: null, to: 1 },
    });
    expect((await get(t, 'specimen', s.id)).version).toBe(2);
  });

  it('records a change of owner', async () => {
    const other = await createUser(t.engine.knex, { email: `${uniq('rep')}@example.com`, password: 'a long enough passphrase 1', role: 'sales_rep' }, ['sales_rep']);
    const acc = await account();
    await patch(t, 'account', acc.id, { ownerId: adminId }); // same owner: nothing
    expect((await patch(t, 'account', acc.id, { ownerId: other.id })).ownerId).toBe(other.id);
    const history = (await t.api('GET', `/api/records/account/${acc.id}/history`)).json() as unknown[];
    expect(history).toEqual([expect.objectContaining({ field: 'ownerId', from: adminId, to: other.id, by: adminId })]);
    expect((await list(t, 'account', { filter: { ownerId: other.id } })).data.map((a) => a.id)).toEqual([acc.id]);
  });
});

/**
 * Field access (edit | read | none): hidden fields never leave the server (records, expand,
 * history, metadata, values computed from them), behave exactly like unknown fields in
 * filters, sorts, `fields` and writes (400); writes to read-only fields are 403. Several roles
 * on one user: the most permissive wins, field by field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, json, listIds, makeUsers, problem, q, SECURITY_PACKAGE, type Rec, type TestUser } from './helpers.ts';

let t: TestApp;
let u: Record<'rep' | 'support' | 'viewer' | 'editor' | 'both', TestUser>;
let account: Rec;
let contact: Rec;
let oWon: Rec;
let oBig: Rec;
let oSmall: Rec;
let line: Rec;
let product: Rec;

type ObjectMeta = { name: string; fields: Array<{ name: string }> };
const fieldNames = (o: ObjectMeta) => o.fields.map((f) => f.name);

beforeAll(async () => {
  t = await startTestApp();
  await t.engine.deploy(SECURITY_PACKAGE);
  u = await makeUsers(t, {
    rep: { email: 'rep@example.com', role: 'sales_rep' },
    support: { email: 'support@example.com', role: 'support_agent' },
    viewer: { email: 'viewer@example.com', role: 'deal_viewer' },
    editor: { email: 'editor@example.com', role: 'deal_editor' },
    both: { email: 'both@example.com', roles: ['deal_viewer', 'deal_editor'] },
  });
  account = await create(t, 'account', { name: 'Acme', annual_revenue: 5_000_000 });
  contact = await create(t, 'contact', { last_name: 'Lovelace', birthdate: '1815-12-10', account: account.id });
  oWon = await create(t, 'opportunity', { name: 'Won deal', account: account.id, stage: 'closed_won', amount: 1234, probability: 50, next_step: 'Secret handshake', contact: contact.id, close_date: '2024-01-01' });
  oBig = await create(t, 'opportunity', { name: 'Big deal', account: account.id, amount: 9000 });
  oSmall = await create(t, 'opportunity', { name: 'Small deal', account: account.id, amount: 10 });
  product = await create(t, 'product', { name: 'Widget', sku: 'W-1' });
  const order = await create(t, 'order', { order_number: 'SO-1', account: account.id, order_date: '2024-02-03' });
  line = await create(t, 'order_line', { order: order.id, product: product.id, quantity: 2, sales: 200, profit: 50 });
});
afterAll(async () => { await t?.close(); });

describe('a hidden field (sales_rep: contact.birthdate none)', () => {
  it('vanishes from lists, single reads and expanded records', async () => {
    const tok = { token: u.rep.token };
    const list = await t.api('GET', '/api/records/contact', undefined, tok);
    const one = await t.api('GET', `/api/records/contact/${contact.id}`, undefined, tok);
    // The rep may read every account but only their own opportunities: expand from a task.
    const task = await create(t, 'task', { subject: 'Call', contact: contact.id }, u.rep.token);
    const expanded = await t.api('GET', `/api/records/task/${task.id}?expand=contact`, undefined, tok);
    for (const res of [list, one, expanded]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('1815-12-10');
      expect(res.body).not.toContain('birthdate');
    }
    expect((json<Rec>(expanded, 200).contact as Rec).last_name).toBe('Lovelace');
    // The admin still has it.
    expect(json<Rec>(await t.api('GET', `/api/records/contact/${contact.id}`), 200).birthdate).toBe('1815-12-10');
  });

  it('is missing from the metadata the caller gets', async () => {
    const tok = { token: u.rep.token };
    const one = json<ObjectMeta>(await t.api('GET', '/api/metadata/objects/contact', undefined, tok), 200);
    expect(fieldNames(one)).toContain('last_name');
    expect(fieldNames(one)).not.toContain('birthdate');
    const all = json<{ objects: ObjectMeta[] }>(await t.api('GET', '/api/metadata', undefined, tok), 200);
    expect(fieldNames(all.objects.find((o) => o.name === 'contact')!)).not.toContain('birthdate');
    expect(fieldNames(json<ObjectMeta>(await t.api('GET', '/api/metadata/objects/contact'), 200))).toContain('birthdate');
  });

  it('is missing from the OpenAPI document the caller gets', async () => {
    const doc = await t.api('GET', '/api/openapi.json', undefined, { token: u.rep.token });
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toContain('last_name');
    expect(doc.body).not.toContain('birthdate');
    expect((await t.api('GET', '/api/openapi.json')).body).toContain('birthdate');
    // support_agent: no opportunity access at all, and no hidden account revenue.
    const support = await t.api('GET', '/api/openapi.json', undefined, { token: u.support.token });
    expect(support.body).not.toContain('/api/records/opportunity');
    expect(support.body).not.toContain('annual_revenue');
  });

  it('is a 400 in filter, sort and fields, with the same answer as a field that does not exist', async () => {
    const tok = { token: u.rep.token };
    for (const [hidden, unknown] of [
      [`filter=${q({ birthdate: { lt: '1900-01-01' } })}`, `filter=${q({ shoe_size: { lt: 3 } })}`],
      [`filter=${q({ 'contact.birthdate': { isNull: false } })}`, `filter=${q({ 'contact.shoe_size': { isNull: false } })}`],
      ['sort=-birthdate', '-shoe_size'],
      ['fields=last_name,birthdate', 'fields=last_name,shoe_size'],
    ]) {
      const object = hidden.includes('contact.') ? 'opportunity' : 'contact';
      const a = await t.api('GET', `/api/records/${object}?${hidden}`, undefined, tok);
      const b = await t.api('GET', `/api/records/${object}?${unknown.includes('=') ? unknown : `sort=${unknown}`}`, undefined, tok);
      expect(a.statusCode, hidden).toBe(400);
      expect(b.statusCode, unknown).toBe(400);
      expect(problem(a).errors?.[0]?.code).toBe(problem(b).errors?.[0]?.code);
      expect(a.body).not.toContain('1815');
    }
  });

  it('cannot be written: 400 unknown field, and nothing is stored', async () => {
    const tok = { token: u.rep.token };
    const created = await t.api('POST', '/api/records/contact', { last_name: 'Babbage', birthdate: '1791-12-26' }, tok);
    expect(created.statusCode).toBe(400);
    expect(problem(created).errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'birthdate', code: 'unknown_field' })]));
    const mine = await create(t, 'contact', { last_name: 'Babbage' }, u.rep.token);
    const patched = await t.api('PATCH', `/api/records/contact/${mine.id}`, { birthdate: '1791-12-26' }, tok);
    expect(patched.statusCode).toBe(400);
    expect(json<Rec>(await t.api('GET', `/api/records/contact/${mine.id}`), 200).birthdate).toBeNull();
  });
});

describe('a read-only field (sales_rep: account.annual_revenue read)', () => {
  it('is shown but a write to it is 403, naming the field', async () => {
    const mine = await create(t, 'account', { name: 'Rep account' }, u.rep.token);
    const tok = { token: u.rep.token };
    expect(json<Rec>(await t.api('GET', `/api/records/account/${account.id}`, undefined, tok), 200).annual_revenue).toBe(5_000_000);
    const patched = await t.api('PATCH', `/api/records/account/${mine.id}`, { annual_revenue: 1 }, tok);
    expect(patched.statusCode).toBe(403);
    expect(problem(patched).errors).toEqual([expect.objectContaining({ field: 'annual_revenue', code: 'read_only' })]);
    const created = await t.api('POST', '/api/records/account', { name: 'Rich', annual_revenue: 1e9 }, tok);
    expect(created.statusCode).toBe(403);
    expect(json<Rec>(await t.api('GET', `/api/records/account/${mine.id}`), 200).annual_revenue).toBeNull();
    // The rest of the record stays editable.
    expect(json<Rec>(await t.api('PATCH', `/api/records/account/${mine.id}`, { phone: '555-0100' }, tok), 200).phone).toBe('555-0100');
  });
});

describe('history and derived values', () => {
  it('history leaves out changes to fields hidden from the caller (support_agent: account.annual_revenue none)', async () => {
    json(await t.api('PATCH', `/api/records/account/${account.id}`, { annual_revenue: 6_000_000, phone: '555-0199' }), 200);
    const admin = json<Array<{ field: string }>>(await t.api('GET', `/api/records/account/${account.id}/history`), 200);
    expect(admin.map((h) => h.field)).toEqual(expect.arrayContaining(['annual_revenue', 'phone']));
    const res = await t.api('GET', `/api/records/account/${account.id}/history`, undefined, { token: u.support.token });
    const support = json<Array<{ field: string }>>(res, 200);
    expect(support.map((h) => h.field)).toContain('phone');
    expect(support.map((h) => h.field)).not.toContain('annual_revenue');
    expect(res.body).not.toContain('6000000');
  });

  it('a formula computed from a hidden field is hidden too (support_agent: order_line.profit none → margin_pct)', async () => {
    const tok = { token: u.support.token };
    const got = json<Rec>(await t.api('GET', `/api/records/order_line/${line.id}`, undefined, tok), 200);
    expect(got.sales).toBe(200);
    expect(got).not.toHaveProperty('profit');
    // margin_pct = profit / sales × 100 would give the profit away.
    expect(got).not.toHaveProperty('margin_pct');
    expect(json<Rec>(await t.api('GET', `/api/records/order_line/${line.id}`), 200).margin_pct).toBe(25);
    const meta = json<ObjectMeta>(await t.api('GET', '/api/metadata/objects/order_line', undefined, tok), 200);
    expect(fieldNames(meta)).not.toContain('margin_pct');
    expect(fieldNames(meta)).toContain('amount');
    expect((await t.api('GET', `/api/records/order_line?filter=${q({ margin_pct: { gt: 20 } })}`, undefined, tok)).statusCode).toBe(400);
  });

  it('a rollup summing a hidden field of a readable child is hidden too (product.total_profit)', async () => {
    const got = json<Rec>(await t.api('GET', `/api/records/product/${product.id}`, undefined, { token: u.support.token }), 200);
    expect(got).toHaveProperty('units_sold');
    expect(got).not.toHaveProperty('total_profit');
    expect(json<Rec>(await t.api('GET', `/api/records/product/${product.id}`), 200).total_profit).toBe(50);
  });
});

describe('a role whose record access is a filter over a field it hides (deal_viewer)', () => {
  it('sees the matching records, without the hidden fields or values computed from them', async () => {
    const page = json<{ data: Rec[] }>(await t.api('GET', '/api/records/opportunity?sort=name', undefined, { token: u.viewer.token }), 200);
    expect(page.data.map((r) => r.name)).toEqual(['Big deal', 'Won deal']);
    for (const r of page.data) {
      for (const hidden of ['amount', 'next_step', 'net_amount', 'expected_revenue']) expect(r).not.toHaveProperty(hidden);
    }
    expect((await t.api('GET', `/api/records/opportunity/${oSmall.id}`, undefined, { token: u.viewer.token })).statusCode).toBe(404);
  });

  it('cannot filter, sort or search on the hidden fields', async () => {
    const tok = { token: u.viewer.token };
    expect((await t.api('GET', `/api/records/opportunity?filter=${q({ amount: { gte: 9000 } })}`, undefined, tok)).statusCode).toBe(400);
    expect((await t.api('GET', '/api/records/opportunity?sort=amount', undefined, tok)).statusCode).toBe(400);
    // account.phone is a search field, hidden from this role: q does not look into it.
    const phoned = await create(t, 'account', { name: 'Dialled Ltd', phone: '+44 20 7946 7311' });
    expect(await listIds(t, 'account', u.viewer.token, '&q=7946')).toEqual([]);
    expect(await listIds(t, 'account', t.adminToken, '&q=7946')).toEqual([phoned.id]);
    expect(await listIds(t, 'account', u.viewer.token, '&q=dialled')).toEqual([phoned.id]);
  });
});

describe('two roles on one user: the most permissive wins', () => {
  it('rows: own (deal_editor) or the filter (deal_viewer)', async () => {
    const mine = await create(t, 'opportunity', { name: 'Both own deal', account: account.id, next_step: 'Ship it' }, u.both.token);
    expect((await listIds(t, 'opportunity', u.both.token)).sort()).toEqual([oWon.id, oBig.id, mine.id].sort());
    expect(await listIds(t, 'opportunity', u.editor.token)).toEqual([]);
  });

  it('fields: amount none + read = read; next_step none + edit = edit; derived values follow', async () => {
    const got = json<Rec>(await t.api('GET', `/api/records/opportunity/${oWon.id}`, undefined, { token: u.both.token }), 200);
    expect(got.amount).toBe(1234);
    expect(got.next_step).toBe('Secret handshake');
    expect(got.expected_revenue).toBe(617);
    const setAmount = await t.api('POST', '/api/records/opportunity', { name: 'Priced', account: account.id, amount: 5 }, { token: u.both.token });
    expect(setAmount.statusCode).toBe(403);
    expect(problem(setAmount).errors?.[0]?.field).toBe('amount');
    expect((await t.api('GET', `/api/records/opportunity?filter=${q({ amount: { gte: 1 } })}`, undefined, { token: u.both.token })).statusCode).toBe(200);
  });

  it('but update rights still come only from the role that grants them (won deal: 403)', async () => {
    const res = await t.api('PATCH', `/api/records/opportunity/${oWon.id}`, { next_step: 'Mine' }, { token: u.both.token });
    expect(res.statusCode).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { TYPES_PACKAGE } from './records/fixtures.ts';
import { makeUsers } from './security/helpers.ts';
import { bulkRecords } from '../../runtime/records/bulk.ts';
import type { HookRunner, RecordContext } from '../../runtime/records/context.ts';
import { StrataError } from '../../runtime/errors.ts';
import { fullAccess } from '../../runtime/security/access.ts';
import { EVENTS_CHANNEL } from '../../runtime/records/events.ts';
import { eventFromPayload } from '../../runtime/events/outbox.ts';
import pg from 'pg';

interface Item { index: number; status: string; id?: string; error?: { status: number; code: string; message: string; errors?: Array<{ field: string; code: string }> } }
interface Result { results: Item[]; created: number; updated: number; deleted: number; failed: number }
type Rec = Record<string, unknown>;

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

async function bulk(object: string, body: unknown): Promise<{ status: number; body: Result & Rec }> {
  const res = await t.api('POST', `/api/records/${object}/bulk`, body);
  return { status: res.statusCode, body: res.json() };
}

async function count(object: string, where = 'true'): Promise<number> {
  const { rows } = await t.engine.knex.raw(`SELECT count(*)::int AS n FROM crm.?? WHERE "_deletedAt" IS NULL AND ${where}`, [object]);
  return (rows as Array<{ n: number }>)[0].n;
}

async function create(object: string, values: Rec): Promise<Rec> {
  const res = await t.api('POST', `/api/records/${object}`, values);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('POST /api/records/:object/bulk — create', () => {
  it('reports each record and writes the good ones', async () => {
    const res = await bulk('account', {
      operation: 'create',
      records: [
        { name: 'Mixed A', industry: 'retail' },
        { industry: 'retail' }, // required name: 422
        { name: 'Mixed C', no_such_field: 1 }, // unknown field: 400
        { name: 'Mixed D', employees: 'many' }, // wrong type: 400
        { name: 'Mixed E', parent_account: '00000000-0000-4000-8000-000000000000' }, // missing parent: 422
        { name: 'Mixed F', website: 'not a url' }, // format: 422
        { name: 'Mixed G', type: 'customer' },
      ],
    });
    expect(res.status).toBe(200);
    const r = res.body.results;
    expect(r.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.map((x) => x.status)).toEqual(['created', 'error', 'error', 'error', 'error', 'error', 'created']);
    expect(r[1].error).toMatchObject({ status: 422, code: 'validation_failed', errors: [{ field: 'name', code: 'required' }] });
    expect(r[2].error).toMatchObject({ status: 400, errors: [{ field: 'no_such_field', code: 'unknown_field' }] });
    expect(r[3].error).toMatchObject({ status: 400, errors: [{ field: 'employees', code: 'type' }] });
    expect(r[4].error).toMatchObject({ status: 422, code: 'invalid_reference', errors: [{ field: 'parent_account', code: 'reference' }] });
    expect(r[5].error?.status).toBe(422);
    expect(res.body).toMatchObject({ created: 2, updated: 0, deleted: 0, failed: 5 });
    const got = await t.api('GET', `/api/records/account/${r[0].id as string}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ name: 'Mixed A', industry: 'retail', version: 1, ownerId: expect.any(String), createdBy: expect.any(String) });
    expect(await count('account', `name LIKE 'Mixed %'`)).toBe(2);
  });

  it('checks the owners sent, as a single create does', async () => {
    const mine = await create('account', { name: 'Owner probe' });
    const res = await bulk('account', { operation: 'create', records: [
      { name: 'Owned 1', ownerId: mine.ownerId },
      { name: 'Owned 2', ownerId: '00000000-0000-4000-8000-000000000000' },
      { name: 'Owned 3', ownerId: 'not-a-user-id' },
    ] });
    expect(res.body.results.map((r) => r.error?.status ?? r.status)).toEqual(['created', 422, 400]);
    expect(res.body.results[1].error).toMatchObject({ code: 'invalid_owner', errors: [{ field: 'ownerId', code: 'reference' }] });
  });

  it('writes and NOTIFYs a record.created event for each created record, as publishEvent does', async () => {
    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (m) => { if (m.payload) payloads.push(m.payload); });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
    try {
      const single = await create('account', { name: 'Evented 0' });
      const res = await bulk('account', { operation: 'create', records: [{ name: 'Evented 1' }, { name: 'Evented 2' }] });
      const ids = res.body.results.map((x) => x.id as string);
      const { rows } = await t.engine.knex.raw(`SELECT id, record_id, type, object, actor, owner_id, at FROM strata.events WHERE record_id = ANY(?::uuid[]) ORDER BY id`, [[single.id as string, ...ids]]);
      expect(rows).toHaveLength(3);
      for (let i = 0; i < 100 && payloads.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      const events = payloads.map((p) => JSON.parse(p) as Rec).filter((e) => [single.id, ...ids].includes(e.recordId));
      expect(events).toHaveLength(3);
      // The same keys and formats for an event from a single create and from a bulk create.
      expect(Object.keys(events[1]).sort()).toEqual(Object.keys(events[0]).sort());
      for (const [i, e] of events.entries()) {
        expect(eventFromPayload(JSON.stringify(e))).toEqual(e);
        expect(e).toEqual({ type: 'record.created', object: 'account', recordId: rows[i].record_id, ownerId: rows[i].owner_id, actor: rows[i].actor, id: Number(rows[i].id), at: rows[i].at });
      }
    } finally {
      await listener.end();
    }
  });

  it('computes formulas and defaults like a single create', async () => {
    const account = await create('account', { name: 'Formula Co' });
    const res = await bulk('contact', { operation: 'create', records: [
      { first_name: 'Ada', last_name: 'Lovelace', account: account.id },
      { last_name: 'Turing' },
    ] });
    expect(res.body.created).toBe(2);
    const a = (await t.api('GET', `/api/records/contact/${res.body.results[0].id as string}`)).json();
    expect(a).toMatchObject({ full_name: 'Ada Lovelace', email_opt_out: false, account: account.id });
    const b = (await t.api('GET', `/api/records/contact/${res.body.results[1].id as string}`)).json();
    expect(b.full_name).toBe('Turing');
  });

  it('with allOrNothing, one failure writes nothing and lists every failing index', async () => {
    const before = await count('account');
    const records: Rec[] = Array.from({ length: 1200 }, (_, i) => ({ name: `AON ${i}`, customer_code: `AON-${i}` }));
    records[3] = { customer_code: 'AON-x3' };
    records[7] = { name: 'AON 7', employees: -5 };
    records[1100] = { name: 'AON dup', customer_code: 'AON-10' }; // same code as records[10]: a unique conflict
    const res = await t.api('POST', '/api/records/account/bulk', { operation: 'create', allOrNothing: true, records });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    const fields = (problem.errors as Array<{ field: string; code: string }>).map((e) => `${e.field}:${e.code}`);
    expect(fields).toEqual(['records[3].name:required', 'records[7].employees:min', 'records[1100].customer_code:unique']);
    expect(problem.failed).toBe(3);
    expect(await count('account')).toBe(before);
    expect(await count('account', `name LIKE 'AON %'`)).toBe(0);
  });

  it('with allOrNothing and no failure, writes everything', async () => {
    const res = await bulk('account', { operation: 'create', allOrNothing: true, records: [{ name: 'AON ok 1' }, { name: 'AON ok 2' }] });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(2);
  });

  it('reports unique conflicts inside a chunk on the right index', async () => {
    await create('account', { name: 'Taken', customer_code: 'UQ-TAKEN' });
    const records: Rec[] = Array.from({ length: 1500 }, (_, i) => ({ name: `UQ ${i}`, customer_code: `UQ-${i}` }));
    records[3].customer_code = 'UQ-TAKEN'; // taken by a stored record (first chunk)
    records[1200].customer_code = 'UQ-1100'; // repeats an earlier record of the same chunk (second chunk)
    const res = await bulk('account', { operation: 'create', records });
    expect(res.status).toBe(200);
    const failed = res.body.results.filter((r) => r.status === 'error');
    expect(failed.map((r) => r.index)).toEqual([3, 1200]);
    expect(failed[0].error).toMatchObject({ status: 409, code: 'unique_conflict', errors: [{ field: 'customer_code', code: 'unique' }] });
    expect(failed[1].error?.status).toBe(409);
    expect(res.body.created).toBe(1498);
    expect(await count('account', `customer_code LIKE 'UQ-%'`)).toBe(1499);
    const ok = res.body.results[1100];
    expect(ok.status).toBe('created');
    const got = (await t.api('GET', `/api/records/account/${ok.id as string}`)).json();
    expect(got.customer_code).toBe('UQ-1100');
  });
});

describe('every field type', () => {
  it('stores each value exactly as a single create does', async () => {
    expect((await t.engine.deploy(TYPES_PACKAGE)).applied).toBe(true);
    const account = await create('account', { name: 'Types Co' });
    const samples: Rec[] = [
      {
        title: 'Quote "x" \\ y', notes: 'multi\nline, {braces}', body: '<p>hi</p>', phone: '+1 555 0100',
        site: 'https://example.com/a?b=c', qty: 3, ratio: 1.125, price: 19.99, pct: 12.5, active: false, day: '2024-02-29',
        at: '2024-03-01T10:20:30.123Z', color: 'green', tags: ['a', 'c'], account: account.id,
        meta: { k: [1, 'two', null], nested: { x: true }, quote: '"' },
      },
      { title: 'Nulls', meta: null, tags: [], notes: null, qty: null },
      { title: 'NULL', tags: ['b'], meta: 'just a string' },
      { title: 'Defaults only' },
    ];
    const single = [];
    for (const [i, s] of samples.entries()) single.push(await create('specimen', { ...s, email: `single${i}@example.com` }));
    const res = await bulk('specimen', { operation: 'create', records: samples.map((s, i) => ({ ...s, email: `bulk${i}@example.com` })) });
    expect(res.body).toMatchObject({ created: samples.length, failed: 0 });
    const strip = (r: Rec) => {
      const { id: _id, createdAt: _c, updatedAt: _u, code, email: _e, ...rest } = r;
      expect(code).toMatch(/^T-\d{4}$/);
      return rest;
    };
    for (const [i, item] of res.body.results.entries()) {
      const got = (await t.api('GET', `/api/records/specimen/${item.id as string}`)).json();
      expect(strip(got)).toEqual(strip(single[i]));
    }
    // The same values are stored, not only returned: JSON null, empty arrays, NULLs alike.
    const { rows } = await t.engine.knex.raw(
      `SELECT title, meta IS NULL AS meta_sql_null, meta = 'null'::jsonb AS meta_json_null, tags, notes IS NULL AS notes_null
         FROM crm.specimen ORDER BY title, email`);
    const pairs = new Map<string, unknown[]>();
    for (const r of rows as Rec[]) pairs.set(r.title as string, [...(pairs.get(r.title as string) ?? []), r]);
    for (const [title, both] of pairs) expect(both[0], title).toEqual(both[1]);
  });
});

describe('rollups and autonumbers', () => {
  let account: Rec;
  let product: Rec;
  let orders: Rec[];

  beforeAll(async () => {
    account = await create('account', { name: 'Rollup Co' });
    product = await create('product', { name: 'Chair', sku: 'CH-1' });
    orders = [
      await create('order', { order_number: 'RO-1', account: account.id, order_date: '2024-01-01' }),
      await create('order', { order_number: 'RO-2', account: account.id, order_date: '2024-01-02' }),
    ];
  });

  it('keeps order totals (and the account above them) correct after bulk-creating lines', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({
      order: orders[i % 2].id, product: product.id, quantity: 1 + (i % 3), sales: 10.25 + i, profit: 1,
    }));
    const res = await bulk('order_line', { operation: 'create', records });
    expect(res.body).toMatchObject({ created: 30, failed: 0 });
    const expected = [0, 1].map((o) => records.filter((_, i) => i % 2 === o));
    for (const o of [0, 1]) {
      const got = (await t.api('GET', `/api/records/order/${orders[o].id as string}`)).json();
      const sum = expected[o].reduce((s, r) => s + r.sales, 0);
      expect(got.total).toBeCloseTo(sum, 2);
      expect(got.line_count).toBe(15);
      expect(got.total_quantity).toBe(expected[o].reduce((s, r) => s + r.quantity, 0));
    }
    const acc = (await t.api('GET', `/api/records/account/${account.id as string}`)).json();
    expect(acc.order_count).toBe(2);
    expect(acc.total_order_amount).toBeCloseTo(records.reduce((s, r) => s + r.sales, 0), 2);
    const prod = (await t.api('GET', `/api/records/product/${product.id as string}`)).json();
    expect(prod.units_sold).toBe(records.reduce((s, r) => s + r.quantity, 0));
    // A line's own formula: amount = sales.
    const line = (await t.api('GET', `/api/records/order_line/${res.body.results[0].id as string}`)).json();
    expect(line.amount).toBe(10.25);
  });

  it('numbers lines without gaps, even when records fail at every stage', async () => {
    const line = (extra: Rec) => ({ order: orders[0].id, product: product.id, sales: 1, ...extra });
    const first = await bulk('order_line', { operation: 'create', records: [
      line({ row_id: 9001 }),
      line({ quantity: 0 }), // min: fails before the database
      line({ product: '00000000-0000-4000-8000-000000000000' }), // reference: fails in the database checks
      line({ row_id: 9002 }),
      line({ row_id: 9001 }), // unique: fails at INSERT, the chunk is redone row by row
      line({}),
    ] });
    expect(first.body.results.map((r) => r.status)).toEqual(['created', 'error', 'error', 'created', 'error', 'created']);
    expect(first.body.results[4].error?.status).toBe(409);
    const single = await create('order_line', line({}));
    const second = await bulk('order_line', { operation: 'create', records: Array.from({ length: 1100 }, () => line({})) });
    expect(second.body.created).toBe(1100);
    const { rows } = await t.engine.knex.raw(`SELECT line_number FROM crm.order_line ORDER BY line_number`);
    const numbers = (rows as Array<{ line_number: string }>).map((r) => r.line_number);
    expect(numbers.every((n) => /^OL-\d{7}$/.test(n))).toBe(true);
    const ints = numbers.map((n) => Number(n.slice(3)));
    expect(ints).toEqual(Array.from({ length: ints.length }, (_, i) => i + 1));
    expect(single.line_number).toBe(`OL-${String(ints.length - 1100).padStart(7, '0')}`);
  });
});

describe('upsert, update, delete', () => {
  it('upserts by externalId: created the first time, updated the second', async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ sku: `UP-${i}`, name: `Product ${i}`, unit_price: i }));
    const first = await bulk('product', { operation: 'upsert', upsertKey: 'sku', records });
    expect(first.body).toMatchObject({ created: 40, updated: 0, failed: 0 });
    const second = await bulk('product', { operation: 'upsert', upsertKey: 'sku', records: records.map((r) => ({ ...r, unit_price: r.unit_price + 100 })) });
    expect(second.body).toMatchObject({ created: 0, updated: 40, failed: 0 });
    expect(second.body.results.map((r) => r.id)).toEqual(first.body.results.map((r) => r.id));
    expect(await count('product', `sku LIKE 'UP-%'`)).toBe(40);
    const got = (await t.api('GET', `/api/records/product/${first.body.results[5].id as string}`)).json();
    expect(got).toMatchObject({ unit_price: 105, version: 2 });
    const { rows } = await t.engine.knex.raw(`SELECT count(*)::int AS n FROM strata.events WHERE record_id = ? AND type = 'record.updated'`, [got.id]);
    expect(rows[0].n).toBe(1);
  });

  it('upserts a key that repeats in the batch in order, and by an integer key', async () => {
    const res = await bulk('account', { operation: 'upsert', upsertKey: 'customer_code', records: [
      { customer_code: 'REP-1', name: 'First' },
      { customer_code: 'REP-1', name: 'Second' },
      { name: 'No key' },
      { customer_code: 'REP-2', name: 'Other' },
    ] });
    expect(res.body.results.map((r) => r.status)).toEqual(['created', 'updated', 'error', 'created']);
    expect(res.body.results[1].id).toBe(res.body.results[0].id);
    expect(res.body.results[2].error).toMatchObject({ status: 400, code: 'missing_upsert_key' });
    const got = (await t.api('GET', `/api/records/account/${res.body.results[0].id as string}`)).json();
    expect(got.name).toBe('Second');
  });

  it('updates and deletes record by record, through the same rules', async () => {
    const made = await bulk('account', { operation: 'create', records: [{ name: 'Up 1' }, { name: 'Up 2' }, { name: 'Up 3' }] });
    const [a, b, c] = made.body.results.map((r) => r.id as string);
    const upd = await bulk('account', { operation: 'update', records: [
      { id: a, employees: 10 },
      { id: b, name: null }, // required: 422
      { id: '00000000-0000-4000-8000-000000000000', name: 'Ghost' }, // 404
      { id: c, name: 'Up 3b', version: 7 }, // stale version: 412
    ] });
    expect(upd.body.results.map((r) => r.error?.status ?? r.status)).toEqual(['updated', 422, 404, 412]);
    expect((await t.api('GET', `/api/records/account/${a}`)).json()).toMatchObject({ employees: 10, version: 2 });
    const { rows } = await t.engine.knex.raw(`SELECT field, to_value FROM strata.field_history WHERE record_id = ?`, [a]);
    expect(rows).toEqual([{ field: 'employees', to_value: 10 }]);
    const del = await bulk('account', { operation: 'delete', records: [{ id: a }, { id: b }, { id: a }] });
    expect(del.body.results.map((r) => r.error?.status ?? r.status)).toEqual(['deleted', 'deleted', 404]);
    expect((await t.api('GET', `/api/records/account/${b}`)).statusCode).toBe(404);
  });
});

describe('hooks', () => {
  it('runs before-save hooks on each record (which may change or refuse it) and after-save hooks after commit', async () => {
    const admin = await create('account', { name: 'Hook probe' });
    const afterSaved: string[] = [];
    let committedWhenAfterSave = true;
    const hooks: HookRunner = {
      async beforeSave(_ctx, object, record) {
        if (object.name !== 'account') return;
        if (record.name === 'Refuse me') throw new StrataError(422, 'refused_by_hook', 'No thanks');
        record.description = 'touched by the hook';
      },
      async afterSave(_ctx, _object, record) {
        const { rows } = await t.engine.knex.raw(`SELECT count(*)::int AS n FROM crm.account WHERE id = ?`, [record.id as string]);
        committedWhenAfterSave &&= rows[0].n === 1;
        afterSaved.push(record.name as string);
      },
    };
    const ctx: RecordContext = { knex: t.engine.knex, registry: t.engine.registry.current, user: { id: admin.ownerId as string, roles: ['admin'] }, access: fullAccess, hooks };
    const res = await bulkRecords(ctx, 'account', { operation: 'create', records: [{ name: 'Hooked 1' }, { name: 'Refuse me' }, { name: 'Hooked 2' }] });
    expect(res.results.map((r) => r.error?.code ?? r.status)).toEqual(['created', 'refused_by_hook', 'created']);
    expect((await t.api('GET', `/api/records/account/${res.results[0].id as string}`)).json().description).toBe('touched by the hook');
    expect(afterSaved).toEqual(['Hooked 1', 'Hooked 2']);
    expect(committedWhenAfterSave).toBe(true);

    // Without before-save hooks creates take the set-based path; after-save hooks still run.
    afterSaved.length = 0;
    const fast = await bulkRecords({ ...ctx, hooks: { afterSave: hooks.afterSave } }, 'account', { operation: 'create', records: [{ name: 'Fast 1' }, { name: 'Fast 2' }] });
    expect(fast.created).toBe(2);
    expect(afterSaved.sort()).toEqual(['Fast 1', 'Fast 2']);
    // Updates: after-save only for a real change.
    afterSaved.length = 0;
    const upd = await bulkRecords({ ...ctx, hooks: { afterSave: hooks.afterSave } }, 'account', { operation: 'update', records: [
      { id: fast.results[0].id, employees: 4 }, { id: fast.results[1].id, name: 'Fast 2' },
    ] });
    expect(upd.updated).toBe(2);
    expect(afterSaved).toEqual(['Fast 1']);
  });
});

describe('access', () => {
  it('applies the caller\'s role to every record, as single writes do', async () => {
    const users = await makeUsers(t, { rep: { email: 'bulk-rep@example.com', role: 'sales_rep' }, viewer: { email: 'bulk-viewer@example.com', role: 'read_only' } });
    const theirs = await create('account', { name: 'Admin owned', customer_code: 'ACL-ADMIN' });
    const as = (token: string, body: unknown) => t.api('POST', '/api/records/account/bulk', body, { token });

    const made = await as(users.rep.token, { operation: 'create', records: [{ name: 'Rep 1' }, { name: 'Rep 2', annual_revenue: 5 }] });
    expect(made.statusCode).toBe(200);
    const created = made.json() as Result;
    expect(created.results.map((r) => r.error?.status ?? r.status)).toEqual(['created', 403]); // annual_revenue is read-only for reps
    const mine = created.results[0].id as string;
    expect((await t.api('GET', `/api/records/account/${mine}`)).json().ownerId).toBe(users.rep.id);

    const upd = (await as(users.rep.token, { operation: 'update', records: [{ id: mine, employees: 3 }, { id: theirs.id, employees: 3 }] })).json() as Result;
    expect(upd.results.map((r) => r.error?.status ?? r.status)).toEqual(['updated', 403]);
    const ups = (await as(users.rep.token, { operation: 'upsert', upsertKey: 'customer_code', records: [{ customer_code: 'ACL-ADMIN', name: 'Taken over' }] })).json() as Result;
    expect(ups.results[0].error?.status).toBe(403);
    const del = (await as(users.rep.token, { operation: 'delete', records: [{ id: mine }] })).json() as Result;
    const single = await t.api('DELETE', `/api/records/account/${mine}`, undefined, { token: users.rep.token });
    expect(single.statusCode).toBeGreaterThanOrEqual(403); // reps may not delete accounts
    expect(del.results[0].error?.status).toBe(single.statusCode);
    expect((await t.api('GET', `/api/records/account/${theirs.id as string}`)).json()).toMatchObject({ name: 'Admin owned', version: 1 });

    const refused = await as(users.viewer.token, { operation: 'create', records: [{ name: 'Viewer' }] });
    expect(refused.statusCode).toBe(403);
    expect(await count('account', `name = 'Viewer'`)).toBe(0);
  });
});

describe('the envelope', () => {
  it('refuses a malformed envelope with a 400 naming the paths', async () => {
    const cases: Array<[unknown, string]> = [
      [[], ''],
      [{ records: [] }, 'operation'],
      [{ operation: 'merge', records: [] }, 'operation'],
      [{ operation: 'create', records: {} }, 'records'],
      [{ operation: 'create', records: [{ name: 'x' }, 'nope'] }, 'records[1]'],
      [{ operation: 'create', records: [], extra: 1 }, 'extra'],
      [{ operation: 'create', records: [], allOrNothing: 'yes' }, 'allOrNothing'],
      [{ operation: 'update', records: [{ id: 'x' }, { name: 'no id' }] }, 'records[1].id'],
      [{ operation: 'delete', records: [{}] }, 'records[0].id'],
      [{ operation: 'upsert', records: [] }, 'upsertKey'],
      [{ operation: 'upsert', upsertKey: 'name', records: [] }, 'upsertKey'],
      [{ operation: 'upsert', upsertKey: 'nope', records: [] }, 'upsertKey'],
      [{ operation: 'create', upsertKey: 'customer_code', records: [] }, 'upsertKey'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/api/records/account/bulk', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field), JSON.stringify(body)).toContain(field);
    }
    const bad = await t.api('POST', '/api/records/account/bulk', '{"operation": "create", "records": [');
    expect(bad.statusCode).toBe(400);
  });

  it('takes at most 10,000 records', async () => {
    const records = Array.from({ length: 10_001 }, (_, i) => ({ name: `Too many ${i}` }));
    const res = await t.api('POST', '/api/records/account/bulk', { operation: 'create', records });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: 'records', code: 'maxItems' });
    expect(await count('account', `name LIKE 'Too many %'`)).toBe(0);
  });

  it('takes bodies up to 20 MB and answers 413 above', async () => {
    const big = JSON.stringify({ operation: 'create', records: [{ name: 'Big', description: 'x'.repeat(21 * 1024 * 1024) }] });
    const res = await t.api('POST', '/api/records/account/bulk', big);
    expect(res.statusCode).toBe(413);
    // Larger than the 1 MB of single writes, within 20 MB: accepted.
    const records = Array.from({ length: 50 }, (_, i) => ({ name: `Mid ${i}`, description: 'y'.repeat(40_000) }));
    const ok = await t.api('POST', '/api/records/account/bulk', { operation: 'create', records });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().created).toBe(50);
  });

  it('answers 404 for an unknown object and 401 without credentials', async () => {
    expect((await t.api('POST', '/api/records/nope/bulk', { operation: 'create', records: [] })).statusCode).toBe(404);
    expect((await t.api('POST', '/api/records/account/bulk', { operation: 'create', records: [] }, { token: null })).statusCode).toBe(401);
  });
});

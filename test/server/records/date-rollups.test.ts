/**
 * Rollups of dates on a real PostgreSQL: the max of a date child field and the min of a
 * datetime one hold a date and a datetime (columns, API values, OpenAPI), are kept current as
 * children are created, changed, moved, deleted and restored, are empty without children, filter
 * and sort as dates, and follow a child field that changes type. And crm-core's
 * account.last_order_date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../../metadata/types.ts';
import type { OpenApiDocument } from '../../../runtime/openapi/document.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { schemaValidator } from '../../runtime/openapi/check.ts';
import { columnsOf } from '../../runtime/schema/helpers.ts';
import { create, del, expectProblem, get, list, patch, uniq, type Rec } from './fixtures.ts';

const DATES: PackageBundle = {
  package: { name: 'date-rollups', version: '1.0.0' },
  objects: [
    {
      name: 'client', label: 'Client', nameField: 'name',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'last_purchase', type: 'rollup', of: 'purchase.client', aggregate: 'max', field: 'placed_on' },
        { name: 'next_due', type: 'rollup', of: 'purchase.client', aggregate: 'min', field: 'due_at', filter: { status: 'open' } },
        { name: 'purchases', type: 'rollup', of: 'purchase.client', aggregate: 'count' },
        { name: 'first_created', type: 'rollup', of: 'purchase.client', aggregate: 'min', field: 'createdAt' },
      ],
    },
    {
      name: 'purchase', label: 'Purchase',
      fields: [
        { name: 'client', type: 'reference', to: 'client', onDelete: 'cascade' },
        { name: 'placed_on', type: 'date' },
        { name: 'due_at', type: 'datetime' },
        { name: 'status', type: 'picklist', default: 'open', options: [{ value: 'open' }, { value: 'done' }] },
      ],
    },
  ],
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  expect((await t.engine.deploy(DATES)).applied).toBe(true);
});
afterAll(async () => { await t?.close(); });

const client = (name = uniq('Client ')) => create(t, 'client', { name });
const purchase = (clientId: string, placed_on: string, due_at: string, extra: Record<string, unknown> = {}) =>
  create(t, 'purchase', { client: clientId, placed_on, due_at, ...extra });
const dates = async (id: string) => {
  const c = await get(t, 'client', id);
  return { last_purchase: c.last_purchase, next_due: c.next_due, purchases: c.purchases };
};

describe('a max of dates and a min of datetimes', () => {
  it('are stored in a date and a timestamptz column', async () => {
    const columns = await columnsOf(t.engine.knex, 'client');
    expect(columns).toMatchObject({ last_purchase: 'date', next_due: 'timestamp with time zone', purchases: 'numeric', first_created: 'timestamp with time zone' });
  });

  it('a min of a system time (createdAt) is that child\'s creation time', async () => {
    const c = await client();
    expect((await get(t, 'client', c.id)).first_created).toBeNull();
    const p = await purchase(c.id, '2024-01-01', '2024-01-02T00:00:00Z');
    expect((await get(t, 'client', c.id)).first_created).toBe(p.createdAt);
  });

  it('are empty with no children and kept current on create, update, move, delete and restore', async () => {
    const a = await client();
    const b = await client();
    expect(await dates(a.id)).toEqual({ last_purchase: null, next_due: null, purchases: 0 });

    const p1 = await purchase(a.id, '2024-03-01', '2024-04-01T10:00:00Z');
    expect(await dates(a.id)).toEqual({ last_purchase: '2024-03-01', next_due: '2024-04-01T10:00:00.000Z', purchases: 1 });
    const p2 = await purchase(a.id, '2024-05-10', '2024-03-15T08:30:00Z');
    expect(await dates(a.id)).toEqual({ last_purchase: '2024-05-10', next_due: '2024-03-15T08:30:00.000Z', purchases: 2 });

    // Changed: out of the min's filter, and an earlier date.
    await patch(t, 'purchase', p2.id, { status: 'done' });
    expect((await dates(a.id)).next_due).toBe('2024-04-01T10:00:00.000Z');
    await patch(t, 'purchase', p2.id, { placed_on: '2024-01-20' });
    expect((await dates(a.id)).last_purchase).toBe('2024-03-01');

    // Moved to another client: both follow.
    await patch(t, 'purchase', p1.id, { client: b.id });
    expect(await dates(a.id)).toEqual({ last_purchase: '2024-01-20', next_due: null, purchases: 1 });
    expect(await dates(b.id)).toEqual({ last_purchase: '2024-03-01', next_due: '2024-04-01T10:00:00.000Z', purchases: 1 });

    // Deleted (to the recycle bin) and restored.
    await del(t, 'purchase', p2.id);
    expect(await dates(a.id)).toEqual({ last_purchase: null, next_due: null, purchases: 0 });
    expect((await t.api('POST', `/api/records/purchase/${p2.id}/restore`)).statusCode).toBe(200);
    expect(await dates(a.id)).toEqual({ last_purchase: '2024-01-20', next_due: null, purchases: 1 });

    // A child emptied of its date leaves the others to decide.
    await patch(t, 'purchase', p1.id, { placed_on: null, due_at: null });
    expect(await dates(b.id)).toEqual({ last_purchase: null, next_due: null, purchases: 1 });
  });

  it('filter, sort and page as dates in the list API', async () => {
    const tag = uniq('Sorted ');
    const early = await client(`${tag} early`);
    const late = await client(`${tag} late`);
    const none = await client(`${tag} none`);
    await purchase(early.id, '2023-06-30', '2030-01-01T00:00:00Z');
    await purchase(late.id, '2023-12-31', '2029-06-01T12:00:00Z');
    const mine = { name: { startsWith: tag } };

    const after = await list(t, 'client', { filter: { and: [mine, { last_purchase: { gte: '2023-07-01' } }] } });
    expect(after.data.map((c) => c.id)).toEqual([late.id]);
    const dueSoon = await list(t, 'client', { filter: { and: [mine, { next_due: { lt: '2029-12-31T00:00:00Z' } }] } });
    expect(dueSoon.data.map((c) => c.id)).toEqual([late.id]);
    const empty = await list(t, 'client', { filter: { and: [mine, { last_purchase: { isNull: true } }] } });
    expect(empty.data.map((c) => c.id)).toEqual([none.id]);

    const sorted = await list(t, 'client', { filter: mine, sort: '-last_purchase' });
    // Empty sorts as the largest value (sort.ts): first when descending.
    expect(sorted.data.map((c: Rec) => c.last_purchase)).toEqual([null, '2023-12-31', '2023-06-30']);
    const byDue = await list(t, 'client', { filter: mine, sort: 'next_due' });
    expect(byDue.data.map((c: Rec) => c.id)).toEqual([late.id, early.id, none.id]);

    // Keyset paging over a date sort key.
    const first = await list(t, 'client', { filter: mine, sort: 'last_purchase', limit: 1 });
    expect(first.data.map((c) => c.id)).toEqual([early.id]);
    const second = await list(t, 'client', { filter: mine, sort: 'last_purchase', limit: 1, cursor: first.nextCursor });
    expect(second.data.map((c) => c.id)).toEqual([late.id]);

    // Compared as a date: a number or words are not a date.
    expectProblem(await t.api('GET', `/api/records/client?filter=${encodeURIComponent(JSON.stringify({ last_purchase: { gt: 5 } }))}`), 400);
    expectProblem(await t.api('GET', `/api/records/client?filter=${encodeURIComponent(JSON.stringify({ last_purchase: { gt: 'soon' } }))}`), 400);
  });

  it('are described by OpenAPI as a date and a date-time, and the records match', async () => {
    const doc = (await t.api('GET', '/api/openapi.json')).json() as OpenApiDocument;
    const props = doc.components.schemas.Client.properties ?? {};
    expect(props.last_purchase).toMatchObject({ type: ['string', 'null'], format: 'date', readOnly: true });
    expect(props.next_due).toMatchObject({ type: ['string', 'null'], format: 'date-time', readOnly: true });
    expect(props.purchases).toMatchObject({ type: ['number', 'null'] });
    expect(doc.components.schemas.ClientInput.properties?.last_purchase).toBeUndefined();
    const c = await client();
    await purchase(c.id, '2024-02-29', '2024-03-01T09:00:00Z');
    expect(schemaValidator(doc)('Client', await get(t, 'client', c.id))).toEqual([]);
  });
});

describe('crm-core: account.last_order_date', () => {
  it('is the latest order date, draft and cancelled orders left out', async () => {
    const acc = await create(t, 'account', { name: uniq('Acc ') });
    expect((await get(t, 'account', acc.id)).last_order_date).toBeNull();
    const order = (order_date: string, status?: string) =>
      create(t, 'order', { order_number: uniq('O-'), account: acc.id, order_date, ...(status ? { status } : {}) });
    await order('2024-02-01');
    const o2 = await order('2024-06-15', 'cancelled');
    expect((await get(t, 'account', acc.id)).last_order_date).toBe('2024-02-01');
    await patch(t, 'order', o2.id, { status: 'confirmed' });
    expect((await get(t, 'account', acc.id)).last_order_date).toBe('2024-06-15');
    expect(await columnsOf(t.engine.knex, 'account')).toMatchObject({ last_order_date: 'date' });
  });
});

describe('a child field that changes type', () => {
  it('changes the rollup\'s column with it and recomputes its values', async () => {
    const c = await client();
    await purchase(c.id, '2024-07-04', '2024-08-01T00:00:00Z');
    const next = structuredClone(DATES);
    next.package.version = '1.1.0';
    const placedOn = next.objects![1].fields.findIndex((f) => f.name === 'placed_on');
    next.objects![1].fields[placedOn] = { name: 'placed_on', type: 'datetime' };
    const result = await t.engine.deploy(next);
    expect(result.applied).toBe(true);
    expect(result.plan.filter((s) => s.kind === 'changeFieldType').map((s) => s.description)).toEqual([
      'changes field client.last_purchase from rollup (date) to rollup (datetime)',
      'changes field purchase.placed_on from date to datetime',
    ]);
    expect(await columnsOf(t.engine.knex, 'client')).toMatchObject({ last_purchase: 'timestamp with time zone' });
    // Recomputed from the converted children (a date becomes midnight UTC).
    expect((await get(t, 'client', c.id)).last_purchase).toBe('2024-07-04T00:00:00.000Z');
    await purchase(c.id, '2024-07-05T18:45:00Z', '2024-08-01T00:00:00Z');
    expect((await get(t, 'client', c.id)).last_purchase).toBe('2024-07-05T18:45:00.000Z');
    const f = t.engine.registry.current.objects.find((o) => o.name === 'client')?.fields.find((x) => x.name === 'last_purchase');
    expect(f).toMatchObject({ returns: 'datetime' });
  });
});

/**
 * Records and deploys together: a request in flight finishes on the registry it started with;
 * after a deploy the API takes the new metadata at once; a request whose metadata vanished
 * under it gets a 409, never a 500; new computed fields are filled in on existing records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createRecord } from '../../../runtime/records/create.ts';
import { fullAccess } from '../../../runtime/security/access.ts';
import { StrataError } from '../../../runtime/errors.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, expectProblem, get, patch, type Rec } from './fixtures.ts';

let t: TestApp;

type Field = Record<string, unknown>;
function widgets(version: string, widgetFields: Field[], partFields: Field[] = []) {
  return {
    package: { name: 'widgets', version },
    objects: [
      { name: 'widget', label: 'Widget', fields: [{ name: 'name', type: 'text', required: true }, ...widgetFields] },
      { name: 'part', label: 'Part', fields: [{ name: 'widget', type: 'reference', to: 'widget', onDelete: 'cascade' }, { name: 'weight', type: 'decimal' }, ...partFields] },
    ],
  };
}

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.engine.deploy(widgets('1.0.0', [{ name: 'price', type: 'currency' }]))).applied).toBe(true);
});
afterAll(async () => { await t?.close(); });

/** Waits until `n` statements of this test's database wait for a lock. */
async function waitForLockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if ((rows as Array<{ n: number }>)[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never saw ${n} statements waiting for a lock`);
}

describe('a deploy while requests run', () => {
  it('lets a request in flight finish on its registry, and takes a new field at once after', async () => {
    const w = await create(t, 'widget', { name: 'old', price: 1 });
    // Hold the widget's row so the PATCH is in flight (registry taken, waiting for the row).
    const blocker: Knex.Transaction = await t.db.knex.transaction();
    let released = false;
    try {
      await blocker.raw('SELECT 1 FROM crm.widget WHERE id = ? FOR UPDATE', [w.id]);
      const inFlight = t.api('PATCH', `/api/records/widget/${w.id}`, { price: 5 });
      await waitForLockWaiters(1);
      // The deploy adds a field to the same object: its ALTER TABLE queues behind the request.
      const deploying = t.engine.deploy(widgets('1.1.0', [{ name: 'price', type: 'currency' }, { name: 'color', type: 'picklist', options: [{ value: 'red' }, { value: 'blue' }] }]));
      await waitForLockWaiters(2);
      await blocker.rollback();
      released = true;
      const res = await inFlight;
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Rec;
      expect(body).toMatchObject({ price: 5, version: 2 });
      expect('color' in body).toBe(false); // answered on the registry it started with
      expect((await deploying).applied).toBe(true);
    } finally {
      if (!released) await blocker.rollback();
    }
    // The very next requests know the new field.
    const fresh = await create(t, 'widget', { name: 'new', color: 'red' });
    expect(fresh.color).toBe('red');
    expect(await patch(t, 'widget', w.id, { color: 'blue' })).toMatchObject({ color: 'blue', price: 5, version: 3 });
    expectProblem(await t.api('POST', '/api/records/widget', { name: 'x', color: 'green' }), 422, 'color', 'picklist');
  });

  it('takes a field deployed over HTTP in the next request', async () => {
    const res = await t.api('POST', '/api/metadata/deploy', widgets('1.2.0', [
      { name: 'price', type: 'currency' }, { name: 'color', type: 'picklist', options: [{ value: 'red' }, { value: 'blue' }] },
      { name: 'size', type: 'integer', min: 1 },
    ]));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().applied).toBe(true);
    expect((await create(t, 'widget', { name: 'sized', size: 3 })).size).toBe(3);
    expectProblem(await t.api('POST', '/api/records/widget', { name: 'x', size: 0 }), 422, 'size', 'min');
  });

  it('answers 409, never 500, to a request whose field a deploy removed under it', async () => {
    const before = t.engine.registry.current;
    expect((await t.engine.deploy(widgets('1.3.0', [
      { name: 'color', type: 'picklist', options: [{ value: 'red' }, { value: 'blue' }] }, { name: 'size', type: 'integer', min: 1 },
    ]))).applied).toBe(true); // price is gone (to the recycle bin)
    const user = { id: (await create(t, 'widget', { name: 'who' })).createdBy as string, roles: ['admin'] };
    const stale = { knex: t.engine.knex, registry: before, user, access: fullAccess };
    const err = await createRecord(stale, 'widget', { name: 'late', price: 2 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).status).toBe(409);
    expect((err as StrataError).code).toBe('metadata_changed');
    expectProblem(await t.api('POST', '/api/records/widget', { name: 'x', price: 2 }), 400, 'price', 'unknown_field');
  });
});

describe('computed fields added by a deploy', () => {
  it('fills a new formula and a new rollup on existing records (backfill)', async () => {
    const w = await create(t, 'widget', { name: 'heavy' });
    await create(t, 'part', { widget: w.id, weight: 1.25 });
    await create(t, 'part', { widget: w.id, weight: 2 });
    const result = await t.engine.deploy(widgets('2.0.0', [
      { name: 'color', type: 'picklist', options: [{ value: 'red' }, { value: 'blue' }] }, { name: 'size', type: 'integer', min: 1 },
      { name: 'total_weight', type: 'rollup', of: 'part.widget', aggregate: 'sum', field: 'weight', scale: 2 },
      { name: 'parts', type: 'rollup', of: 'part.widget', aggregate: 'count' },
      { name: 'label', type: 'formula', returns: 'text', expression: { cat: [{ var: 'name' }, ' (', { var: 'parts' }, ')'] } },
    ], [{ name: 'grams', type: 'formula', returns: 'decimal', scale: 2, expression: { '*': [{ var: 'weight' }, 1000] } }]));
    expect(result.applied).toBe(true);
    expect(await get(t, 'widget', w.id)).toMatchObject({ total_weight: 3.25, parts: 2, label: 'heavy (2)' });
    const parts = await t.api('GET', `/api/records/part?filter=${encodeURIComponent(JSON.stringify({ widget: w.id }))}&sort=weight`);
    expect((parts.json() as { data: Rec[] }).data.map((p) => p.grams)).toEqual([1250, 2000]);
    // And from then on, kept current by writes.
    await create(t, 'part', { widget: w.id, weight: 0.75 });
    expect(await get(t, 'widget', w.id)).toMatchObject({ total_weight: 4, parts: 3, label: 'heavy (3)' });
  });

  it('recomputes the rollups over a formula whose expression a deploy changed, and formulas reading them', async () => {
    const common = [
      { name: 'color', type: 'picklist', options: [{ value: 'red' }, { value: 'blue' }] }, { name: 'size', type: 'integer', min: 1 },
      { name: 'total_weight', type: 'rollup', of: 'part.widget', aggregate: 'sum', field: 'weight', scale: 2 },
      { name: 'parts', type: 'rollup', of: 'part.widget', aggregate: 'count' },
      { name: 'label', type: 'formula', returns: 'text', expression: { cat: [{ var: 'name' }, ' (', { var: 'parts' }, ')'] } },
      { name: 'total_grams', type: 'rollup', of: 'part.widget', aggregate: 'sum', field: 'grams', scale: 2 },
      { name: 'kilos', type: 'formula', returns: 'decimal', scale: 3, expression: { '/': [{ var: 'total_grams' }, 1000] } },
    ];
    expect((await t.engine.deploy(widgets('2.1.0', common,
      [{ name: 'grams', type: 'formula', returns: 'decimal', scale: 2, expression: { '*': [{ var: 'weight' }, 1000] } }]))).applied).toBe(true);
    const w = await create(t, 'widget', { name: 'scaled' });
    await create(t, 'part', { widget: w.id, weight: 1 });
    await create(t, 'part', { widget: w.id, weight: 2 });
    expect(await get(t, 'widget', w.id)).toMatchObject({ total_grams: 3000, kilos: 3 });
    // Only the child's formula changes (grams now wrongly ×100): the parents' rollup over it follows.
    expect((await t.engine.deploy(widgets('2.2.0', common,
      [{ name: 'grams', type: 'formula', returns: 'decimal', scale: 2, expression: { '*': [{ var: 'weight' }, 100] } }]))).applied).toBe(true);
    expect(await get(t, 'widget', w.id)).toMatchObject({ total_grams: 300, kilos: 0.3 });
  });
});

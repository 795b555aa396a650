/**
 * The seams of the write plan: before-save steps (change or refuse records, once per batch)
 * and after-save jobs (enqueued in the write's transaction), registered on the engine as the
 * server would register workflows and extensions, and exercised through the HTTP API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { createRecord } from '../../../runtime/records/create.ts';
import { MAX_WRITE_DEPTH, type BeforeSaveStep } from '../../../runtime/records/seams.ts';
import { compileWritePlan, ORDER_OF_EXECUTION } from '../../../runtime/records/write-plan.ts';

type Rec = Record<string, unknown>;
interface Item { index: number; status: string; id?: string; error?: { status: number; code: string; message: string } }

let t: TestApp;
const unregister: Array<() => void> = [];
beforeAll(async () => { t = await startTestApp(); });
afterEach(() => { for (const off of unregister.splice(0)) off(); });
afterAll(async () => { await t?.close(); });

function beforeSave(step: Omit<BeforeSaveStep, 'appliesTo'> & { object: string }): void {
  unregister.push(t.engine.seams.addBeforeSave({ ...step, appliesTo: (o) => o.name === step.object }));
}

async function accountsNamed(name: string): Promise<Rec[]> {
  const { rows } = await t.engine.knex.raw(`SELECT * FROM crm.account WHERE name = ? AND "_deletedAt" IS NULL`, [name]);
  return rows as Rec[];
}

async function jobsFor(kind: string): Promise<Rec[]> {
  const { rows } = await t.engine.knex.raw(`SELECT kind, object, record_id, payload FROM strata.jobs WHERE kind = ? ORDER BY id`, [kind]);
  return rows as Rec[];
}

describe('before-save steps', () => {
  it('change fields before formulas and validation, on single writes and once per bulk batch', async () => {
    const batches: number[] = [];
    beforeSave({
      name: 'tag accounts', phase: 'hook', object: 'account',
      async run(batch) {
        batches.push(batch.items.length);
        for (const item of batch.items) {
          if (String(item.values.name).startsWith('Tagged')) item.values.description = `${batch.operation}: ${String(item.values.name)}`;
          // Validation runs after the step: a required field it empties is a 422.
          if (item.values.name === 'Blank me') item.values.name = null;
        }
      },
    });
    beforeSave({
      name: 'price opportunities', phase: 'workflow', object: 'opportunity',
      async run(batch) {
        for (const item of batch.items) if (item.values.amount === undefined || item.values.amount === null) item.values.amount = 1000;
      },
    });

    const res = await t.api('POST', '/api/records/account', { name: 'Tagged one' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().description).toBe('create: Tagged one');
    const stored = await t.api('GET', `/api/records/account/${res.json().id as string}`);
    expect(stored.json().description).toBe('create: Tagged one');

    const upd = await t.api('PATCH', `/api/records/account/${res.json().id as string}`, { name: 'Tagged again' });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json().description).toBe('update: Tagged again');

    const blank = await t.api('POST', '/api/records/account', { name: 'Blank me' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toContain('name:required');

    // Formulas see what the step set: net_amount is computed from the amount it filled in.
    const opp = await t.api('POST', '/api/records/opportunity', { name: 'Priced by step', account: res.json().id, stage: 'prospecting', close_date: '2030-01-01' });
    expect(opp.statusCode, opp.body).toBe(201);
    expect(opp.json().amount).toBe(1000);
    expect(opp.json().net_amount).toBe(1000);

    batches.length = 0;
    const bulk = await t.api('POST', '/api/records/account/bulk', { operation: 'create', records: [{ name: 'Tagged A' }, { name: 'Tagged B' }, { name: 'Tagged C' }] });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(batches).toEqual([3]); // one call for the batch, not one per record
    for (const r of bulk.json().results as Item[]) {
      expect((await t.api('GET', `/api/records/account/${r.id as string}`)).json().description).toMatch(/^create: Tagged [ABC]$/);
    }
  });

  it('refuse a record with a 422 and their message, writing nothing of it; bulk keeps the others unless allOrNothing', async () => {
    beforeSave({
      name: 'no refusals', phase: 'hook', object: 'account',
      async run(batch) {
        for (const item of batch.items) if (String(item.values.name).startsWith('Refuse')) batch.refuse(item, 'Accounts named Refuse… are not welcome', 'name');
      },
    });
    const res = await t.api('POST', '/api/records/account', { name: 'Refuse single' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().detail).toMatch(/not welcome/);
    expect(res.json().errors).toEqual([{ field: 'name', code: 'refused', message: 'Accounts named Refuse… are not welcome' }]);
    expect(await accountsNamed('Refuse single')).toEqual([]);

    const bulk = await t.api('POST', '/api/records/account/bulk', { operation: 'create', records: [{ name: 'Welcome 1' }, { name: 'Refuse bulk' }, { name: 'Welcome 2' }] });
    expect(bulk.statusCode, bulk.body).toBe(200);
    const results = bulk.json().results as Item[];
    expect(results.map((r) => r.error?.status ?? r.status)).toEqual(['created', 422, 'created']);
    expect(results[1].error?.message).toMatch(/not welcome/);
    expect(await accountsNamed('Refuse bulk')).toEqual([]);
    expect((await accountsNamed('Welcome 1')).length).toBe(1);
    expect((await accountsNamed('Welcome 2')).length).toBe(1);

    const all = await t.api('POST', '/api/records/account/bulk', { operation: 'create', allOrNothing: true, records: [{ name: 'Welcome 3' }, { name: 'Refuse all' }] });
    expect(all.statusCode).toBe(422);
    expect(all.json().type).toMatch(/\/bulk_failed$/);
    expect(await accountsNamed('Welcome 3')).toEqual([]);

    // A refused update leaves the record as it was.
    const id = results[0].id as string;
    const upd = await t.api('PATCH', `/api/records/account/${id}`, { name: 'Refuse rename' });
    expect(upd.statusCode).toBe(422);
    expect((await t.api('GET', `/api/records/account/${id}`)).json().name).toBe('Welcome 1');
  });

  it('stop writes that trigger themselves past the depth limit, writing nothing', async () => {
    let calls = 0;
    beforeSave({
      name: 'echo', phase: 'workflow', object: 'account',
      async run(batch) {
        for (const item of batch.items) {
          if (item.values.name !== 'Echo') continue;
          calls++;
          // Re-entrant: a write from inside a step, as an extension's records.create would.
          await createRecord(batch.ctx, 'account', { name: 'Echo' }, batch.trx);
        }
      },
    });
    const res = await t.api('POST', '/api/records/account', { name: 'Echo' });
    expect(res.statusCode).toBe(422);
    expect(res.json().type).toMatch(/\/write_depth_exceeded$/);
    expect(calls).toBe(MAX_WRITE_DEPTH + 1);
    expect(await accountsNamed('Echo')).toEqual([]);
  });
});

describe('after-save jobs', () => {
  it('are enqueued in the write\'s transaction: committed writes have them, rolled-back ones none', async () => {
    unregister.push(t.engine.seams.addAfterSave({
      name: 'welcome mail', appliesTo: (o, op) => o.name === 'account' && op === 'create',
      jobs: (_ctx, _object, _op, saved) => saved.map(({ record }) => ({ kind: 'welcome_mail', recordId: record.id as string, payload: { name: record.name } })),
    }));
    const res = await t.api('POST', '/api/records/account', { name: 'Job single', customer_code: 'JOB-1' });
    expect(res.statusCode, res.body).toBe(201);
    expect(await jobsFor('welcome_mail')).toEqual([{ kind: 'welcome_mail', object: 'account', record_id: res.json().id, payload: { name: 'Job single' } }]);

    // A create that fails (the customer code is taken: 409) enqueues nothing.
    const dup = await t.api('POST', '/api/records/account', { name: 'Job duplicate', customer_code: 'JOB-1' });
    expect(dup.statusCode).toBe(409);
    expect((await jobsFor('welcome_mail')).length).toBe(1);

    // allOrNothing rolls back the records that were written, and their jobs with them.
    const all = await t.api('POST', '/api/records/account/bulk', { operation: 'create', allOrNothing: true, records: [{ name: 'Job bulk 1' }, { name: 'Job bulk 2', customer_code: 'JOB-1' }] });
    expect(all.statusCode).toBe(409);
    expect((await jobsFor('welcome_mail')).length).toBe(1);

    const bulk = await t.api('POST', '/api/records/account/bulk', { operation: 'create', records: [{ name: 'Job bulk 3' }, { name: 'Job bulk 4', customer_code: 'JOB-1' }, { name: 'Job bulk 5' }] });
    expect(bulk.json().results.map((r: Item) => r.error?.status ?? r.status)).toEqual(['created', 409, 'created']);
    const jobs = await jobsFor('welcome_mail');
    expect(jobs.map((j) => (j.payload as Rec).name)).toEqual(['Job single', 'Job bulk 3', 'Job bulk 5']);
    expect(jobs[1].record_id).toBe(bulk.json().results[0].id);
  });
});

describe('the write plan', () => {
  it('lists the steps that apply to an object in the documented order of execution', () => {
    const off = t.engine.seams.addBeforeSave({ name: 'wf', phase: 'workflow', appliesTo: (o) => o.name === 'order_line', run: async () => {} });
    unregister.push(off);
    const registry = t.engine.registry.current;
    const orderLine = registry.objects.find((o) => o.name === 'order_line');
    const plan = compileWritePlan(registry, orderLine!, t.engine.seams);
    expect(plan.steps).toEqual(ORDER_OF_EXECUTION.filter((s) => plan.steps.includes(s)));
    expect(plan.steps.indexOf('beforeSaveWorkflows')).toBeLessThan(plan.steps.indexOf('formulas'));
    expect(plan.steps.indexOf('formulas')).toBeLessThan(plan.steps.indexOf('validationRules'));
    expect(plan.steps.indexOf('write')).toBeLessThan(plan.steps.indexOf('rollups'));
    expect(plan.steps.indexOf('afterSaveJobs')).toBeLessThan(plan.steps.indexOf('commit'));
    expect(plan.steps).toContain('rollups'); // orders roll their lines up
    expect(plan.steps).not.toContain('beforeSaveHooks');
  });
});

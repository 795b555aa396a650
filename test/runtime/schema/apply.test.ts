/**
 * The deploy engine against a real PostgreSQL: what a deploy leaves in the catalog, that data
 * survives every change that keeps it, that changes which would lose data are refused with a
 * count and change nothing, and that a deploy is one transaction.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FieldDef, ObjectDef, PackageBundle } from '../../../metadata/types.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { StrataError } from '../../../runtime/errors.ts';
import { emptyRegistry } from '../../../runtime/metadata/deployed.ts';
import { loadPackage } from '../../../runtime/metadata/load.ts';
import { loadRegistry } from '../../../runtime/metadata/registry-store.ts';
import { applySteps } from '../../../runtime/schema/apply.ts';
import { deployBundle, type DeployResult } from '../../../runtime/schema/deploy.ts';
import { planDeploy } from '../../../runtime/schema/plan.ts';
import {
  bundle, columnsOf, foreignKeysOf, indexesOf, registryVersion, rowsOf, systemDatabase, tableExists, tablesIn,
} from './helpers.ts';

const CRM_CORE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../metadata/packages/crm-core');

let db: TestDatabase;
let knex: Knex;
beforeEach(async () => {
  db = await systemDatabase();
  knex = db.knex;
});
afterEach(async () => {
  await db.drop();
});

const account: ObjectDef = {
  name: 'account', label: 'Account',
  fields: [{ name: 'name', type: 'text' }, { name: 'email', type: 'email', unique: true }],
};
const order: ObjectDef = {
  name: 'order', label: 'Order',
  fields: [
    { name: 'order', type: 'text', unique: true },
    { name: 'account', type: 'reference', to: 'account', onDelete: 'cascade' },
    { name: 'qty', type: 'text' },
    { name: 'amount', type: 'decimal', precision: 12, scale: 4 },
    { name: 'status', type: 'picklist', options: [{ value: 'new' }, { value: 'paid' }] },
    { name: 'tags', type: 'multipicklist', options: [{ value: 'a' }, { value: 'b' }] },
    { name: 'paid', type: 'boolean' },
    { name: 'due', type: 'date' },
    { name: 'at', type: 'datetime' },
    { name: 'meta', type: 'json' },
    { name: 'total', type: 'formula', returns: 'currency', expression: { '*': [{ var: 'amount' }, 2] } },
    { name: 'number', type: 'autonumber', format: 'ORD-{0000}' },
    { name: 'group', type: 'integer' },
    { name: 'note', type: 'longtext' },
  ],
  indexes: [{ fields: ['status', 'due'] }, { fields: ['account', 'group'], unique: true }],
};
const shop = (version = '1.0.0', objects: ObjectDef[] = [account, order]) => bundle('shop', version, structuredClone(objects));

/** `shop` at `version` with `fn` applied to a copy of its order object. */
function shopWithOrder(version: string, fn: (o: ObjectDef) => void, objects: ObjectDef[] = [account, order]): PackageBundle {
  const b = shop(version, objects);
  fn(b.objects!.find((o) => o.name === 'order')!);
  return b;
}
function setField(o: ObjectDef, name: string, patch: Partial<FieldDef> | ((f: FieldDef) => FieldDef)): void {
  const i = o.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`no field ${name}`);
  o.fields[i] = typeof patch === 'function' ? patch(o.fields[i]) : ({ ...o.fields[i], ...patch } as FieldDef);
}

async function insert(table: string, rows: Array<Record<string, unknown>>): Promise<string[]> {
  const out = await knex.withSchema('crm').table(table).insert(rows).returning('id');
  return (out as Array<{ id: string }>).map((r) => r.id);
}

/** Expects a 409 refusal and returns it. */
async function refusal(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StrataError);
  const e = err as StrataError;
  expect(e.status).toBe(409);
  expect(e.code).toBe('deploy_refused');
  return e;
}

describe('a first deploy, in the catalog', () => {
  it('creates crm."order" with quoted names, the right column types, partial unique indexes and foreign keys', async () => {
    const res = await deployBundle(knex, shop());
    expect(res).toMatchObject({ applied: true, dryRun: false, version: 1, refusals: [] });
    expect(await tablesIn(knex, 'crm')).toEqual(['account', 'order']);
    expect(await columnsOf(knex, 'order')).toEqual({
      id: 'uuid', ownerId: 'uuid', createdAt: 'timestamp with time zone', createdBy: 'uuid',
      updatedAt: 'timestamp with time zone', updatedBy: 'uuid', version: 'integer',
      _deletedAt: 'timestamp with time zone', _deletedBy: 'uuid',
      order: 'text', account: 'uuid', qty: 'text', amount: 'numeric(12,4)', status: 'text', tags: 'text[]',
      paid: 'boolean', due: 'date', at: 'timestamp with time zone', meta: 'jsonb', total: 'numeric',
      number: 'text', group: 'bigint', note: 'text',
    });
    const reg = await loadRegistry(knex);
    const ord = reg.objects.find((o) => o.name === 'order')!;
    const idx = await indexesOf(knex, 'order');
    const byName = new Map(idx.map((i) => [i.name, i.def]));
    const orderField = ord.fields.find((f) => f.name === 'order')!;
    const uq = byName.get(`uq_${orderField.id.replaceAll('-', '')}`);
    expect(uq).toBe(`CREATE UNIQUE INDEX uq_${orderField.id.replaceAll('-', '')} ON crm."order" USING btree ("order") WHERE ("_deletedAt" IS NULL)`);
    const composite = byName.get(ord.indexes[1].indexName)!;
    expect(composite).toMatch(/^CREATE UNIQUE INDEX \S+ ON crm."order" USING btree \(account, "group"\) WHERE \("_deletedAt" IS NULL\)$/);
    expect(byName.get(ord.indexes[0].indexName)).toMatch(/^CREATE INDEX \S+ ON crm."order" USING btree \(status, due\)$/);
    // Every index and constraint is named from an id, never from the object's name.
    expect(idx.every((i) => !i.name.startsWith('order'))).toBe(true);
    expect(await foreignKeysOf(knex, 'order')).toEqual([{ column: 'account', target: 'crm.account', onDelete: 'CASCADE' }]);
    // The registry and the deploy history were saved in the same transaction.
    expect(reg.version).toBe(1);
    const { rows } = await knex.raw(`SELECT registry_version, package, package_version, plan FROM strata.deploys`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ registry_version: 1, package: 'shop', package_version: '1.0.0' });
    expect((rows[0].plan as DeployResult['plan']).map((s) => s.kind)).toContain('createObject');
  });

  it('enforces unique only among live records, and foreign keys for real', async () => {
    await deployBundle(knex, shop());
    const [acc] = await insert('account', [{ name: 'A' }]);
    await insert('order', [{ order: 'X-1', account: acc }]);
    await expect(insert('order', [{ order: 'X-1' }])).rejects.toThrow(/unique/);
    await knex.withSchema('crm').table('order').update({ _deletedAt: knex.fn.now() });
    await insert('order', [{ order: 'X-1' }]);
    await expect(insert('order', [{ order: 'X-2', account: randomUUID() }])).rejects.toThrow(/foreign key/);
    await knex.withSchema('crm').table('account').where({ id: acc }).del();
    expect(await knex.withSchema('crm').table('order').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('deploys the standard package crm-core, and re-deploying it is an empty plan', async () => {
    const loaded = await loadPackage(CRM_CORE);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const first = await deployBundle(knex, loaded.bundle);
    expect(first).toMatchObject({ applied: true, version: 1, refusals: [] });
    expect((await tablesIn(knex, 'crm')).length).toBeGreaterThanOrEqual(10);
    expect(await tableExists(knex, 'order')).toBe(true);
    expect(await deployBundle(knex, loaded.bundle)).toMatchObject({ applied: false, plan: [], version: 1 });
  });

  it('re-deploying the same package is an empty plan that changes nothing', async () => {
    await deployBundle(knex, shop());
    const again = await deployBundle(knex, shop());
    expect(again).toMatchObject({ applied: false, plan: [], version: 1, refusals: [] });
    expect(await registryVersion(knex)).toBe(1);
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM strata.deploys`);
    expect(rows[0].n).toBe(1);
  });
});

describe('data survives', () => {
  it('renaming a field and renaming an object', async () => {
    await deployBundle(knex, shop());
    const [acc] = await insert('account', [{ name: 'Acme' }]);
    await insert('order', [{ order: 'A-1', qty: '5', account: acc }, { order: 'A-2', qty: 'seven', account: acc }]);

    const renamed = shop('1.1.0', [
      { ...structuredClone(account), name: 'customer', renamedFrom: 'account' },
      { ...structuredClone(order), name: 'purchase', renamedFrom: 'order' },
    ]);
    const p = renamed.objects![1];
    setField(p, 'qty', { name: 'quantity', renamedFrom: 'qty' });
    setField(p, 'account', { name: 'customer', renamedFrom: 'account', to: 'customer' } as Partial<FieldDef>);
    p.indexes = [{ fields: ['status', 'due'] }, { fields: ['customer', 'group'], unique: true }];
    const res = await deployBundle(knex, renamed);
    expect(res.plan.map((s) => s.kind)).toEqual(['setPackage', 'renameObject', 'renameObject', 'renameField', 'renameField']);

    expect(await tablesIn(knex, 'crm')).toEqual(['customer', 'purchase']);
    expect(await rowsOf(knex, 'purchase', ['order', 'quantity', 'customer'], { orderBy: 'order' })).toEqual([
      { order: 'A-1', quantity: '5', customer: acc }, { order: 'A-2', quantity: 'seven', customer: acc },
    ]);
    expect(await rowsOf(knex, 'customer', ['name'])).toEqual([{ name: 'Acme' }]);
    expect(await foreignKeysOf(knex, 'purchase')).toEqual([{ column: 'customer', target: 'crm.customer', onDelete: 'CASCADE' }]);
    // The name `order` is free again: a new object may take it.
    const more = structuredClone(renamed);
    more.package.version = '1.2.0';
    for (const o of more.objects!) delete o.renamedFrom; // the renames are done
    more.objects!.push({ name: 'order', label: 'Order', fields: [{ name: 'order', type: 'text', unique: true }] });
    await deployBundle(knex, more);
    expect(await tablesIn(knex, 'crm')).toEqual(['customer', 'order', 'purchase']);
  });

  it('a text → integer change where every value converts (blank text becomes empty)', async () => {
    await deployBundle(knex, shop());
    await insert('order', [{ order: '1', qty: ' 12 ' }, { order: '2', qty: '3' }, { order: '3', qty: '' }, { order: '4', qty: null }, { order: '5', qty: '-40' }]);
    const res = await deployBundle(knex, shopWithOrder('1.1.0', (o) => setField(o, 'qty', { type: 'integer' })));
    expect(res.plan.find((s) => s.kind === 'changeFieldType')).toMatchObject({ field: 'qty', description: 'changes field order.qty from text to integer' });
    expect((await columnsOf(knex, 'order')).qty).toBe('bigint');
    expect((await rowsOf<{ qty: number | null }>(knex, 'order', ['qty'], { orderBy: 'order' })).map((r) => r.qty)).toEqual([12, 3, null, null, -40]);
  });
});

describe('refused changes change nothing', () => {
  it('a text → integer change where 3 values are not numbers is refused with count 3, and the whole deploy rolls back', async () => {
    await deployBundle(knex, shop());
    await insert('order', [
      { order: '1', qty: '12' }, { order: '2', qty: 'twelve' }, { order: '3', qty: '1.5' }, { order: '4', qty: 'n/a' }, { order: '5', qty: null },
    ]);
    const before = await rowsOf(knex, 'order', ['order', 'qty'], { orderBy: 'order' });
    const change = shopWithOrder('1.1.0', (o) => {
      setField(o, 'qty', { type: 'integer' });
      o.fields.push({ name: 'extra', type: 'text' }); // a change that would have applied
    });
    change.objects!.push({ name: 'product', label: 'Product', fields: [{ name: 'sku', type: 'text' }] });
    const e = await refusal(deployBundle(knex, change));
    expect(e.message).toBe('refuses to change field order.qty from text to integer: 3 records have text that is not a whole number');
    expect(e.errors).toEqual([{ field: 'objects/order/fields/qty', code: 'conversion_refused', message: '3 records have text that is not a whole number' }]);
    const plan = e.extra!.plan as DeployResult['plan'];
    expect(plan.find((s) => s.kind === 'changeFieldType')!.refused).toEqual({ count: 3, reason: 'have text that is not a whole number' });
    expect(e.extra!.applied).toBe(false);

    const cols = await columnsOf(knex, 'order');
    expect(cols.qty).toBe('text');
    expect(cols).not.toHaveProperty('extra');
    expect(await tableExists(knex, 'product')).toBe(false);
    expect(await rowsOf(knex, 'order', ['order', 'qty'], { orderBy: 'order' })).toEqual(before);
    expect(await registryVersion(knex)).toBe(1);
    expect((await knex.raw(`SELECT count(*)::int AS n FROM strata.deploys`)).rows[0].n).toBe(1);
  });

  it('reducing a decimal scale is refused when values would round, and allowed when none would', async () => {
    await deployBundle(knex, shop());
    await insert('order', [{ order: '1', amount: 1.2345 }, { order: '2', amount: 2.5 }, { order: '3', amount: 9.9999 }]);
    const twoPlaces = shopWithOrder('1.1.0', (o) => setField(o, 'amount', { scale: 2 }));
    const e = await refusal(deployBundle(knex, twoPlaces));
    expect(e.errors![0].message).toBe('2 records have more than 2 decimal places in amount');
    expect((await columnsOf(knex, 'order')).amount).toBe('numeric(12,4)');
    expect((await rowsOf<{ amount: number }>(knex, 'order', ['amount'], { orderBy: 'order' })).map((r) => r.amount)).toEqual([1.2345, 2.5, 9.9999]);

    await knex.withSchema('crm').table('order').whereIn('order', ['1', '3']).update({ amount: 1.23 });
    await deployBundle(knex, twoPlaces);
    expect((await columnsOf(knex, 'order')).amount).toBe('numeric(12,2)');
    expect((await rowsOf<{ amount: number }>(knex, 'order', ['amount'], { orderBy: 'order' })).map((r) => r.amount)).toEqual([1.23, 2.5, 1.23]);
  });

  it('adding unique to a field with duplicates is refused with the count (records in the bin do not count)', async () => {
    await deployBundle(knex, shop());
    await insert('order', [
      { order: '1', note: 'same' }, { order: '2', note: 'same' }, { order: '3', note: 'same' },
      { order: '4', note: 'other' }, { order: '5', note: null }, { order: '6', note: null },
      { order: '7', note: 'other', _deletedAt: new Date().toISOString() },
    ]);
    const e = await refusal(deployBundle(knex, shopWithOrder('1.1.0', (o) => setField(o, 'note', { unique: true }))));
    expect(e.errors![0]).toEqual({ field: 'objects/order/fields/note', code: 'conversion_refused', message: '3 records share their note with another record, so it cannot be unique' });
    expect((await indexesOf(knex, 'order')).filter((i) => i.def.includes('(note)'))).toEqual([]);

    await knex.withSchema('crm').table('order').whereIn('order', ['2', '3']).update({ _deletedAt: knex.fn.now() });
    await deployBundle(knex, shopWithOrder('1.1.0', (o) => setField(o, 'note', { unique: true })));
    expect((await indexesOf(knex, 'order')).filter((i) => i.def.includes('(note)'))[0].def).toContain('WHERE ("_deletedAt" IS NULL)');
  });

  it('a new unique index over duplicates is refused with the count instead of failing', async () => {
    await deployBundle(knex, shop());
    await insert('order', [{ order: '1', status: 'new', group: 1 }, { order: '2', status: 'new', group: 1 }, { order: '3', status: 'new', group: null }]);
    const e = await refusal(deployBundle(knex, shopWithOrder('1.1.0', (o) => { o.indexes!.push({ fields: ['status', 'group'], unique: true }); })));
    expect(e.message).toBe('refuses to add a unique index on order (status, group): 2 records share their status, group with another record, so it cannot be unique');
  });

  it('a type change that would make unique values collide is refused after the conversion', async () => {
    const b = shopWithOrder('1.0.0', (o) => setField(o, 'qty', { unique: true }));
    await deployBundle(knex, b);
    await insert('order', [{ order: '1', qty: '1' }, { order: '2', qty: '01' }, { order: '3', qty: '2' }]);
    const e = await refusal(deployBundle(knex, shopWithOrder('1.1.0', (o) => setField(o, 'qty', { unique: true, type: 'integer' }))));
    expect(e.errors![0].message).toBe('2 records would share their qty with another record after the conversion, so it cannot be unique');
    expect((await columnsOf(knex, 'order')).qty).toBe('text');
    expect((await indexesOf(knex, 'order')).filter((i) => i.def.includes('(qty)'))).toHaveLength(1);
  });

  it('a dry run reports the same plan and refusals as the real deploy, and changes nothing', async () => {
    await deployBundle(knex, shop());
    await insert('order', [{ order: '1', qty: 'x' }, { order: '2', qty: '2' }]);
    const change = shopWithOrder('2.0.0', (o) => {
      setField(o, 'qty', { type: 'integer' });
      o.fields = o.fields.filter((f) => f.name !== 'note');
      o.fields.push({ name: 'extra', type: 'text' });
    });
    const dry = await deployBundle(knex, change, { dryRun: true });
    expect(dry).toMatchObject({ applied: false, dryRun: true, version: 1 });
    expect(dry.refusals).toEqual(['refuses to change field order.qty from text to integer: 1 record has text that is not a whole number']);
    const real = await refusal(deployBundle(knex, change));
    expect(real.extra!.plan).toEqual(dry.plan);
    expect(dry.refusals).toEqual([real.message]);

    // Without the refusal, a dry run shows the plan a deploy then carries out, and still changes nothing.
    await knex.withSchema('crm').table('order').where({ order: '1' }).update({ qty: '1' });
    const cols = await columnsOf(knex, 'order');
    const dry2 = await deployBundle(knex, change, { dryRun: true });
    expect(dry2).toMatchObject({ applied: false, dryRun: true, version: 1, refusals: [] });
    expect(dry2.plan.map((s) => s.description)).toEqual([
      'upgrades package shop from 1.0.0 to 2.0.0',
      'adds field extra (text) to order',
      'changes field order.qty from text to integer',
      'moves field order.note and its data to the recycle bin',
    ]);
    expect(await columnsOf(knex, 'order')).toEqual(cols);
    expect(await registryVersion(knex)).toBe(1);
    expect((await knex.raw(`SELECT count(*)::int AS n FROM strata.recycle_bin`)).rows[0].n).toBe(0);
    const applied = await deployBundle(knex, change);
    expect(applied.plan.map((s) => s.description)).toEqual(dry2.plan.map((s) => s.description));
    expect(applied).toMatchObject({ applied: true, version: 2 });
  });
});

describe('removals go to the recycle bin', () => {
  it('a removed field: the column is moved aside with its data, and listed in strata.recycle_bin', async () => {
    await deployBundle(knex, shop());
    const [acc] = await insert('account', [{ name: 'A' }]);
    await insert('order', [{ order: '1', note: 'keep me', account: acc }, { order: '2', note: 'me too' }]);
    const reg1 = await loadRegistry(knex);
    const res = await deployBundle(knex, shopWithOrder('1.1.0', (o) => { o.fields = o.fields.filter((f) => f.name !== 'note' && f.name !== 'account'); o.indexes = [o.indexes![0]]; }));
    expect(res.plan.filter((s) => s.kind === 'removeField').map((s) => s.field)).toEqual(['account', 'note']);

    const cols = await columnsOf(knex, 'order');
    expect(cols).not.toHaveProperty('note');
    const binCol = Object.keys(cols).find((c) => c.startsWith('_bin_') && c.endsWith('_note'))!;
    expect(binCol).toBeDefined();
    expect((await rowsOf<Record<string, string>>(knex, 'order', [binCol], { orderBy: 'order' })).map((r) => r[binCol])).toEqual(['keep me', 'me too']);
    const { rows } = await knex.raw(`SELECT kind, object, name, stored_as, package, definition, restored_at FROM strata.recycle_bin ORDER BY name`);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ kind: 'field', object: 'order', name: 'note', stored_as: binCol, package: 'shop', restored_at: null });
    expect(rows[1].definition).toEqual(reg1.objects.find((o) => o.name === 'order')!.fields.find((f) => f.name === 'note'));
    // A field in the bin no longer acts: deleting the account does not cascade into it.
    expect(await foreignKeysOf(knex, 'order')).toEqual([]);
    await knex.withSchema('crm').table('account').del();
    expect(await knex.withSchema('crm').table('order').count({ n: '*' })).toEqual([{ n: 2 }]);
    // And the name is free for a new field.
    await deployBundle(knex, shopWithOrder('1.2.0', (o) => { o.fields = o.fields.filter((f) => f.name !== 'account'); o.indexes = [o.indexes![0]]; }));
    expect((await rowsOf<{ note: string | null }>(knex, 'order', ['note'], { orderBy: 'order' })).map((r) => r.note)).toEqual([null, null]);
  });

  it('a removed object: its table moves to schema strata_bin with its records; the name can be taken and removed again', async () => {
    await deployBundle(knex, shop());
    await insert('order', [{ order: 'O-1' }, { order: 'O-2' }]);
    await deployBundle(knex, shop('1.1.0', [account]));
    expect(await tablesIn(knex, 'crm')).toEqual(['account']);
    const binned = await tablesIn(knex, 'strata_bin');
    expect(binned).toHaveLength(1);
    expect(binned[0]).toMatch(/^order__[0-9a-f]{8}$/);
    expect((await rowsOf<{ order: string }>(knex, binned[0], ['order'], { schema: 'strata_bin', orderBy: 'order' })).map((r) => r.order)).toEqual(['O-1', 'O-2']);
    const { rows } = await knex.raw(`SELECT kind, object, name, stored_as, package FROM strata.recycle_bin`);
    expect(rows).toEqual([{ kind: 'object', object: 'order', name: 'order', stored_as: binned[0], package: 'shop' }]);
    expect((await loadRegistry(knex)).objects.map((o) => o.name)).toEqual(['account']);

    // A new `order`, removed again: two tables of that name (and their indexes) fit in the bin.
    await deployBundle(knex, shop('1.2.0'));
    await deployBundle(knex, shop('1.3.0', [account]));
    expect(await tablesIn(knex, 'strata_bin')).toHaveLength(2);
  });
});

describe('removing an object others point at', () => {
  it('is refused (409) while another package references it, and nothing changes', async () => {
    await deployBundle(knex, shop());
    await deployBundle(knex, bundle('support', '1.0.0', [{ name: 'ticket', label: 'Ticket', fields: [{ name: 'order', type: 'reference', to: 'order' }] }]));
    const e = await refusal(deployBundle(knex, shop('1.1.0', [account])));
    expect(e.message).toBe('refuses to move object order to the recycle bin: field ticket.order of package support points at it');
    expect(e.errors).toEqual([{ field: 'objects/order', code: 'still_referenced', message: 'field ticket.order of package support points at order' }]);
    expect(await tablesIn(knex, 'crm')).toEqual(['account', 'order', 'ticket']);
    expect(await registryVersion(knex)).toBe(2);
    const dry = await deployBundle(knex, shop('1.1.0', [account]), { dryRun: true });
    expect(dry.refusals).toEqual([e.message]);
  });

  it('a binned object\'s own references stop acting: purging their targets does not cascade into the bin', async () => {
    await deployBundle(knex, shop());
    const [acc] = await insert('account', [{ name: 'A' }]);
    await insert('order', [{ order: 'O-1', account: acc }]);
    await deployBundle(knex, shop('1.1.0', [account]));
    const [binned] = await tablesIn(knex, 'strata_bin');
    expect(await foreignKeysOf(knex, binned, 'strata_bin')).toEqual([]);
    await knex.withSchema('crm').table('account').del();
    expect(await rowsOf(knex, binned, ['order', 'account'], { schema: 'strata_bin' })).toEqual([{ order: 'O-1', account: acc }]);
  });
});

describe('autonumbers', () => {
  it('added to a table with rows, number them in creation order, and the counter continues after them', async () => {
    const noNumber = shopWithOrder('1.0.0', (o) => { o.fields = o.fields.filter((f) => f.name !== 'number'); });
    await deployBundle(knex, noNumber);
    await insert('order', [
      { order: 'third', createdAt: '2024-03-01T00:00:00Z' },
      { order: 'first', createdAt: '2024-01-01T00:00:00Z' },
      { order: 'second', createdAt: '2024-02-01T00:00:00Z' },
    ]);
    await deployBundle(knex, shopWithOrder('1.1.0', (o) => { setField(o, 'number', { format: 'ORD-{0000}', startAt: 9 } as Partial<FieldDef>); }));
    expect(await rowsOf(knex, 'order', ['order', 'number'])).toEqual([
      { order: 'first', number: 'ORD-0009' }, { order: 'second', number: 'ORD-0010' }, { order: 'third', number: 'ORD-0011' },
    ]);
    const reg = await loadRegistry(knex);
    const field = reg.objects.find((o) => o.name === 'order')!.fields.find((f) => f.name === 'number')!;
    const { rows } = await knex.raw(`SELECT next_value FROM strata.autonumbers WHERE field_id = ?`, [field.id]);
    expect(rows).toEqual([{ next_value: 12 }]);
  });
});

describe('one transaction', () => {
  it('a step whose DDL fails halfway rolls back every step before it', async () => {
    const first = planDeploy(emptyRegistry(), shop(), { newId: randomUUID });
    const broken = [...first.steps.slice(0, 3), { kind: 'addField' as const, object: 'nope', field: { id: randomUUID(), package: 'shop', name: 'x', type: 'text' as const } }];
    expect(broken.slice(0, 3).map((s) => s.kind)).toEqual(['setPackage', 'createObject', 'createObject']);
    await expect(knex.transaction((trx) => applySteps(trx, broken))).rejects.toThrow(/"crm"."nope" does not exist|relation .*nope.* does not exist/);
    expect(await tablesIn(knex, 'crm')).toEqual([]);
  });

  it('a deploy that fails after its DDL (in the backfill) leaves nothing behind', async () => {
    await deployBundle(knex, shop());
    await insert('order', [{ order: '1', qty: '4' }]);
    const change = shopWithOrder('1.1.0', (o) => {
      setField(o, 'qty', { type: 'integer' });
      o.fields.push({ name: 'double', type: 'formula', returns: 'integer', expression: { '*': [{ var: 'qty' }, 2] } });
    });
    const seen: string[] = [];
    await expect(deployBundle(knex, change, {
      backfill: async (trx, registry, items) => {
        seen.push(...items.map((i) => `${i.object}.${i.field}`));
        expect(registry.version).toBe(2);
        // The DDL is there inside the transaction …
        expect((await trx.raw(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'crm."order"'::regclass AND attname = 'qty'`)).rows[0].t).toBe('bigint');
        throw new Error('backfill failed');
      },
    })).rejects.toThrow('backfill failed');
    expect(seen).toEqual(['order.double']);
    // … and gone after it.
    const cols = await columnsOf(knex, 'order');
    expect(cols.qty).toBe('text');
    expect(cols).not.toHaveProperty('double');
    expect(await registryVersion(knex)).toBe(1);
  });

  it('two concurrent deploys serialize: versions 1 and 2', async () => {
    const [a, b] = await Promise.all([deployBundle(knex, shop()), deployBundle(knex, bundle('notes', '1.0.0', [{ name: 'note', label: 'Note', fields: [{ name: 'body', type: 'longtext' }] }]))]);
    expect([a.version, b.version].sort()).toEqual([1, 2]);
    expect(a.applied && b.applied).toBe(true);
    const reg = await loadRegistry(knex);
    expect(reg.objects.map((o) => o.name).sort()).toEqual(['account', 'note', 'order']);
    expect(reg.packages.map((p) => p.name)).toEqual(['notes', 'shop']);
  });

  it('the same package deployed twice at once: one applies, the other finds an empty plan', async () => {
    const results = await Promise.all([deployBundle(knex, shop()), deployBundle(knex, shop())]);
    expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
    expect(results.map((r) => r.version)).toEqual([1, 1]);
    expect(results.find((r) => !r.applied)!.plan).toEqual([]);
    expect(await registryVersion(knex)).toBe(1);
  });
});

describe('deployBundle validates first', () => {
  it('an invalid package is a 400 with every problem, and nothing runs', async () => {
    const err = await deployBundle(knex, { package: { name: 'shop', version: 'one' }, objects: [{ name: 'Bad Name', label: 'x', fields: [] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).status).toBe(400);
    expect((err as StrataError).errors!.length).toBeGreaterThanOrEqual(2);
    expect(await registryVersion(knex)).toBe(0);
  });
});

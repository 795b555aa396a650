/**
 * The metadata recycle bin: what a deploy removed comes back, data and definition, in a new
 * registry version owned by its package; a name taken in the meantime is a 409.
 */
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectDef } from '../../../metadata/types.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { StrataError } from '../../../runtime/errors.ts';
import { loadRegistry } from '../../../runtime/metadata/registry-store.ts';
import { deployBundle } from '../../../runtime/schema/deploy.ts';
import { listRecycleBin, restoreFromBin } from '../../../runtime/schema/restore.ts';
import { bundle, columnsOf, foreignKeysOf, indexesOf, registryVersion, rowsOf, systemDatabase, tablesIn } from './helpers.ts';

let db: TestDatabase;
let knex: Knex;
beforeEach(async () => {
  db = await systemDatabase();
  knex = db.knex;
});
afterEach(async () => {
  await db.drop();
});

const account: ObjectDef = { name: 'account', label: 'Account', fields: [{ name: 'name', type: 'text' }] };
const order: ObjectDef = {
  name: 'order', label: 'Order',
  fields: [
    { name: 'order', type: 'text', unique: true },
    { name: 'account', type: 'reference', to: 'account', onDelete: 'restrict' },
    { name: 'note', type: 'longtext', label: 'Note' },
  ],
};
const without = (o: ObjectDef, ...names: string[]): ObjectDef => ({ ...o, fields: o.fields.filter((f) => !names.includes(f.name)) });
const shop = (version: string, objects: ObjectDef[]) => bundle('shop', version, structuredClone(objects));

async function conflictOf(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StrataError);
  expect((err as StrataError).status).toBe(409);
  return err as StrataError;
}

describe('restoreFromBin', () => {
  it('brings a removed field back with its data, into a new registry version owned by its package', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    const [acc] = (await knex.withSchema('crm').table('account').insert({ name: 'A' }).returning('id')) as Array<{ id: string }>;
    await knex.withSchema('crm').table('order').insert([
      { order: 'O-1', note: 'first', account: acc.id }, { order: 'O-2', note: 'second', account: acc.id },
    ]);
    const original = (await loadRegistry(knex)).objects.find((o) => o.name === 'order')!.fields;
    await deployBundle(knex, shop('1.1.0', [account, without(order, 'note', 'account', 'order')]));
    const cols = Object.keys(await columnsOf(knex, 'order'));
    expect(cols.filter((c) => ['note', 'account', 'order'].includes(c))).toEqual([]);
    expect(cols.filter((c) => c.startsWith('_bin_'))).toHaveLength(3);

    const bin = await listRecycleBin(knex);
    expect(bin.map((e) => [e.kind, e.object, e.name, e.package])).toEqual(
      expect.arrayContaining([['field', 'order', 'note', 'shop'], ['field', 'order', 'account', 'shop'], ['field', 'order', 'order', 'shop']]),
    );
    expect(bin).toHaveLength(3);
    const note = bin.find((e) => e.name === 'note')!;
    expect(note.storedAs).toMatch(/^_bin_[0-9a-f]{8}_note$/);
    expect(note.definition).toEqual(original.find((f) => f.name === 'note'));
    expect(note.removedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const res = await restoreFromBin(knex, note.id, { email: 'admin@example.com' });
    expect(res).toMatchObject({ version: 3, object: 'order', field: 'note', entry: { id: note.id, kind: 'field' } });
    expect(await rowsOf(knex, 'order', ['note'], { orderBy: 'createdAt' })).toEqual([{ note: 'first' }, { note: 'second' }]);
    const reg = await loadRegistry(knex);
    expect(reg.version).toBe(3);
    expect(reg.objects.find((o) => o.name === 'order')!.fields.find((f) => f.name === 'note')).toEqual(original.find((f) => f.name === 'note'));
    expect((await listRecycleBin(knex)).map((e) => e.name).sort()).toEqual(['account', 'order']);
    const { rows } = await knex.raw(`SELECT action, actor_email, target FROM strata.audit_log`);
    expect(rows).toEqual([{ action: 'metadata.restore', actor_email: 'admin@example.com', target: 'order.note' }]);

    // A reference comes back with its foreign key, a unique field with its partial unique index.
    await restoreFromBin(knex, bin.find((e) => e.name === 'account')!.id);
    await restoreFromBin(knex, bin.find((e) => e.name === 'order')!.id);
    expect(await foreignKeysOf(knex, 'order')).toEqual([{ column: 'account', target: 'crm.account', onDelete: 'RESTRICT' }]);
    expect((await indexesOf(knex, 'order')).filter((i) => i.def.includes('("order")'))[0].def).toContain('UNIQUE INDEX');
    expect(await rowsOf(knex, 'order', ['order', 'account'], { orderBy: 'order' })).toEqual([{ order: 'O-1', account: acc.id }, { order: 'O-2', account: acc.id }]);
    expect(await registryVersion(knex)).toBe(5);

    // It is the package's again: re-deploying the package as it was restored is an empty plan.
    const again = await deployBundle(knex, shop('1.1.0', [account, order]));
    expect(again.plan.map((s) => s.kind)).toEqual([]);
  });

  it('brings a removed object back with its records', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    await knex.withSchema('crm').table('order').insert([{ order: 'O-1' }, { order: 'O-2' }]);
    const definition = (await loadRegistry(knex)).objects.find((o) => o.name === 'order');
    await deployBundle(knex, shop('1.1.0', [account]));
    expect(await tablesIn(knex, 'crm')).toEqual(['account']);

    const [entry] = await listRecycleBin(knex);
    expect(entry).toMatchObject({ kind: 'object', object: 'order', name: 'order', package: 'shop' });
    expect(entry.definition).toEqual(definition);
    const res = await restoreFromBin(knex, entry.id);
    expect(res).toMatchObject({ object: 'order', version: 3 });
    expect(res).not.toHaveProperty('field');
    expect(await tablesIn(knex, 'crm')).toEqual(['account', 'order']);
    expect(await tablesIn(knex, 'strata_bin')).toEqual([]);
    expect(await rowsOf(knex, 'order', ['order'], { orderBy: 'order' })).toEqual([{ order: 'O-1' }, { order: 'O-2' }]);
    const reg = await loadRegistry(knex);
    expect(reg.objects.find((o) => o.name === 'order')).toEqual(definition);
    await expect(knex.withSchema('crm').table('order').insert({ order: 'O-1' })).rejects.toThrow(/unique/);
    expect(await listRecycleBin(knex)).toEqual([]);
  });

  it('refuses with 409 when the name is taken now, and changes nothing', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    await knex.withSchema('crm').table('order').insert({ order: 'O-1', note: 'old text' });
    await deployBundle(knex, shop('1.1.0', [account, without(order, 'note')]));
    await deployBundle(knex, shop('1.2.0', [account, { ...without(order, 'note'), fields: [...without(order, 'note').fields, { name: 'note', type: 'integer' }] }]));
    const [entry] = await listRecycleBin(knex);
    const e = await conflictOf(restoreFromBin(knex, entry.id));
    expect(e.message).toBe('Object order has a field named note now: rename or remove it first');
    expect(await registryVersion(knex)).toBe(3);
    expect(await listRecycleBin(knex)).toHaveLength(1);
    expect((await columnsOf(knex, 'order')).note).toBe('bigint');

    // Same for an object whose name was taken.
    await deployBundle(knex, shop('1.3.0', [account]));
    await deployBundle(knex, shop('1.4.0', [account, { name: 'order', label: 'Order', fields: [] }]));
    const objectEntry = (await listRecycleBin(knex)).find((x) => x.kind === 'object')!;
    const e2 = await conflictOf(restoreFromBin(knex, objectEntry.id));
    expect(e2.message).toBe('An object named order exists now: rename or remove it first');
  });

  it('a field of a removed object waits for its object; a restored entry is not restored twice; unknown ids are 404', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    await deployBundle(knex, shop('1.1.0', [account, without(order, 'note')]));
    await deployBundle(knex, shop('1.2.0', [account]));
    const bin = await listRecycleBin(knex);
    const field = bin.find((x) => x.kind === 'field')!;
    const object = bin.find((x) => x.kind === 'object')!;
    expect((await conflictOf(restoreFromBin(knex, field.id))).message).toBe('Field order.note was on an object that is in the recycle bin now: restore the object first');
    await restoreFromBin(knex, object.id);
    await restoreFromBin(knex, field.id);
    expect((await columnsOf(knex, 'order')).note).toBe('text');
    expect((await conflictOf(restoreFromBin(knex, field.id))).message).toBe('Field order.note was restored already');
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const err = await restoreFromBin(knex, id).catch((x: unknown) => x);
      expect((err as StrataError).status).toBe(404);
    }
  });

  it('puts an object\'s foreign keys back, and refuses when their targets were purged meanwhile', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    const [a, b] = (await knex.withSchema('crm').table('account').insert([{ name: 'A' }, { name: 'B' }]).returning('id')) as Array<{ id: string }>;
    await knex.withSchema('crm').table('order').insert([{ order: 'O-1', account: a.id }, { order: 'O-2', account: b.id }]);
    await deployBundle(knex, shop('1.1.0', [account]));
    await knex.withSchema('crm').table('account').where({ id: b.id }).del(); // purged while the order was in the bin
    const [entry] = await listRecycleBin(knex);
    const e = await conflictOf(restoreFromBin(knex, entry.id));
    expect(e.message).toBe('1 record has a account that points at a account record that no longer exists: order.account cannot be restored');
    expect(await tablesIn(knex, 'crm')).toEqual(['account']);
    expect(await listRecycleBin(knex)).toHaveLength(1);

    await knex.withSchema('crm').table('account').insert({ id: b.id, name: 'B again' });
    await restoreFromBin(knex, entry.id);
    expect(await foreignKeysOf(knex, 'order')).toEqual([{ column: 'account', target: 'crm.account', onDelete: 'RESTRICT' }]);
  });

  it('a field restored after its object was renamed comes back on the renamed object', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    await knex.withSchema('crm').table('order').insert({ order: 'O-1', note: 'kept' });
    await deployBundle(knex, shop('1.1.0', [account, without(order, 'note')]));
    await deployBundle(knex, shop('1.2.0', [account, { ...without(order, 'note'), name: 'purchase', renamedFrom: 'order' }]));
    const [entry] = await listRecycleBin(knex);
    const res = await restoreFromBin(knex, entry.id);
    expect(res).toMatchObject({ object: 'purchase', field: 'note' });
    expect(await rowsOf(knex, 'purchase', ['order', 'note'])).toEqual([{ order: 'O-1', note: 'kept' }]);
    expect((await loadRegistry(knex)).objects.find((o) => o.name === 'purchase')!.fields.map((f) => f.name)).toEqual(['order', 'account', 'note']);
  });

  it('restores serialize with deploys under the deploy lock', async () => {
    await deployBundle(knex, shop('1.0.0', [account, order]));
    await deployBundle(knex, shop('1.1.0', [account, without(order, 'note')]));
    const [entry] = await listRecycleBin(knex);
    const [restored, deployed] = await Promise.all([
      restoreFromBin(knex, entry.id),
      deployBundle(knex, bundle('notes', '1.0.0', [{ name: 'memo', label: 'Memo', fields: [{ name: 'body', type: 'text' }] }])),
    ]);
    expect([restored.version, deployed.version].sort()).toEqual([3, 4]);
    const reg = await loadRegistry(knex);
    expect(reg.objects.map((o) => o.name).sort()).toEqual(['account', 'memo', 'order']);
    expect(reg.objects.find((o) => o.name === 'order')!.fields.map((f) => f.name)).toContain('note');
  });
});

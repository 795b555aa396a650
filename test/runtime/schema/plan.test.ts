/**
 * The deploy planner, as a pure function: every kind of step, package ownership, renames that
 * others follow, ordering, and that re-deploying changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef, ObjectDef, PackageBundle } from '../../../metadata/types.ts';
import { emptyRegistry, type DeployedField, type RegistryDoc } from '../../../runtime/metadata/deployed.ts';
import { danglingReferences, planDeploy, type Plan } from '../../../runtime/schema/plan.ts';
import { summarize } from '../../../runtime/schema/deploy.ts';
import { countRecords, describeStep, refusals, type PlanStep, type StepKind } from '../../../runtime/schema/steps.ts';

const NOW = '2024-05-01T00:00:00.000Z';

function counter(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Plans with a deterministic id counter (a fresh one per call unless given). */
function plan(current: RegistryDoc, bundle: PackageBundle, newId = counter()): Plan {
  return planDeploy(current, bundle, { newId, now: NOW });
}

/** Deploys a chain of bundles on paper; ids never repeat across the chain. */
function deployAll(...bundles: PackageBundle[]): RegistryDoc {
  const newId = counter('x');
  return bundles.reduce((reg, b) => plan(reg, b, newId).next, emptyRegistry());
}

const clone = <T>(x: T): T => structuredClone(x);
const kinds = (steps: PlanStep[]): StepKind[] => steps.map((s) => s.kind);
const ofKind = <K extends StepKind>(steps: PlanStep[], kind: K) =>
  steps.filter((s): s is Extract<PlanStep, { kind: K }> => s.kind === kind);
const one = <K extends StepKind>(steps: PlanStep[], kind: K) => {
  const found = ofKind(steps, kind);
  expect(found, `one ${kind} step in ${kinds(steps).join(', ')}`).toHaveLength(1);
  return found[0];
};

function obj(reg: RegistryDoc, name: string) {
  const o = reg.objects.find((x) => x.name === name);
  if (!o) throw new Error(`no object ${name}`);
  return o;
}
function fld(reg: RegistryDoc, object: string, name: string): DeployedField {
  const f = obj(reg, object).fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${object}.${name}`);
  return f;
}
function objectIn(b: PackageBundle, name: string): ObjectDef {
  const o = b.objects?.find((x) => x.name === name);
  if (!o) throw new Error(`no object ${name} in bundle`);
  return o;
}
function fieldIn(b: PackageBundle, object: string, name: string): FieldDef {
  const f = objectIn(b, object).fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${object}.${name} in bundle`);
  return f;
}
/** A copy of `b` with `fn` applied to it. */
function edit(b: PackageBundle, fn: (c: PackageBundle) => void): PackageBundle {
  const c = clone(b);
  fn(c);
  return c;
}

const shop: PackageBundle = {
  package: { name: 'shop', version: '1.0.0', label: 'Shop' },
  objects: [
    {
      name: 'account', label: 'Account', nameField: 'name',
      fields: [
        { name: 'name', type: 'text', required: true, maxLength: 120 },
        { name: 'email', type: 'email' },
      ],
    },
    {
      name: 'order', label: 'Order', pluralLabel: 'Orders', nameField: 'order',
      fields: [
        { name: 'order', type: 'text', label: 'Order number' },
        { name: 'account', type: 'reference', to: 'account', onDelete: 'restrict' },
        { name: 'qty', type: 'text' },
        { name: 'amount', type: 'decimal', scale: 4 },
        { name: 'status', type: 'picklist', options: [{ value: 'new' }, { value: 'paid' }] },
        { name: 'note', type: 'longtext' },
      ],
      validationRules: [{ name: 'qty_needed', field: 'qty', when: { '!': { var: 'qty' } }, message: 'Give a quantity' }],
      indexes: [{ fields: ['status'] }],
    },
  ],
  layouts: [{ name: 'default', object: 'order', sections: [{ label: 'Main', columns: [{ fields: ['order', 'qty'] }] }] }],
  views: [{ name: 'all', object: 'order', columns: ['order', 'status'] }],
  roles: [{ name: 'clerk', objects: { order: { read: 'all', create: true } }, fields: { 'order.amount': 'read' } }],
  reports: [{ name: 'by_status', object: 'order', groupBy: ['status'], aggregates: [{ fn: 'count', as: 'n' }] }],
  dashboards: [{ name: 'sales', widgets: [{ report: 'by_status' }] }],
  workflows: [{ name: 'welcome', object: 'order', trigger: { on: 'create' }, actions: [{ type: 'updateRecord', set: { status: 'new' } }] }],
  extensions: [{ manifest: { name: 'scoring', version: '1.0.0' }, source: 'export const x = 1;' }],
};

/** A second package: extends shop's account and order, and brings objects of its own. */
const extra: PackageBundle = {
  package: { name: 'extra', version: '1.0.0' },
  objects: [
    {
      name: 'account', label: 'Account',
      fields: [
        { name: 'tier', type: 'picklist', options: [{ value: 'gold' }, { value: 'silver' }] },
        { name: 'order_count', type: 'rollup', of: 'order.account', aggregate: 'count' },
        { name: 'order_qty', type: 'rollup', of: 'order.account', aggregate: 'sum', field: 'amount' },
      ],
      validationRules: [{ name: 'tier_known', when: false, message: 'never' }],
      indexes: [{ fields: ['tier'] }],
    },
    {
      name: 'ticket', label: 'Ticket',
      fields: [
        { name: 'subject', type: 'text' },
        { name: 'order', type: 'reference', to: 'order', onDelete: 'setNull' },
      ],
    },
  ],
  views: [{ name: 'extra_big', object: 'order', columns: ['order', 'amount'] }],
  roles: [{ name: 'support', objects: { order: { read: 'all' }, ticket: { read: 'all' } }, fields: { 'order.qty': 'read' } }],
};

describe('planDeploy: first install', () => {
  const p = plan(emptyRegistry(), shop);

  it('creates every object with stable ids from newId, owned by the package', () => {
    const creates = ofKind(p.steps, 'createObject');
    expect(creates.map((s) => s.object.name)).toEqual(['account', 'order']);
    expect(obj(p.next, 'account').id).toBe('id1');
    expect(obj(p.next, 'account').fields.map((f) => [f.name, f.id, f.package])).toEqual([['name', 'id2', 'shop'], ['email', 'id3', 'shop']]);
    expect(obj(p.next, 'order').id).toBe('id4');
    expect(obj(p.next, 'order').package).toBe('shop');
    expect(obj(p.next, 'order').validationRules).toEqual([{ ...objectIn(shop, 'order').validationRules![0], package: 'shop' }]);
    expect(obj(p.next, 'order').indexes[0]).toMatchObject({ fields: ['status'], package: 'shop', indexName: expect.stringMatching(/^ix_[0-9a-f]{24}$/) });
  });

  it('adds the indexes of new objects, every element, and the package', () => {
    expect(one(p.steps, 'addIndex')).toMatchObject({ object: 'order', index: { fields: ['status'] } });
    expect(ofKind(p.steps, 'putElement').map((s) => [s.element, s.name, s.created])).toEqual([
      ['layouts', 'order.default', true], ['views', 'order.all', true], ['workflows', 'welcome', true],
      ['roles', 'clerk', true], ['reports', 'by_status', true], ['dashboards', 'sales', true], ['extensions', 'scoring', true],
    ]);
    expect(one(p.steps, 'setPackage')).toMatchObject({ name: 'shop', from: undefined, to: '1.0.0' });
    expect(p.next.packages).toEqual([{ name: 'shop', version: '1.0.0', label: 'Shop', deployedAt: NOW }]);
    expect(p.next.version).toBe(1);
    expect(p.next.layouts[0]).toMatchObject({ name: 'default', package: 'shop' });
    expect(p.next.extensions[0]).toMatchObject({ manifest: { name: 'scoring' }, package: 'shop' });
  });

  it('describes every step as a sentence', () => {
    const text = p.steps.map(describeStep);
    expect(text).toContain('creates object order with 6 fields');
    expect(text).toContain('installs package shop 1.0.0');
    expect(text).toContain('adds list view order.all');
    expect(text).toContain('adds an index on order (status)');
  });
});

describe('planDeploy: re-deploying', () => {
  it('the same package is an empty plan and leaves the registry as it is', () => {
    const reg = deployAll(shop);
    const p = plan(reg, shop);
    expect(p.steps).toEqual([]);
    expect(p.next).toBe(reg);
  });

  it('is empty after the registry went through JSON (as it does in the database)', () => {
    const reg = JSON.parse(JSON.stringify(deployAll(shop, extra))) as RegistryDoc;
    expect(plan(reg, JSON.parse(JSON.stringify(shop)) as PackageBundle).steps).toEqual([]);
    expect(plan(reg, extra).steps).toEqual([]);
  });

  it('is empty even when the bundle lists properties in another order', () => {
    const reg = deployAll(shop);
    const reordered = edit(shop, (b) => {
      const f = fieldIn(b, 'order', 'account') as unknown as Record<string, unknown>;
      const flipped = Object.fromEntries(Object.entries(f).reverse());
      objectIn(b, 'order').fields[1] = flipped as unknown as FieldDef;
    });
    expect(plan(reg, reordered).steps).toEqual([]);
  });

  it('only a new package version is one setPackage step and a new registry version', () => {
    const reg = deployAll(shop);
    const p = plan(reg, edit(shop, (b) => { b.package.version = '1.0.1'; }));
    expect(p.steps).toEqual([{ kind: 'setPackage', name: 'shop', from: '1.0.0', to: '1.0.1' }]);
    expect(describeStep(p.steps[0])).toBe('upgrades package shop from 1.0.0 to 1.0.1');
    expect(p.next.version).toBe(reg.version + 1);
    expect(p.next.packages).toEqual([{ name: 'shop', version: '1.0.1', label: 'Shop', deployedAt: NOW }]);
    expect(p.next.objects).toEqual(reg.objects);
  });

  it('never modifies the registry it is given', () => {
    const reg = deployAll(shop, extra);
    const before = JSON.stringify(reg);
    const renaming = edit(shop, (b) => {
      const o = objectIn(b, 'order');
      o.name = 'purchase';
      o.renamedFrom = 'order';
      const f = fieldIn(b, 'purchase', 'account');
      f.name = 'customer';
      f.renamedFrom = 'account';
      b.objects = b.objects!.filter((x) => x.name !== 'account').concat([objectIn(b, 'account')]);
      b.objects.find((x) => x.name === 'account')!.fields.pop();
    });
    plan(reg, renaming);
    plan(reg, { package: { name: 'extra', version: '2.0.0' } });
    expect(JSON.stringify(reg)).toBe(before);
  });
});

describe('planDeploy: objects', () => {
  it('renames an object with renamedFrom, keeping its id, fields and data', () => {
    const reg = deployAll(shop);
    const renamed = edit(shop, (b) => {
      const o = objectIn(b, 'account');
      o.name = 'customer';
      o.renamedFrom = 'account';
      if (fieldIn(b, 'order', 'account').type === 'reference') Object.assign(fieldIn(b, 'order', 'account'), { to: 'customer' });
      b.objects!.find((x) => x.name === 'order')!.nameField = 'order';
    });
    const p = plan(reg, renamed);
    expect(kinds(p.steps)).toEqual(['renameObject']);
    expect(p.steps[0]).toEqual({ kind: 'renameObject', from: 'account', to: 'customer' });
    expect(describeStep(p.steps[0])).toBe('renames object account to customer, keeping its records');
    expect(obj(p.next, 'customer').id).toBe(obj(reg, 'account').id);
    expect(obj(p.next, 'customer').fields).toEqual(obj(reg, 'account').fields);
    expect(p.next.objects.some((o) => o.name === 'account')).toBe(false);
    expect(obj(p.next, 'customer')).not.toHaveProperty('renamedFrom');
    // The reference of the package's own order now says customer: no type change, no data check.
    expect(fld(p.next, 'order', 'account')).toMatchObject({ type: 'reference', to: 'customer', id: fld(reg, 'order', 'account').id });
    // Deploying it again: the rename is done.
    expect(plan(p.next, renamed).steps).toEqual([]);
  });

  it('makes references, rollups and elements of other packages follow a renamed object', () => {
    const reg = deployAll(shop, extra);
    const renamed = edit(shop, (b) => {
      const o = objectIn(b, 'order');
      o.name = 'purchase';
      o.renamedFrom = 'order';
      for (const kind of ['layouts', 'views', 'reports', 'workflows'] as const) {
        for (const el of b[kind] ?? []) (el as { object?: string }).object = 'purchase';
      }
      b.roles![0].objects = { purchase: { read: 'all', create: true } };
      b.roles![0].fields = { 'purchase.amount': 'read' };
    });
    const p = plan(reg, renamed);
    expect(ofKind(p.steps, 'renameObject')).toEqual([{ kind: 'renameObject', from: 'order', to: 'purchase' }]);
    expect(ofKind(p.steps, 'changeFieldType')).toEqual([]);
    expect(ofKind(p.steps, 'updateField')).toEqual([]);
    expect(fld(p.next, 'ticket', 'order')).toMatchObject({ to: 'purchase', package: 'extra' });
    expect(fld(p.next, 'account', 'order_count')).toMatchObject({ of: 'purchase.account', package: 'extra' });
    // Other packages' elements follow; this package's own are stated anew.
    expect(p.next.views.find((v) => v.name === 'extra_big')).toMatchObject({ object: 'purchase', package: 'extra' });
    const support = p.next.roles.find((r) => r.name === 'support')!;
    expect(support.objects).toEqual({ purchase: { read: 'all' }, ticket: { read: 'all' } });
    expect(support.fields).toEqual({ 'purchase.qty': 'read' });
    expect(ofKind(p.steps, 'putElement').map((s) => s.name)).toContain('purchase.all');
    expect(ofKind(p.steps, 'removeElement').map((s) => s.name)).toContain('order.all');
    // The other package re-deploying with the new names changes nothing.
    const extra2 = edit(extra, (b) => {
      if (fieldIn(b, 'account', 'order_count').type === 'rollup') Object.assign(fieldIn(b, 'account', 'order_count'), { of: 'purchase.account' });
      Object.assign(fieldIn(b, 'account', 'order_qty'), { of: 'purchase.account' });
      Object.assign(fieldIn(b, 'ticket', 'order'), { to: 'purchase' });
      b.views![0].object = 'purchase';
      b.roles![0].objects = { purchase: { read: 'all' }, ticket: { read: 'all' } };
      b.roles![0].fields = { 'purchase.qty': 'read' };
    });
    expect(plan(p.next, extra2).steps).toEqual([]);
  });

  it('updates object properties, and only the owner may', () => {
    const reg = deployAll(shop, extra);
    const p = plan(reg, edit(shop, (b) => {
      objectIn(b, 'order').label = 'Purchase order';
      objectIn(b, 'order').trackHistory = true;
      delete objectIn(b, 'order').pluralLabel;
    }));
    expect(one(p.steps, 'updateObject')).toEqual({ kind: 'updateObject', object: 'order', changes: ['label "Purchase order"', 'no pluralLabel', 'trackHistory true'] });
    expect(describeStep(one(p.steps, 'updateObject'))).toBe('changes object order: label "Purchase order", no pluralLabel, trackHistory true');
    expect(obj(p.next, 'order')).toMatchObject({ label: 'Purchase order', trackHistory: true });
    expect(obj(p.next, 'order')).not.toHaveProperty('pluralLabel');

    // extra states shop's account with another label: shop's label stays.
    const q = plan(reg, edit(extra, (b) => { objectIn(b, 'account').label = 'Client'; }));
    expect(ofKind(q.steps, 'updateObject')).toEqual([]);
    expect(obj(q.next, 'account').label).toBe('Account');
  });

  it('moves a removed object to the recycle bin, never drops it', () => {
    const reg = deployAll(shop);
    const p = plan(reg, edit(shop, (b) => {
      b.objects = b.objects!.filter((o) => o.name === 'account');
      b.layouts = []; b.views = []; b.roles = []; b.reports = []; b.dashboards = []; b.workflows = [];
    }));
    const rm = one(p.steps, 'removeObject');
    expect(rm.object).toEqual(obj(reg, 'order'));
    expect(rm.binName).toMatch(/^order__[0-9a-f]{8}$/);
    expect(describeStep(rm)).toBe('moves object order and its records to the recycle bin');
    expect(p.next.objects.map((o) => o.name)).toEqual(['account']);
    expect(kinds(p.steps)).not.toContain('removeIndex');
  });
});

describe('planDeploy: fields', () => {
  const reg = deployAll(shop);

  it('adds a field', () => {
    const p = plan(reg, edit(shop, (b) => { objectIn(b, 'order').fields.push({ name: 'priority', type: 'integer', label: 'Priority' }); }), counter('n'));
    const add = one(p.steps, 'addField');
    expect(add).toEqual({ kind: 'addField', object: 'order', field: { name: 'priority', type: 'integer', label: 'Priority', id: 'n1', package: 'shop' } });
    expect(describeStep(add)).toBe('adds field Priority (priority) (integer) to order');
    expect(fld(p.next, 'order', 'priority').id).toBe('n1');
    expect(kinds(p.steps)).toEqual(['addField']);
  });

  it('renames a field with renamedFrom: same id, data kept (a column rename, no add, no remove)', () => {
    const renamed = edit(shop, (b) => {
      const f = fieldIn(b, 'order', 'qty');
      f.name = 'quantity';
      f.renamedFrom = 'qty';
      objectIn(b, 'order').validationRules![0].field = 'quantity';
    });
    const p = plan(reg, renamed);
    expect(ofKind(p.steps, 'renameField')).toEqual([{ kind: 'renameField', object: 'order', from: 'qty', to: 'quantity' }]);
    expect(kinds(p.steps)).toEqual(['renameField', 'putRule']);
    expect(fld(p.next, 'order', 'quantity').id).toBe(fld(reg, 'order', 'qty').id);
    expect(fld(p.next, 'order', 'quantity')).not.toHaveProperty('renamedFrom');
    expect(plan(p.next, renamed).steps).toEqual([]);
  });

  it('renames a field and changes its type in one deploy: the conversion uses the new name', () => {
    const p = plan(reg, edit(shop, (b) => {
      const f = fieldIn(b, 'order', 'qty');
      Object.assign(f, { name: 'quantity', renamedFrom: 'qty', type: 'integer' });
    }));
    expect(kinds(p.steps)).toEqual(['renameField', 'changeFieldType']);
    const ch = one(p.steps, 'changeFieldType');
    expect(ch.usingBindings).toEqual(['quantity']);
    expect(ch.checks![0].bindings).toContain('quantity');
  });

  it('renames a field that an index and another package\'s rollup name: both follow', () => {
    const reg2 = deployAll(shop, extra);
    const p = plan(reg2, edit(shop, (b) => {
      Object.assign(fieldIn(b, 'order', 'status'), { name: 'state', renamedFrom: 'status' });
      Object.assign(fieldIn(b, 'order', 'account'), { name: 'customer', renamedFrom: 'account' });
      Object.assign(fieldIn(b, 'order', 'amount'), { name: 'total', renamedFrom: 'amount' });
      objectIn(b, 'order').indexes = [{ fields: ['state'] }];
    }));
    expect(ofKind(p.steps, 'renameField').map((s) => `${s.from}>${s.to}`)).toEqual(['account>customer', 'amount>total', 'status>state']);
    // The database renamed the column inside the index: the same index, no drop and re-create.
    expect(kinds(p.steps)).not.toContain('removeIndex');
    expect(kinds(p.steps)).not.toContain('addIndex');
    expect(obj(p.next, 'order').indexes).toEqual([{ ...obj(reg2, 'order').indexes[0], fields: ['state'] }]);
    expect(fld(p.next, 'account', 'order_count')).toMatchObject({ of: 'order.customer' });
    expect(fld(p.next, 'account', 'order_qty')).toMatchObject({ of: 'order.customer', field: 'total' });
  });

  it('changes a field type text → integer with a USING cast and a refusing check', () => {
    const p = plan(reg, edit(shop, (b) => { fieldIn(b, 'order', 'qty').type = 'integer'; }));
    const ch = one(p.steps, 'changeFieldType');
    expect(ch).toMatchObject({
      object: 'order', fromType: 'text', toType: 'integer',
      using: `NULLIF(btrim(??), '')::bigint`, usingBindings: ['qty'],
      previous: { name: 'qty', type: 'text' }, field: { name: 'qty', type: 'integer', id: fld(reg, 'order', 'qty').id },
    });
    expect(ch.checks).toEqual([{
      where: `?? IS NOT NULL AND btrim(??) <> '' AND NOT strata.can_cast(btrim(??), ?)`,
      bindings: ['qty', 'qty', 'qty', 'bigint'], reason: 'have text that is not a whole number', refuse: true,
    }]);
    expect(describeStep(ch)).toBe('changes field order.qty from text to integer');
    expect(fld(p.next, 'order', 'qty').type).toBe('integer');
  });

  it('refuses decimal scale reductions that would round, and sizes that overflow', () => {
    const p = plan(reg, edit(shop, (b) => { Object.assign(fieldIn(b, 'order', 'amount'), { scale: 2, precision: 10 }); }));
    const ch = one(p.steps, 'changeFieldType');
    expect(ch.using).toBe('??::numeric(10,2)');
    expect(ch.checks!.map((c) => c.reason)).toEqual(['have more than 2 decimal places in amount', 'have a amount too large for 8 digits before the point']);
    expect(ch.checks!.every((c) => c.refuse)).toBe(true);
    // A wider scale needs no check.
    const q = plan(reg, edit(shop, (b) => { Object.assign(fieldIn(b, 'order', 'amount'), { scale: 6, precision: 24 }); }));
    expect(one(q.steps, 'changeFieldType').checks).toEqual([]);
  });

  it('checks values against picklist options when text becomes a picklist; only warns when options go', () => {
    const p = plan(reg, edit(shop, (b) => {
      Object.assign(fieldIn(b, 'order', 'note'), { type: 'picklist', options: [{ value: 'a' }, { value: 'b' }] });
      Object.assign(fieldIn(b, 'order', 'status'), { options: [{ value: 'new' }] });
    }));
    // text and picklist share the column type: no conversion, a field update with checks.
    const [status, note] = ofKind(p.steps, 'updateField');
    expect([status.field.name, note.field.name]).toEqual(['status', 'note']);
    expect(note).toMatchObject({ object: 'order', changes: ['type longtext → picklist', 'options'] });
    expect(note.checks).toEqual([{
      where: `(??) IS NOT NULL AND NOT ((??)::text = ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb))))`,
      bindings: ['note', 'note', '["a","b"]'], reason: 'have a note that is not one of its options', refuse: true,
    }]);
    expect(status.checks).toHaveLength(1);
    expect(status.checks![0].refuse).toBe(false);
  });

  it('checks options on the converted value when text becomes a multipicklist', () => {
    const p = plan(reg, edit(shop, (b) => {
      Object.assign(fieldIn(b, 'order', 'note'), { type: 'multipicklist', options: [{ value: 'a' }, { value: 'b' }] });
    }));
    const ch = one(p.steps, 'changeFieldType');
    expect(ch.using).toBe(`CASE WHEN ?? IS NULL OR btrim(??) = '' THEN NULL ELSE string_to_array(??, ';') END`);
    expect(ch.checks![0].where).toContain(ch.using);
    expect(ch.checks![0].bindings).toEqual(['note', 'note', 'note', 'note', 'note', 'note', '["a","b"]']);
  });

  it('refuses to point a reference with values at another object', () => {
    const p = plan(reg, edit(shop, (b) => { Object.assign(fieldIn(b, 'order', 'account'), { to: 'order' }); }));
    const ch = one(p.steps, 'changeFieldType');
    expect(ch.using).toBe('NULL::uuid');
    expect(ch.checks).toEqual([{ where: '?? IS NOT NULL', bindings: ['account'], reason: 'have a account that cannot point at the new target', refuse: true }]);
  });

  it('refuses to let a computed field overwrite typed-in values, even of the same column type', () => {
    const p = plan(reg, edit(shop, (b) => {
      Object.assign(fieldIn(b, 'order', 'order'), { type: 'autonumber', format: 'ORD-{0000}' });
    }));
    const ch = one(p.steps, 'changeFieldType');
    expect(ch.using).toBe('NULL::text');
    expect(ch.checks).toEqual([{ where: '?? IS NOT NULL', bindings: ['order'], reason: 'have a order that a computed field would overwrite', refuse: true }]);
  });

  it('updates unique on and off, onDelete and label without touching the column type', () => {
    const on = plan(reg, edit(shop, (b) => {
      fieldIn(b, 'order', 'order').unique = true;
      Object.assign(fieldIn(b, 'order', 'account'), { onDelete: 'cascade' });
      fieldIn(b, 'account', 'email').label = 'E-mail';
    }));
    const ups = ofKind(on.steps, 'updateField');
    expect(ups.map((s) => [s.object, s.field.name, s.changes])).toEqual([
      ['account', 'email', ['label "E-mail"']],
      ['order', 'order', ['now unique']],
      ['order', 'account', ['onDelete "cascade"']],
    ]);
    expect(ups[0].checks).toEqual([]);
    expect(ups[1].checks).toEqual([{
      where: `"_deletedAt" IS NULL AND ?? IS NOT NULL AND (??) IN (SELECT ?? FROM {table} WHERE "_deletedAt" IS NULL GROUP BY ?? HAVING count(*) > 1)`,
      bindings: ['order', 'order', 'order', 'order'], reason: 'share their order with another record, so it cannot be unique', refuse: true,
    }]);
    expect(ups[2]).toMatchObject({ previous: { onDelete: 'restrict' }, field: { onDelete: 'cascade' } });
    expect(describeStep(ups[1])).toBe('changes field order.order: now unique');
    expect(kinds(on.steps)).not.toContain('changeFieldType');

    const off = plan(on.next, shop);
    expect(ofKind(off.steps, 'updateField').map((s) => [s.field.name, s.changes, s.checks])).toEqual([
      ['email', ['no label'], []],
      ['order', ['no longer unique'], []],
      ['account', ['onDelete "restrict"'], []],
    ]);
  });

  it('moves a removed field to the recycle bin, never drops it', () => {
    const p = plan(reg, edit(shop, (b) => { objectIn(b, 'order').fields = objectIn(b, 'order').fields.filter((f) => f.name !== 'note'); }));
    const rm = one(p.steps, 'removeField');
    expect(rm).toMatchObject({ object: 'order', field: fld(reg, 'order', 'note') });
    expect(rm.binColumn).toMatch(/^_bin_[0-9a-f]{8}_note$/);
    expect(rm.binColumn.length).toBeLessThanOrEqual(63);
    expect(describeStep(rm)).toBe('moves field order.note and its data to the recycle bin');
    expect(obj(p.next, 'order').fields.map((f) => f.name)).not.toContain('note');
  });

  it('gives every removal its own bin name', () => {
    const b = edit(shop, (x) => { objectIn(x, 'order').fields = objectIn(x, 'order').fields.filter((f) => f.name !== 'note'); });
    const newId = counter('r');
    const a1 = one(plan(reg, b, newId).steps, 'removeField').binColumn;
    const a2 = one(plan(reg, b, newId).steps, 'removeField').binColumn;
    expect(a1).not.toBe(a2);
  });
});

describe('planDeploy: indexes and rules', () => {
  const reg = deployAll(shop);

  it('adds and removes indexes; a new unique index is checked for duplicates', () => {
    const p = plan(reg, edit(shop, (b) => { objectIn(b, 'order').indexes = [{ fields: ['account', 'order'], unique: true }]; }));
    expect(kinds(p.steps)).toEqual(['removeIndex', 'addIndex']);
    const [rm, add] = p.steps as [Extract<PlanStep, { kind: 'removeIndex' }>, Extract<PlanStep, { kind: 'addIndex' }>];
    expect(rm.index).toEqual(obj(reg, 'order').indexes[0]);
    expect(add.index).toMatchObject({ fields: ['account', 'order'], unique: true, package: 'shop', indexName: expect.stringMatching(/^ix_/) });
    expect(add.index.indexName).not.toBe(rm.index.indexName);
    expect(add.checks![0]).toMatchObject({ refuse: true, bindings: ['account', 'order', 'account', 'order', 'account', 'order', 'account', 'order'] });
    expect(describeStep(add)).toBe('adds a unique index on order (account, order)');
    expect(describeStep(rm)).toBe('removes the index on order (status)');
  });

  it('puts, changes and removes validation rules', () => {
    const added = plan(reg, edit(shop, (b) => {
      objectIn(b, 'account').validationRules = [{ name: 'has_name', when: { '!': { var: 'name' } }, message: 'Name it' }];
      objectIn(b, 'order').validationRules![0].message = 'How many?';
    }));
    expect(ofKind(added.steps, 'putRule').map((s) => [s.object, s.rule, s.created])).toEqual([['account', 'has_name', true], ['order', 'qty_needed', false]]);
    expect(describeStep(ofKind(added.steps, 'putRule')[0])).toBe('adds validation rule has_name on account');
    const removed = plan(reg, edit(shop, (b) => { objectIn(b, 'order').validationRules = []; }));
    expect(removed.steps).toEqual([{ kind: 'removeRule', object: 'order', rule: 'qty_needed' }]);
    expect(obj(removed.next, 'order').validationRules).toEqual([]);
  });
});

describe('planDeploy: elements', () => {
  const reg = deployAll(shop);

  it('puts and removes layouts, views, roles, reports, dashboards, workflows and extensions', () => {
    const changed = plan(reg, edit(shop, (b) => {
      b.layouts![0].label = 'Order page';
      b.views!.push({ name: 'paid', object: 'order', columns: ['order'], filter: { status: 'paid' } });
      b.roles![0].abilities = ['export'];
      b.reports = [];
      b.dashboards = [];
      b.workflows![0].active = false;
      b.extensions![0].source = 'export const x = 2;';
    }));
    expect(changed.steps.map((s) => `${s.kind} ${s.kind === 'putElement' ? `${s.element} ${s.name} ${s.created}` : s.kind === 'removeElement' ? `${s.element} ${s.name}` : ''}`.trim())).toEqual([
      'putElement layouts order.default false',
      'putElement views order.paid true',
      'putElement workflows welcome false',
      'putElement roles clerk false',
      'putElement extensions scoring false',
      'removeElement reports by_status',
      'removeElement dashboards sales',
    ]);
    expect(changed.next.reports).toEqual([]);
    expect(changed.next.views.map((v) => v.name)).toEqual(['all', 'paid']);
    expect(describeStep(ofKind(changed.steps, 'removeElement')[0])).toBe('removes report by_status');
    expect(describeStep(ofKind(changed.steps, 'putElement')[0])).toBe('changes layout order.default');
  });

  it('says what changed inside a role: record access, field access and abilities', () => {
    const p = plan(reg, edit(shop, (b) => {
      b.roles![0].objects.order = { read: 'all', create: false, update: 'own' };
      b.roles![0].fields = { 'order.amount': 'none', 'order.qty': 'edit' };
      b.roles![0].abilities = ['export'];
    }));
    const step = one(p.steps, 'putElement');
    expect(describeStep(step)).toBe('changes role clerk');
    expect(step.details).toEqual([
      'order create yes → no',
      'order update none → own',
      'field order.amount read → none',
      'field order.qty default → edit',
      'ability export added',
    ]);
    const back = plan(p.next, shop);
    expect(one(back.steps, 'putElement').details).toEqual([
      'order create no → yes',
      'order update own → none',
      'field order.amount none → read',
      'field order.qty edit → default',
      'ability export removed',
    ]);
  });

  it('says which layout fields moved, were added or removed, and which sections came and went', () => {
    const twoSections = deployAll(edit(shop, (b) => {
      b.layouts![0].sections = [
        { label: 'Main', columns: [{ fields: ['order', 'qty'] }, { fields: ['status'] }] },
        { label: 'Money', columns: [{ fields: ['amount'] }] },
      ];
    }));
    const p = plan(twoSections, edit(shop, (b) => {
      b.layouts![0].sections = [
        { label: 'Main', columns: [{ fields: ['qty', 'order'] }, { fields: ['amount'] }] },
        { label: 'Notes', columns: [{ fields: [] }] },
      ];
    }));
    expect(one(p.steps, 'putElement').details).toEqual([
      'section Notes added',
      'section Money removed',
      'field amount moved from Money to Main (column 2)',
      'field status removed from section Main (column 2)',
      'section Main: fields reordered',
    ]);
  });

  it('says which columns, filter and sort of a list view changed', () => {
    const p = plan(reg, edit(shop, (b) => {
      b.views![0] = { name: 'all', object: 'order', columns: ['order', 'amount'], filter: { status: 'paid' }, sort: ['-amount'] };
    }));
    expect(one(p.steps, 'putElement').details).toEqual([
      'columns added: amount',
      'columns removed: status',
      'filter none → {"status":"paid"}',
      'sort none → -amount',
    ]);
    expect(summarize(one(p.steps, 'putElement')).details).toHaveLength(4);
  });

  it('never removes another package\'s elements', () => {
    const both = deployAll(shop, extra);
    const p = plan(both, edit(shop, (b) => { b.views = []; b.roles = []; }));
    expect(ofKind(p.steps, 'removeElement').map((s) => s.name)).toEqual(['order.all', 'clerk']);
    expect(p.next.views.map((v) => [v.name, v.package])).toEqual([['extra_big', 'extra']]);
    expect(p.next.roles.map((r) => [r.name, r.package])).toEqual([['support', 'extra']]);
  });
});

describe('planDeploy: package ownership', () => {
  it('deploying package B never removes package A\'s objects', () => {
    const a = deployAll(shop);
    const p = plan(a, extra);
    expect(kinds(p.steps).filter((k) => k.startsWith('remove'))).toEqual([]);
    expect(p.next.objects.map((o) => [o.name, o.package])).toEqual([['account', 'shop'], ['ticket', 'extra'], ['order', 'shop']]);
    // B's fields on A's account are B's; A's fields stay A's.
    expect(obj(p.next, 'account').fields.map((f) => [f.name, f.package])).toEqual([
      ['tier', 'extra'], ['order_count', 'extra'], ['order_qty', 'extra'], ['name', 'shop'], ['email', 'shop'],
    ]);
    expect(obj(p.next, 'account').validationRules.map((r) => r.package)).toEqual(['extra']);
    expect(obj(p.next, 'account').indexes.map((i) => i.package)).toEqual(['extra']);
    expect(p.next.packages.map((x) => x.name)).toEqual(['extra', 'shop']);
  });

  it('fields, rules and indexes package B added to A\'s object survive A\'s re-deploy', () => {
    const both = deployAll(shop, extra);
    const p = plan(both, edit(shop, (b) => {
      b.package.version = '1.1.0';
      objectIn(b, 'account').fields.push({ name: 'phone', type: 'phone' });
    }));
    expect(kinds(p.steps)).toEqual(['setPackage', 'addField']);
    expect(obj(p.next, 'account').fields.map((f) => f.name)).toEqual(['name', 'email', 'phone', 'tier', 'order_count', 'order_qty']);
    expect(obj(p.next, 'account').validationRules.map((r) => r.name)).toEqual(['tier_known']);
    expect(obj(p.next, 'account').indexes.map((i) => i.fields)).toEqual([['tier']]);
    // And A re-deploying unchanged is empty, B's additions included.
    expect(plan(both, shop).steps).toEqual([]);
  });

  it('what B added to A\'s object goes to the bin when B stops stating that object; A\'s object stays', () => {
    const both = deployAll(shop, extra);
    const p = plan(both, edit(extra, (b) => { b.objects = b.objects!.filter((o) => o.name !== 'account'); }));
    expect(ofKind(p.steps, 'removeField').map((s) => s.field.name)).toEqual(['tier', 'order_count', 'order_qty']);
    expect(ofKind(p.steps, 'removeRule')).toEqual([{ kind: 'removeRule', object: 'account', rule: 'tier_known' }]);
    expect(ofKind(p.steps, 'removeIndex').map((s) => s.index.fields)).toEqual([['tier']]);
    expect(kinds(p.steps)).not.toContain('removeObject');
    expect(obj(p.next, 'account')).toMatchObject({ package: 'shop', label: 'Account' });
    expect(obj(p.next, 'account').fields.map((f) => f.name)).toEqual(['name', 'email']);
  });

  it('finds other packages\' fields that would point at a removed object', () => {
    const both = deployAll(shop, extra);
    const p = plan(both, edit(shop, (b) => { b.objects = b.objects!.filter((o) => o.name !== 'order'); }));
    expect(ofKind(p.steps, 'removeObject').map((s) => s.object.name)).toEqual(['order']);
    expect(danglingReferences(p)).toEqual([
      { object: 'account', field: 'order_count', package: 'extra', target: 'order' },
      { object: 'account', field: 'order_qty', package: 'extra', target: 'order' },
      { object: 'ticket', field: 'order', package: 'extra', target: 'order' },
    ]);
    expect(danglingReferences(plan(both, extra))).toEqual([]);
  });

  it('a package deployed with nothing removes only its own objects', () => {
    const both = deployAll(shop, extra);
    const p = plan(both, { package: { name: 'extra', version: '2.0.0' } });
    expect(ofKind(p.steps, 'removeObject').map((s) => s.object.name)).toEqual(['ticket']);
    expect(p.next.objects.map((o) => o.name)).toEqual(['account', 'order']);
    expect(obj(p.next, 'account').fields.map((f) => f.package)).toEqual(['shop', 'shop']);
  });
});

describe('planDeploy: names and order', () => {
  it('handles a field named order on an object named order', () => {
    const p = plan(emptyRegistry(), { package: { name: 'p', version: '1' }, objects: [{ name: 'order', label: 'Order', fields: [{ name: 'order', type: 'integer' }, { name: 'group', type: 'text' }] }] });
    expect(one(p.steps, 'createObject').object.fields.map((f) => f.name)).toEqual(['order', 'group']);
    const q = plan(p.next, { package: { name: 'p', version: '1' }, objects: [{ name: 'order', label: 'Order', fields: [{ name: 'order', type: 'text' }, { name: 'group', type: 'text' }] }] });
    expect(one(q.steps, 'changeFieldType')).toMatchObject({ object: 'order', field: { name: 'order' }, using: '??::text', usingBindings: ['order'] });
  });

  it('orders renames before creates before changes before removals', () => {
    const reg = deployAll(shop);
    const p = plan(reg, edit(shop, (b) => {
      b.package.version = '2.0.0';
      // remove account (and its reference), create product, rename order → purchase and qty → quantity,
      // change a type, drop a field, add an index, a rule and a view
      b.objects = [{ name: 'product', label: 'Product', fields: [{ name: 'sku', type: 'text' }] }, objectIn(b, 'order')];
      const o = objectIn(b, 'order');
      o.name = 'purchase';
      o.renamedFrom = 'order';
      o.fields = o.fields.filter((f) => f.name !== 'account' && f.name !== 'note');
      Object.assign(o.fields.find((f) => f.name === 'qty')!, { name: 'quantity', renamedFrom: 'qty' });
      Object.assign(o.fields.find((f) => f.name === 'amount')!, { scale: 2 });
      o.fields.push({ name: 'product', type: 'reference', to: 'product' });
      o.indexes = [{ fields: ['status'] }, { fields: ['product'] }];
      o.validationRules = [];
      b.layouts = []; b.views = []; b.roles = []; b.reports = []; b.dashboards = []; b.workflows = [];
    }));
    const order = kinds(p.steps);
    expect(order).toEqual([
      'setPackage', 'renameObject', 'createObject', 'renameField', 'addField', 'changeFieldType',
      'removeField', 'removeField', 'removeObject', 'addIndex', 'removeRule',
      'removeElement', 'removeElement', 'removeElement', 'removeElement', 'removeElement', 'removeElement',
    ]);
    const last = (k: StepKind) => order.lastIndexOf(k);
    const first = (k: StepKind) => order.indexOf(k);
    expect(last('renameObject')).toBeLessThan(first('createObject'));
    expect(last('renameField')).toBeLessThan(first('addField'));
    expect(last('createObject')).toBeLessThan(first('removeField'));
    expect(last('removeField')).toBeLessThan(first('removeObject'));
    expect(ofKind(p.steps, 'addField')[0]).toMatchObject({ object: 'purchase', field: { name: 'product', to: 'product' } });
  });
});

describe('refusals', () => {
  it('counts records in words, singular for one', () => {
    expect(countRecords(3, 'have text that is not a number')).toBe('3 records have text that is not a number');
    expect(countRecords(1, 'have text that is not a number')).toBe('1 record has text that is not a number');
    expect(countRecords(1, 'share their email with another record')).toBe('1 record shares its email with another record');
    expect(countRecords(1, 'would share their qty with another record')).toBe('1 record would share its qty with another record');
    expect(countRecords(1, 'hold more than one tags value')).toBe('1 record holds more than one tags value');
  });

  it('reads each refused check as a sentence with its count', () => {
    const reg = deployAll(shop);
    const p = plan(reg, edit(shop, (b) => { fieldIn(b, 'order', 'qty').type = 'integer'; }));
    const step = { ...one(p.steps, 'changeFieldType'), results: [{ count: 3, reason: 'have text that is not a whole number', refuse: true }, { count: 2, reason: 'warn only', refuse: false }] };
    expect(refusals([step])).toEqual(['refuses to change field order.qty from text to integer: 3 records have text that is not a whole number']);
  });
});

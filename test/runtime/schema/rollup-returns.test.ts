/**
 * A rollup's result type, as the planner derives it: min and max of dates are dates (and get a
 * date column), everything else a number; a child field that changes type changes the rollups
 * over it, whichever package owns them.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef, ObjectDef, PackageBundle } from '../../../metadata/types.ts';
import { emptyRegistry, type DeployedField, type RegistryDoc } from '../../../runtime/metadata/deployed.ts';
import { exportBundle } from '../../../runtime/metadata/export.ts';
import { columnType } from '../../../runtime/schema/column-type.ts';
import { planDeploy, type Plan } from '../../../runtime/schema/plan.ts';
import { describeStep, type PlanStep, type StepKind } from '../../../runtime/schema/steps.ts';

function counter(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
const ids = counter('x');
const plan = (current: RegistryDoc, bundle: PackageBundle): Plan => planDeploy(current, bundle, { newId: ids, now: '2024-05-01T00:00:00.000Z' });
const deployAll = (...bundles: PackageBundle[]): RegistryDoc => bundles.reduce((reg, b) => plan(reg, b).next, emptyRegistry());
const ofKind = <K extends StepKind>(steps: PlanStep[], kind: K) => steps.filter((s): s is Extract<PlanStep, { kind: K }> => s.kind === kind);

function fld(reg: RegistryDoc, object: string, name: string): DeployedField {
  const f = reg.objects.find((o) => o.name === object)?.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${object}.${name}`);
  return f;
}
function edit(b: PackageBundle, fn: (objects: Map<string, ObjectDef>) => void): PackageBundle {
  const c = structuredClone(b);
  fn(new Map((c.objects ?? []).map((o) => [o.name, o])));
  return c;
}
function setField(o: ObjectDef | undefined, name: string, def: FieldDef): void {
  const i = o!.fields.findIndex((f) => f.name === name);
  o!.fields[i] = def;
}

const shop: PackageBundle = {
  package: { name: 'shop', version: '1.0.0' },
  objects: [
    {
      name: 'account', label: 'Account',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'last_order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'placed_on' },
        { name: 'first_paid', type: 'rollup', of: 'order.account', aggregate: 'min', field: 'paid_at', filter: { status: 'paid' } },
        { name: 'latest_due', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'due' },
        { name: 'biggest', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'amount', scale: 2 },
        { name: 'total', type: 'rollup', of: 'order.account', aggregate: 'sum', field: 'amount' },
        { name: 'orders', type: 'rollup', of: 'order.account', aggregate: 'count' },
        { name: 'last_change', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'updatedAt' },
      ],
    },
    {
      name: 'order', label: 'Order',
      fields: [
        { name: 'account', type: 'reference', to: 'account' },
        { name: 'placed_on', type: 'date' },
        { name: 'paid_at', type: 'datetime' },
        { name: 'amount', type: 'decimal' },
        { name: 'status', type: 'picklist', options: [{ value: 'new' }, { value: 'paid' }] },
        { name: 'due', type: 'formula', returns: 'date', expression: { var: 'placed_on' } },
      ],
    },
  ],
};

describe('the planner derives rollup result types', () => {
  const reg = deployAll(shop);

  it('min and max of a date, a datetime, a date formula or a system time hold that type; the rest hold numbers', () => {
    expect(fld(reg, 'account', 'last_order')).toMatchObject({ returns: 'date' });
    expect(fld(reg, 'account', 'first_paid')).toMatchObject({ returns: 'datetime' });
    expect(fld(reg, 'account', 'latest_due')).toMatchObject({ returns: 'date' });
    expect(fld(reg, 'account', 'last_change')).toMatchObject({ returns: 'datetime' });
    // A number is stored as no `returns`: registries deployed before compare equal.
    for (const n of ['biggest', 'total', 'orders']) expect(fld(reg, 'account', n)).not.toHaveProperty('returns');
  });

  it('gives their columns the child column type', () => {
    expect(columnType(fld(reg, 'account', 'last_order'))).toBe('date');
    expect(columnType(fld(reg, 'account', 'first_paid'))).toBe('timestamptz');
    expect(columnType(fld(reg, 'account', 'biggest'))).toBe('numeric(18,2)');
    expect(columnType(fld(reg, 'account', 'total'))).toBe('numeric');
  });

  it('re-deploying is no change, and so is stating the type the deploy derives', () => {
    expect(plan(reg, shop).steps).toEqual([]);
    const stated = edit(shop, (o) => {
      setField(o.get('account'), 'last_order', { name: 'last_order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'placed_on', returns: 'date' });
      setField(o.get('account'), 'total', { name: 'total', type: 'rollup', of: 'order.account', aggregate: 'sum', field: 'amount', returns: 'number' });
    });
    expect(plan(reg, stated).steps).toEqual([]);
  });

  it('an export leaves the derived type out, and deploys again as no change', () => {
    const exported = exportBundle(reg, 'shop')!;
    const account = exported.objects!.find((o) => o.name === 'account')!;
    expect(account.fields.find((f) => f.name === 'last_order')).not.toHaveProperty('returns');
    expect(plan(reg, exported).steps).toEqual([]);
  });

  it('a stated type is never trusted: the derived one is deployed', () => {
    const wrong = edit(shop, (o) => {
      setField(o.get('account'), 'last_order', { name: 'last_order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'placed_on', returns: 'datetime' });
    });
    expect(fld(deployAll(wrong), 'account', 'last_order')).toMatchObject({ returns: 'date' });
  });

  it('a rollup over a rollup of dates is a date too', () => {
    const region: PackageBundle = {
      package: { name: 'regions', version: '1.0.0' },
      objects: [
        { name: 'region', label: 'Region', fields: [{ name: 'last_order', type: 'rollup', of: 'account.region', aggregate: 'max', field: 'last_order' }] },
        { name: 'account', label: 'Account', fields: [{ name: 'region', type: 'reference', to: 'region' }] },
      ],
    };
    const both = deployAll(shop, region);
    expect(fld(both, 'region', 'last_order')).toMatchObject({ returns: 'date', package: 'regions' });
  });
});

describe('a child field changing type changes the rollups over it', () => {
  const reg = deployAll(shop);
  const toDatetime = edit(shop, (o) => {
    setField(o.get('order'), 'placed_on', { name: 'placed_on', type: 'datetime' });
  });

  it('plans the rollup\'s column type change: emptied, then recomputed by the backfill', () => {
    const p = plan(reg, toDatetime);
    const changes = ofKind(p.steps, 'changeFieldType');
    expect(changes.map((s) => `${s.object}.${s.field.name}`)).toEqual(['account.last_order', 'order.placed_on']);
    const rollup = changes[0];
    expect(rollup.previous).toMatchObject({ returns: 'date' });
    expect(rollup.field).toMatchObject({ returns: 'datetime', id: fld(reg, 'account', 'last_order').id });
    // A computed column is recomputed rather than converted (apply backfills it).
    expect(rollup).toMatchObject({ using: 'NULL::timestamptz', checks: [] });
    expect(describeStep(rollup)).toBe('changes field account.last_order from rollup (date) to rollup (datetime)');
    expect(fld(p.next, 'account', 'last_order')).toMatchObject({ returns: 'datetime' });
    // The formula over it still returns a date, so the rollup over the formula is unchanged.
    expect(fld(p.next, 'account', 'latest_due')).toMatchObject({ returns: 'date' });
    expect(plan(p.next, toDatetime).steps).toEqual([]);
  });

  it('a child that becomes a number makes the rollup a number again', () => {
    const toNumber = edit(shop, (o) => { setField(o.get('order'), 'paid_at', { name: 'paid_at', type: 'integer' }); });
    const p = plan(reg, toNumber);
    const rollup = ofKind(p.steps, 'changeFieldType').find((s) => s.field.name === 'first_paid');
    expect(rollup).toMatchObject({ using: 'NULL::numeric' });
    expect(fld(p.next, 'account', 'first_paid')).not.toHaveProperty('returns');
  });

  it('follows into another package\'s rollup, which stays that package\'s', () => {
    const extra: PackageBundle = {
      package: { name: 'extra', version: '1.0.0' },
      objects: [{ name: 'account', label: 'Account', fields: [
        { name: 'first_order', type: 'rollup', of: 'order.account', aggregate: 'min', field: 'placed_on' },
      ] }],
    };
    const both = deployAll(shop, extra);
    expect(fld(both, 'account', 'first_order')).toMatchObject({ returns: 'date', package: 'extra' });
    const p = plan(both, toDatetime);
    const step = ofKind(p.steps, 'changeFieldType').find((s) => s.field.name === 'first_order');
    expect(step).toMatchObject({ object: 'account', using: 'NULL::timestamptz' });
    expect(fld(p.next, 'account', 'first_order')).toMatchObject({ returns: 'datetime', package: 'extra' });
    expect(fld(p.next, 'account', 'first_order')).not.toHaveProperty('customizedBy');
  });

  it('follows into a rollup on an object the deploying package does not state', () => {
    const children: PackageBundle = {
      package: { name: 'children', version: '1.0.0' },
      objects: [{ name: 'visit', label: 'Visit', fields: [
        { name: 'account', type: 'reference', to: 'account' }, { name: 'on', type: 'date' },
      ] }],
    };
    const parents: PackageBundle = {
      package: { name: 'parents', version: '1.0.0' },
      objects: [{ name: 'account', label: 'Account', fields: [{ name: 'last_visit', type: 'rollup', of: 'visit.account', aggregate: 'max', field: 'on' }] }],
    };
    const reg2 = deployAll(shop, children, parents);
    expect(fld(reg2, 'account', 'last_visit')).toMatchObject({ returns: 'date' });
    const p = plan(reg2, { ...children, package: { name: 'children', version: '1.1.0' }, objects: [{ name: 'visit', label: 'Visit', fields: [
      { name: 'account', type: 'reference', to: 'account' }, { name: 'on', type: 'datetime' },
    ] }] });
    expect(ofKind(p.steps, 'changeFieldType').map((s) => `${s.object}.${s.field.name}`)).toEqual(['visit.on', 'account.last_visit']);
    expect(fld(p.next, 'account', 'last_visit')).toMatchObject({ returns: 'datetime', package: 'parents' });
  });

  it('a renamed child field is followed, and the type it keeps changes nothing', () => {
    const renamed = edit(shop, (o) => {
        setField(o.get('order'), 'placed_on', { name: 'ordered_on', type: 'date', renamedFrom: 'placed_on' });
      setField(o.get('account'), 'last_order', { name: 'last_order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'ordered_on' });
      setField(o.get('order'), 'due', { name: 'due', type: 'formula', returns: 'date', expression: { var: 'ordered_on' } });
    });
    const p = plan(reg, renamed);
    expect(ofKind(p.steps, 'changeFieldType')).toEqual([]);
    expect(fld(p.next, 'account', 'last_order')).toMatchObject({ field: 'ordered_on', returns: 'date' });
  });
});

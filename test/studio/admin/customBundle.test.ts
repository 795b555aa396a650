import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../../metadata/types.ts';
import {
  customBase, finalizeCustom, nextVersion, putField, putLayout, putObject, putRole, putRule, removeField,
  removeObject, renameField, renameVars, type Deployed,
} from '../../../studio/src/admin/customBundle.ts';
import type { StudioMetadata, StudioObject } from '../../../studio/src/admin/types.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

const caseObj: StudioObject = {
  id: 'o1', name: 'case', label: 'Case', package: 'crm-core', nameField: 'subject',
  fields: [
    { id: 'f1', package: 'crm-core', name: 'subject', type: 'text' },
    { id: 'f2', package: 'crm-core', name: 'status', type: 'picklist', options: [{ value: 'new' }] },
    { id: 'f3', package: 'custom', name: 'mood', type: 'text' },
  ],
  validationRules: [
    { package: 'crm-core', name: 'core_rule', when: true, message: 'x' },
    { package: 'custom', name: 'my_rule', when: { '!': { var: 'subject' } }, message: 'y' },
  ],
  indexes: [],
};
const vehicle: StudioObject = {
  id: 'o2', name: 'vehicle', label: 'Vehicle', package: 'custom', nameField: 'name',
  fields: [
    { id: 'f4', package: 'custom', name: 'name', type: 'text' },
    { id: 'f5', package: 'custom', name: 'plate', type: 'text' },
  ],
  validationRules: [{ package: 'custom', name: 'plate_needed', field: 'plate', when: { '!': { var: 'plate' } }, message: 'Plate!' }],
};
const deployed: Deployed = {
  objects: [caseObj, vehicle],
  layouts: [
    { name: 'default', object: 'vehicle', sections: [{ label: 'Main', columns: [{ fields: ['name', 'plate'] }] }] },
    { name: 'default', object: 'case', sections: [{ label: 'Case', columns: [{ fields: ['subject', 'mood'] }] }] },
  ],
  views: [{ name: 'all', object: 'vehicle', columns: ['name', 'plate'], sort: ['-plate'], filter: { plate: { startsWith: 'A' } } }],
  roles: [{ name: 'sales_rep', objects: { vehicle: { read: { plate: { isNull: false } } } }, fields: { 'vehicle.plate': 'read' } }],
};

describe('customBundle (pure)', () => {
  it('bumps versions', () => {
    expect(nextVersion(undefined)).toBe('1.0.1');
    expect(nextVersion('1.0.9')).toBe('1.0.10');
    expect(nextVersion('2.1.0-beta.1')).toBe('2.1.1');
  });

  it('starts from the export, adding custom rules on objects the export leaves out', () => {
    const onlyRule: StudioObject = { ...caseObj, fields: caseObj.fields.filter((f) => f.package !== 'custom') };
    const base = customBase(undefined, [onlyRule]);
    expect(base.package.name).toBe('custom');
    expect(base.objects).toEqual([{ name: 'case', label: 'Case', fields: [], validationRules: [{ name: 'my_rule', when: { '!': { var: 'subject' } }, message: 'y' }] }]);
    const exported: PackageBundle = { package: { name: 'custom', version: '1.0.4' }, objects: [{ name: 'case', label: 'Case', fields: [{ name: 'mood', type: 'text' }] }] };
    const b2 = customBase(exported, [caseObj]);
    expect(b2.objects).toHaveLength(1);
    expect(b2).not.toBe(exported);
  });

  it('adds a field to another package\'s object and states its other fields, in order, for the validator', () => {
    const base = customBase({ package: { name: 'custom', version: '1.0.4' }, objects: [{ name: 'case', label: 'Case', fields: [{ name: 'mood', type: 'text' }] }] }, [caseObj]);
    const next = finalizeCustom(putField(base, caseObj, { name: 'priority', type: 'integer', label: 'Priority' }), [caseObj]);
    expect(next.package.version).toBe('1.0.5');
    expect(next.objects![0].fields.map((f) => f.name)).toEqual(['subject', 'status', 'mood', 'priority']);
    expect(base.objects![0].fields).toHaveLength(1);
  });

  it('does not bring back a custom field the admin removed', () => {
    const base = customBase({ package: { name: 'custom', version: '1.0.4' }, objects: [{ name: 'case', label: 'Case', fields: [{ name: 'mood', type: 'text' }] }] }, [caseObj]);
    const next = finalizeCustom(removeField(base, deployed, caseObj, 'mood'), [caseObj]);
    expect(next.objects![0].fields.map((f) => f.name)).toEqual(['subject', 'status']);
    // the crm-core layout that showed it is stated without it (it stays crm-core's)
    expect(next.layouts).toEqual([{ name: 'default', object: 'case', sections: [{ label: 'Case', columns: [{ fields: ['subject'] }] }] }]);
  });

  it('renames a field with renamedFrom and follows it everywhere', () => {
    let base = customBase(undefined, []);
    base = putObject(base, { name: 'vehicle', label: 'Vehicle', nameField: 'plate', fields: [{ name: 'name', type: 'text' }, { name: 'plate', type: 'text' }, { name: 'shout', type: 'formula', returns: 'text', expression: { upper: { var: 'plate' } } }],
      validationRules: [{ name: 'plate_needed', field: 'plate', when: { '!': { var: 'plate' } }, message: 'Plate!' }], indexes: [{ fields: ['plate'], unique: true }] });
    const next = finalizeCustom(renameField(base, deployed, vehicle, 'plate', 'registration', { label: 'Registration' }), [vehicle]);
    const o = next.objects![0];
    expect(o.fields[1]).toEqual({ name: 'registration', type: 'text', label: 'Registration', renamedFrom: 'plate' });
    expect(o.fields.map((f) => f.name)).toEqual(['name', 'registration', 'shout']);
    expect(o.nameField).toBe('registration');
    expect(o.fields[2]).toMatchObject({ expression: { upper: { var: 'registration' } } });
    expect(o.validationRules![0]).toMatchObject({ field: 'registration', when: { '!': { var: 'registration' } } });
    expect(o.indexes![0].fields).toEqual(['registration']);
    expect(next.layouts![0].sections[0].columns[0].fields).toEqual(['name', 'registration']);
    expect(next.views![0]).toMatchObject({ columns: ['name', 'registration'], sort: ['-registration'], filter: { registration: { startsWith: 'A' } } });
    expect(next.roles![0]).toMatchObject({ objects: { vehicle: { read: { registration: { isNull: false } } } }, fields: { 'vehicle.registration': 'read' } });
  });

  it('renames $previous vars and paths', () => {
    expect(renameVars({ and: [{ var: '$previous.plate' }, { var: ['plate.x', 1] }, { var: 'plates' }] }, 'plate', 'reg'))
      .toEqual({ and: [{ var: '$previous.reg' }, { var: ['reg.x', 1] }, { var: 'plates' }] });
  });

  it('removes an object with its layouts, views and role entries', () => {
    let b = putObject(customBase(undefined, []), { name: 'vehicle', label: 'Vehicle', fields: [] });
    b = putLayout(b, deployed.layouts[0]);
    b = putRole(b, { name: 'fleet', objects: { vehicle: { read: 'all' }, case: { read: 'all' } }, fields: { 'vehicle.plate': 'none' } });
    const next = removeObject(b, 'vehicle');
    expect(next.objects).toEqual([]);
    expect(next.layouts).toEqual([]);
    expect(next.roles).toEqual([{ name: 'fleet', objects: { case: { read: 'all' } }, fields: {} }]);
  });

  it('puts and renames rules in place', () => {
    let b = putRule(customBase(undefined, []), caseObj, { name: 'a', when: true, message: 'A' });
    b = putRule(b, caseObj, { name: 'b', when: true, message: 'B' });
    b = putRule(b, caseObj, { name: 'a2', when: false, message: 'A2' }, 'a');
    expect(b.objects![0].validationRules!.map((r) => r.name)).toEqual(['a2', 'b']);
  });
});

describe('customBundle against the deploy engine', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t?.close(); });

  async function state(): Promise<{ base: PackageBundle; meta: StudioMetadata }> {
    const meta = (await t.api('GET', '/api/metadata')).json() as StudioMetadata;
    const exp = await t.api('GET', '/api/metadata/export?package=custom');
    return { meta, base: customBase(exp.statusCode === 404 ? undefined : (exp.json() as PackageBundle), meta.objects) };
  }
  async function deploy(bundle: PackageBundle) {
    const res = await t.api('POST', '/api/metadata/deploy?dryRun=false', bundle);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { plan: Array<{ kind: string; description: string }> };
  }
  const obj = (meta: StudioMetadata, name: string) => meta.objects.find((o) => o.name === name)!;

  it('layers customizations over crm-core across deploys without losing earlier ones', async () => {
    // 1. a field on crm-core's case
    let { base, meta } = await state();
    let r = await deploy(finalizeCustom(putField(base, obj(meta, 'case'), { name: 'mood', label: 'Mood', type: 'text' }), meta.objects));
    expect(r.plan.map((s) => s.description)).toContain('adds field Mood (mood) (text) to case');
    expect(r.plan.filter((s) => s.kind !== 'setPackage')).toHaveLength(1);
    // 2. a rule on case naming crm-core fields, on top
    ({ base, meta } = await state());
    r = await deploy(finalizeCustom(putRule(base, obj(meta, 'case'), { name: 'no_urgent_questions', when: { and: [{ '==': [{ var: 'priority' }, 'urgent'] }, { '==': [{ var: 'type' }, 'question'] }] }, message: 'A question is not urgent' }), meta.objects));
    expect(r.plan.map((s) => s.description)).toEqual(['upgrades package custom from 1.0.1 to 1.0.2', 'adds validation rule no_urgent_questions on case']);
    // 3. remove the field: the rule stays, crm-core's fields stay
    ({ base, meta } = await state());
    r = await deploy(finalizeCustom(removeField(base, meta, obj(meta, 'case'), 'mood'), meta.objects));
    expect(r.plan.map((s) => s.description)).toContain('moves field case.mood and its data to the recycle bin');
    // 4. with only the rule left (no custom field on case), an unrelated change keeps it
    ({ base, meta } = await state());
    r = await deploy(finalizeCustom(putObject(base, { name: 'vehicle', label: 'Vehicle', nameField: 'name', fields: [{ name: 'name', type: 'text', required: true }, { name: 'plate', type: 'text' }] }), meta.objects));
    expect(r.plan.map((s) => s.kind)).toEqual(['setPackage', 'createObject']);
    ({ meta } = await state());
    expect(obj(meta, 'case').validationRules!.map((x) => x.name)).toContain('no_urgent_questions');
    expect(obj(meta, 'case').fields.map((f) => f.name).slice(0, 3)).toEqual(['case_number', 'subject', 'description']);
  });

  it('renames a field with data and keeps the data', async () => {
    const created = await t.api('POST', '/api/records/vehicle', { name: 'Van', plate: 'AB-123' });
    expect(created.statusCode).toBe(201);
    const { base, meta } = await state();
    const r = await deploy(finalizeCustom(renameField(base, meta, obj(meta, 'vehicle'), 'plate', 'registration'), meta.objects));
    expect(r.plan.map((s) => s.description)).toContain('renames field vehicle.plate to registration, keeping its data');
    const rec = (await t.api('GET', `/api/records/vehicle/${created.json().id}`)).json();
    expect(rec.registration).toBe('AB-123');
  });
});

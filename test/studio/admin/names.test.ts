import type { RoleDef } from '../../../metadata/types.ts';
import { describe, expect, it } from 'vitest';
import { labelFromName, nameFromLabel, nameProblem, pluralize, uniqueName } from '../../../studio/src/admin/names.ts';
import { countRecords, describeProblemPath, parseBundle } from '../../../studio/src/admin/deployText.ts';
import { accessKind, accessValue, setAccess, setFieldAccess, summarize } from '../../../studio/src/admin/roleModel.ts';

describe('names', () => {
  it('makes names from labels', () => {
    expect(nameFromLabel('Licence plate')).toBe('licence_plate');
    expect(nameFromLabel('  Crème brûlée #2 ')).toBe('creme_brulee_2');
    expect(nameFromLabel('2nd owner')).toBe('f_2nd_owner');
    expect(nameFromLabel('!!!')).toBe('');
    expect(nameFromLabel('x'.repeat(60))).toHaveLength(40);
    expect(uniqueName('make', ['make', 'make_2'])).toBe('make_3');
    expect(nameProblem('id', { field: true })).toMatch(/already/);
    expect(nameProblem('Bad Name')).toMatch(/Lowercase/);
    expect(nameProblem('make', { taken: ['make'] })).toBe('That name is taken');
    expect(nameProblem('make')).toBeUndefined();
    expect(pluralize('Vehicle')).toBe('Vehicles');
    expect(pluralize('Company')).toBe('Companies');
    expect(pluralize('Address')).toBe('Addresses');
    expect(labelFromName('close_date')).toBe('Close date');
  });
});

describe('deploy text', () => {
  it('counts records in words', () => {
    expect(countRecords(12, 'have text that is not a number')).toBe('12 records have text that is not a number');
    expect(countRecords(1, 'have text that is not a number')).toBe('1 record has text that is not a number');
    expect(countRecords(1, 'share their plate with another record, so it cannot be unique')).toBe('1 record shares its plate with another record, so it cannot be unique');
  });

  it('says where a package problem is', () => {
    const bundle = { package: { name: 'custom', version: '1' }, objects: [{ name: 'vehicle', label: 'Vehicle', fields: [{ name: 'plate', label: 'Plate', type: 'text' as const }], validationRules: [{ name: 'old_car', when: true, message: 'x' }] }],
      layouts: [{ name: 'default', object: 'vehicle', sections: [{ label: 'Main', columns: [{ fields: ['plate'] }] }] }] };
    expect(describeProblemPath(bundle, '/objects/0/fields/0/default')).toBe('Vehicle › field Plate › default');
    expect(describeProblemPath(bundle, '/objects/0/validationRules/0/when/==/0/var')).toBe('Vehicle › rule old_car › when › == › 0 › var');
    expect(describeProblemPath(bundle, '/layouts/0/sections/0/columns/0/fields/0')).toBe('layout default › section Main');
    expect(describeProblemPath(bundle, '/package/version')).toBe('package › version');
    expect(describeProblemPath(bundle, '')).toBe('The package');
  });

  it('reads bundles from files', () => {
    expect(parseBundle('{').problem).toMatch(/not JSON/);
    expect(parseBundle('[]').problem).toMatch(/JSON object/);
    expect(parseBundle('{"objects": []}').problem).toMatch(/"package"/);
    expect(parseBundle('{"package": {"name": "shop", "version": "1.0.0"}}').bundle?.package.name).toBe('shop');
  });
});

describe('role model', () => {
  it('maps access both ways', () => {
    expect(accessKind(undefined)).toBe('none');
    expect(accessKind(true)).toBe('all');
    expect(accessKind({ ownerId: '$user.id' })).toBe('filter');
    expect(accessValue('none')).toBe(false);
    expect(accessValue('filter', { status: 'open' })).toEqual({ status: 'open' });
  });

  it('sets grid cells and field access, dropping what grants nothing', () => {
    let r: RoleDef = { name: 'sales', objects: {} };
    r = setAccess(r, 'vehicle', 'read', 'all');
    r = setAccess(r, 'vehicle', 'create', true);
    expect(r.objects).toEqual({ vehicle: { read: 'all', create: true } });
    expect(summarize(r.objects.vehicle)).toBe('read all · create');
    r = setAccess(setAccess(r, 'vehicle', 'read', false), 'vehicle', 'create', false);
    expect(r.objects).toEqual({});
    const f = setFieldAccess(r, 'vehicle', 'price', 'read');
    expect(f.fields).toEqual({ 'vehicle.price': 'read' });
    expect(setFieldAccess(f, 'vehicle', 'price', 'edit').fields).toBeUndefined();
  });
});

/** Admin customizations (package `custom`) layered over an installed package survive its upgrades. */
import { describe, expect, it } from 'vitest';
import type { ObjectDef, PackageBundle } from '../../../metadata/types.ts';
import { emptyRegistry, type RegistryDoc } from '../../../runtime/metadata/deployed.ts';
import { exportBundle } from '../../../runtime/metadata/export.ts';
import { planDeploy } from '../../../runtime/schema/plan.ts';

let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const thing = (options: string[], extra: ObjectDef['fields'] = []): ObjectDef => ({
  name: 'thing', label: 'Thing',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'status', type: 'picklist', options: options.map((value) => ({ value })) },
    ...extra,
  ],
});

function deploy(reg: RegistryDoc, bundle: PackageBundle) {
  return planDeploy(reg, bundle, { newId, now: '2026-01-01T00:00:00.000Z' });
}

describe('customizations layered over packages', () => {
  it('keeps the admin’s version of a package field through an upgrade, and adds the upgrade’s new fields', () => {
    let reg = deploy(emptyRegistry(), { package: { name: 'vendor', version: '1.0.0' }, objects: [thing(['a', 'b'])], views: [{ name: 'all', object: 'thing', columns: ['title'] }] }).next;
    // The admin adds an option and a field, and changes the list view.
    const custom = deploy(reg, {
      package: { name: 'custom', version: '1.0.1' },
      objects: [{ ...thing(['a', 'b', 'c']), fields: [thing(['a', 'b', 'c']).fields[1], { name: 'extra', type: 'text' }] }],
      views: [{ name: 'all', object: 'thing', columns: ['title', 'status'] }],
    });
    reg = custom.next;
    const status = reg.objects[0].fields.find((f) => f.name === 'status')!;
    expect(status.package).toBe('vendor');
    expect(status.customizedBy).toBe('custom');

    // The vendor ships 1.1.0 with another option and a new field.
    const upgrade = deploy(reg, { package: { name: 'vendor', version: '1.1.0' }, objects: [thing(['a', 'b', 'd'], [{ name: 'more', type: 'integer' }])], views: [{ name: 'all', object: 'thing', columns: ['title', 'more'] }] });
    const fields = upgrade.next.objects[0].fields;
    const kept = fields.find((f) => f.name === 'status')!;
    expect(kept.type === 'picklist' && kept.options.map((o) => o.value)).toEqual(['a', 'b', 'c']);
    expect(fields.map((f) => f.name).sort()).toEqual(['extra', 'more', 'status', 'title']);
    expect(upgrade.next.views[0].columns).toEqual(['title', 'status']);
    const kinds = upgrade.steps.map((s) => s.kind);
    expect(kinds).toContain('keepCustomization');
    expect(kinds).toContain('addField');
    expect(kinds).not.toContain('removeField');

    // What the admin changed exports as the custom package.
    const exported = exportBundle(upgrade.next, 'custom')!;
    expect(exported.objects![0].fields.map((f) => f.name).sort()).toEqual(['extra', 'status']);
    expect(exported.views!.map((v) => v.name)).toEqual(['all']);
  });

  it('reports a customization whose target the package removed', () => {
    let reg = deploy(emptyRegistry(), { package: { name: 'vendor', version: '1.0.0' }, objects: [thing(['a'])] }).next;
    reg = deploy(reg, { package: { name: 'custom', version: '1.0.1' }, objects: [{ ...thing(['a', 'z']), fields: [thing(['a', 'z']).fields[1]] }] }).next;
    const upgrade = deploy(reg, { package: { name: 'vendor', version: '2.0.0' }, objects: [{ name: 'thing', label: 'Thing', fields: [{ name: 'title', type: 'text' }] }] });
    const lost = upgrade.steps.find((s) => s.kind === 'customizationLost');
    expect(lost).toMatchObject({ element: 'field', name: 'thing.status', by: 'custom' });
    expect(upgrade.steps.some((s) => s.kind === 'removeField')).toBe(true);
  });
});

/**
 * The deployed registry as a package bundle again: everything, or what one package brought.
 * Identity and ownership are the registry's business and are left out, and so are the result
 * types the deploy derives for rollups.
 */
import { withoutDerivedType } from '../../metadata/rollup-type.ts';
import { ELEMENT_KINDS, type FieldDef, type ObjectDef, type PackageBundle } from '../../metadata/types.ts';
import type { DeployedObject, RegistryDoc } from './deployed.ts';

function objectDef(o: DeployedObject, pkg: string | undefined): ObjectDef {
  const { id: _id, package: _p, fields, validationRules, indexes, ...props } = o;
  const mine = <T extends { package: string; customizedBy?: string }>(x: T) => pkg === undefined || x.package === pkg || x.customizedBy === pkg;
  const def: ObjectDef = {
    ...props,
    fields: fields.filter(mine).map(({ id: _i, package: _pk, customizedBy: _c, ...f }) => withoutDerivedType(f as FieldDef)),
  };
  const rules = validationRules.filter(mine).map(({ package: _pk, ...r }) => r);
  if (rules.length) def.validationRules = rules;
  const ix = indexes.filter(mine).map(({ package: _pk, indexName: _n, ...i }) => i);
  if (ix.length) def.indexes = ix;
  return def;
}

export function exportBundle(reg: RegistryDoc, pkgName?: string): PackageBundle | undefined {
  const pkg = pkgName ? reg.packages.find((p) => p.name === pkgName) : undefined;
  if (pkgName && !pkg) return undefined;
  const bundle: PackageBundle = {
    package: pkg
      ? { name: pkg.name, version: pkg.version, ...(pkg.label ? { label: pkg.label } : {}) }
      : { name: 'strata-export', version: `1.0.${reg.version}`, label: 'Everything deployed' },
    objects: reg.objects
      .filter((o) => !pkgName || o.package === pkgName || o.fields.some((f) => f.package === pkgName || f.customizedBy === pkgName)
        || o.validationRules.some((r) => r.package === pkgName) || o.indexes.some((i) => i.package === pkgName))
      .map((o) => objectDef(o, pkgName)),
  };
  for (const kind of ELEMENT_KINDS) {
    const items = (reg[kind] as Array<{ package: string; customizedBy?: string }>)
      .filter((e) => !pkgName || e.package === pkgName || e.customizedBy === pkgName)
      .map(({ package: _p, customizedBy: _c, ...e }) => e);
    (bundle as unknown as Record<string, unknown>)[kind] = items;
  }
  return bundle;
}

/**
 * The admin's customizations as one package, `custom`, rebuilt for every studio save.
 *
 * A package deploy removes what that package owned before but no longer states, so the next
 * `custom` bundle is always: everything customized so far (the export of package `custom`)
 * plus the one change the admin just made. Objects of other packages appear in it only with
 * what the admin added or changed; the planner keeps everything else they have. Elements of
 * other packages the admin changed (a crm-core layout, a role) are stated here and stay owned
 * by their package.
 *
 * Pure: every function returns a new bundle and leaves its input alone.
 */
import { withoutDerivedType } from '../../../metadata/rollup-type.ts';
import type {
  FieldDef, JsonValue, LayoutDef, ObjectDef, PackageBundle, RecordFilter, RoleDef, ValidationRule, ViewDef,
} from '../../../metadata/types.ts';
import { CUSTOM_PACKAGE, type StudioField, type StudioObject } from './types.ts';

export const CUSTOM_LABEL = 'Admin customizations';

/** What a change may look at besides the bundle: the deployed metadata. */
export interface Deployed {
  objects: StudioObject[];
  layouts: LayoutDef[];
  views: ViewDef[];
  roles: RoleDef[];
}

export function emptyCustom(): PackageBundle {
  return { package: { name: CUSTOM_PACKAGE, version: '1.0.0', label: CUSTOM_LABEL }, objects: [], layouts: [], views: [], roles: [] };
}

/** `1.0.7` → `1.0.8` (pre-release and build tags dropped); nothing yet → `1.0.1`. */
export function nextVersion(version: string | undefined): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return '1.0.1';
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** The field as a package states it: no id, no owner, no rollup result type (the deploy derives it). */
export function fieldDefOf(f: StudioField | FieldDef): FieldDef {
  const { id: _id, package: _p, ...def } = f as StudioField;
  return withoutDerivedType(def as FieldDef);
}

/**
 * The customizations deployed so far: the export of package `custom` (undefined when there is
 * none yet), plus custom validation rules and indexes on other packages' objects that carry no
 * custom field (the export leaves such objects out; stating none of them would remove them).
 */
export function customBase(exported: PackageBundle | undefined, objects: StudioObject[]): PackageBundle {
  const base: PackageBundle = exported ? clone(exported) : emptyCustom();
  base.objects ??= [];
  base.layouts ??= [];
  base.views ??= [];
  base.roles ??= [];
  for (const o of objects) {
    if (o.package === CUSTOM_PACKAGE || base.objects.some((b) => b.name === o.name)) continue;
    const fields = o.fields.filter((f) => f.package === CUSTOM_PACKAGE).map(fieldDefOf);
    const rules = (o.validationRules ?? []).filter((r) => r.package === CUSTOM_PACKAGE).map(({ package: _p, ...r }) => r);
    const indexes = (o.indexes ?? []).filter((i) => i.package === CUSTOM_PACKAGE).map(({ package: _p, indexName: _n, ...i }) => i);
    if (!fields.length && !rules.length && !indexes.length) continue;
    base.objects.push({
      name: o.name, label: o.label, fields,
      ...(rules.length ? { validationRules: rules } : {}),
      ...(indexes.length ? { indexes } : {}),
    });
  }
  return base;
}

/** The bundle's entry for `object` (made from the deployed object when the bundle has none). */
function entry(bundle: PackageBundle, object: StudioObject | ObjectDef): ObjectDef {
  bundle.objects ??= [];
  let e = bundle.objects.find((o) => o.name === object.name);
  if (!e) {
    const own = (object as StudioObject).package === CUSTOM_PACKAGE;
    e = own
      ? objectDefOf(object as StudioObject)
      : { name: object.name, label: object.label, fields: [] };
    bundle.objects.push(e);
  }
  return e;
}

/** A deployed object as a package states it (for objects the admin created). */
export function objectDefOf(o: StudioObject): ObjectDef {
  const { id: _id, package: _p, fields, validationRules, indexes, ...props } = o;
  const def: ObjectDef = { ...props, fields: fields.filter((f) => f.package === o.package).map(fieldDefOf) };
  const rules = (validationRules ?? []).filter((r) => r.package === o.package).map(({ package: _pk, ...r }) => r);
  if (rules.length) def.validationRules = rules;
  const ix = (indexes ?? []).filter((i) => i.package === o.package).map(({ package: _pk, indexName: _n, ...i }) => i);
  if (ix.length) def.indexes = ix;
  return def;
}

/** Adds or replaces a whole object (one the admin owns). */
export function putObject(bundle: PackageBundle, def: ObjectDef): PackageBundle {
  const next = clone(bundle);
  next.objects = [...(next.objects ?? []).filter((o) => o.name !== def.name), clone(def)];
  return next;
}

/** Changes an object's own properties (label, plural label, name field…), keeping its fields and rules. */
export function putObjectProps(bundle: PackageBundle, object: StudioObject, props: Partial<Omit<ObjectDef, 'name' | 'fields' | 'validationRules' | 'indexes'>>): PackageBundle {
  const next = clone(bundle);
  const e = entry(next, object);
  for (const [k, v] of Object.entries(props)) {
    const key = k as keyof ObjectDef;
    if (v === undefined || v === '') delete (e as unknown as Record<string, unknown>)[key];
    else (e as unknown as Record<string, unknown>)[key] = v;
  }
  return next;
}

/** Adds a field, or replaces the field of that name (a field of another package is changed in place). */
export function putField(bundle: PackageBundle, object: StudioObject | ObjectDef, field: FieldDef): PackageBundle {
  const next = clone(bundle);
  const e = entry(next, object);
  const def = fieldDefOf(field);
  const i = e.fields.findIndex((f) => f.name === def.name);
  if (i >= 0) e.fields[i] = def;
  else e.fields.push(def);
  return next;
}

// ── renames and removals follow the field into everything that names it ──

type Json = JsonValue;

function renamePath(path: string, from: string, to: string): string {
  for (const prefix of ['', '$previous.']) {
    const old = `${prefix}${from}`;
    if (path === old) return `${prefix}${to}`;
    if (path.startsWith(`${old}.`)) return `${prefix}${to}${path.slice(old.length)}`;
  }
  return path;
}

/** JSON Logic with every `{"var": "from…"}` (and `$previous.from`) renamed. */
export function renameVars(expr: Json, from: string, to: string): Json {
  if (Array.isArray(expr)) return expr.map((x) => renameVars(x, from, to));
  if (!expr || typeof expr !== 'object') return expr;
  const keys = Object.keys(expr);
  if (keys.length === 1 && keys[0] === 'var') {
    const v = expr.var;
    if (typeof v === 'string') return { var: renamePath(v, from, to) };
    if (Array.isArray(v) && typeof v[0] === 'string') return { var: [renamePath(v[0], from, to), ...v.slice(1)] };
    return expr;
  }
  return Object.fromEntries(Object.entries(expr).map(([k, v]) => [k, renameVars(v, from, to)]));
}

/** Whether JSON Logic reads field `name` (or its stored value). */
export function usesVar(expr: Json | undefined, name: string): boolean {
  if (Array.isArray(expr)) return expr.some((x) => usesVar(x, name));
  if (!expr || typeof expr !== 'object') return false;
  const keys = Object.keys(expr);
  if (keys.length === 1 && keys[0] === 'var') {
    const v = Array.isArray(expr.var) ? expr.var[0] : expr.var;
    return typeof v === 'string' && renamePath(v, name, '\u0000') !== v;
  }
  return Object.values(expr).some((v) => usesVar(v, name));
}

function firstSegment(path: string): string {
  return path.replace(/^-/, '').split('.')[0];
}

/** A record filter (§4) with field `from` renamed (`to`), or dropped (`to` undefined). */
export function renameInFilter(filter: RecordFilter, from: string, to: string | undefined): RecordFilter {
  const out: RecordFilter = {};
  for (const [k, v] of Object.entries(filter)) {
    if ((k === 'and' || k === 'or') && Array.isArray(v)) {
      const items = v.map((x) => renameInFilter(x as RecordFilter, from, to)).filter((x) => Object.keys(x).length);
      if (items.length) out[k] = items;
    } else if (k === 'not' && v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = renameInFilter(v as RecordFilter, from, to);
      if (Object.keys(inner).length) out.not = inner;
    } else if (firstSegment(k) === from) {
      if (to !== undefined) out[renamePath(k, from, to)] = v;
    } else {
      out[k] = v;
    }
  }
  return out;
}

function filterUses(filter: RecordFilter | undefined, name: string): boolean {
  if (!filter) return false;
  return JSON.stringify(renameInFilter(filter, name, undefined)) !== JSON.stringify(filter);
}

function layoutUses(l: LayoutDef, object: string, name: string): boolean {
  if (l.object === object && l.sections.some((s) => s.columns.some((c) => c.fields.includes(name)))) return true;
  return (l.relatedLists ?? []).some((r) => r.object === object && (r.field === name || (r.columns ?? []).some((c) => firstSegment(c) === name)));
}

function viewUses(v: ViewDef, object: string, name: string): boolean {
  if (v.object !== object) return false;
  return v.columns.some((c) => firstSegment(c) === name) || (v.sort ?? []).some((s) => firstSegment(s) === name)
    || v.groupBy === name || filterUses(v.filter, name);
}

function roleUses(r: RoleDef, object: string, name: string): boolean {
  if (Object.keys(r.fields ?? {}).includes(`${object}.${name}`)) return true;
  const perm = r.objects[object];
  if (!perm) return false;
  return (['read', 'update', 'delete'] as const).some((a) => {
    const access = perm[a];
    return typeof access === 'object' && access !== null && filterUses(access as RecordFilter, name);
  });
}

/** Puts into the bundle the deployed layouts, views and roles that name `object.name` (to be fixed up there). */
function pullUsers(bundle: PackageBundle, deployed: Deployed, object: string, name: string): void {
  bundle.layouts ??= [];
  bundle.views ??= [];
  bundle.roles ??= [];
  for (const l of deployed.layouts) {
    if (layoutUses(l, object, name) && !bundle.layouts.some((b) => b.object === l.object && b.name === l.name)) bundle.layouts.push(clone(l));
  }
  for (const v of deployed.views) {
    if (viewUses(v, object, name) && !bundle.views.some((b) => b.object === v.object && b.name === v.name)) bundle.views.push(clone(v));
  }
  for (const r of deployed.roles) {
    if (roleUses(r, object, name) && !bundle.roles.some((b) => b.name === r.name)) bundle.roles.push(clone(r));
  }
}

function fixRoles(roles: RoleDef[], object: string, from: string, to: string | undefined): void {
  for (const r of roles) {
    if (r.fields) {
      r.fields = Object.fromEntries(Object.entries(r.fields).flatMap(([k, v]) => {
        if (k !== `${object}.${from}`) return [[k, v]];
        return to === undefined ? [] : [[`${object}.${to}`, v]];
      }));
    }
    const perm = r.objects[object];
    if (perm) {
      for (const a of ['read', 'update', 'delete'] as const) {
        const access = perm[a];
        if (typeof access === 'object' && access !== null) {
          const f = renameInFilter(access as RecordFilter, from, to);
          perm[a] = Object.keys(f).length ? f : false;
        }
      }
    }
  }
}

/**
 * Renames field `from` of `object` to `to` (with `renamedFrom`, so the deploy keeps its data)
 * and follows the rename in everything the bundle and the deployed metadata say about it.
 * `changes` may change the field's other properties in the same deploy.
 */
export function renameField(bundle: PackageBundle, deployed: Deployed, object: StudioObject, from: string, to: string, changes: Partial<FieldDef> = {}): PackageBundle {
  const next = clone(bundle);
  const e = entry(next, object);
  const current = e.fields.find((f) => f.name === from) ?? object.fields.find((f) => f.name === from);
  if (!current) throw new Error(`${object.name} has no field ${from}`);
  const renamed = { ...fieldDefOf(current), ...changes, name: to, renamedFrom: from } as FieldDef;
  const i = e.fields.findIndex((f) => f.name === from);
  if (i >= 0) e.fields[i] = renamed;
  else e.fields.push(renamed);
  pullUsers(next, deployed, object.name, from);
  const name = object.name;
  // The object itself: name field, formulas, rules, indexes.
  if (e.nameField === from) e.nameField = to;
  else if (!e.nameField && object.nameField === from && object.package === CUSTOM_PACKAGE) e.nameField = to;
  for (const f of e.fields) {
    if (f.type === 'formula') f.expression = renameVars(f.expression, from, to);
  }
  for (const r of e.validationRules ?? []) {
    r.when = renameVars(r.when, from, to);
    if (r.field === from) r.field = to;
  }
  for (const ix of e.indexes ?? []) ix.fields = ix.fields.map((f) => (f === from ? to : f));
  // Rollups elsewhere that read this field of their child object.
  for (const o of next.objects ?? []) {
    for (const f of o.fields) {
      if (f.type !== 'rollup') continue;
      const [child, ref] = f.of.split('.');
      if (child !== name) continue;
      if (ref === from) f.of = `${child}.${to}`;
      if (f.field === from) f.field = to;
    }
  }
  for (const l of next.layouts ?? []) {
    if (l.object === name) for (const s of l.sections) for (const c of s.columns) c.fields = c.fields.map((f) => (f === from ? to : f));
    for (const r of l.relatedLists ?? []) {
      if (r.object !== name) continue;
      if (r.field === from) r.field = to;
      if (r.columns) r.columns = r.columns.map((c) => renamePath(c, from, to));
    }
  }
  for (const v of next.views ?? []) {
    if (v.object !== name) continue;
    v.columns = v.columns.map((c) => renamePath(c, from, to));
    if (v.sort) v.sort = v.sort.map((s) => (s.startsWith('-') ? `-${renamePath(s.slice(1), from, to)}` : renamePath(s, from, to)));
    if (v.groupBy === from) v.groupBy = to;
    if (v.filter) v.filter = renameInFilter(v.filter, from, to);
  }
  fixRoles(next.roles ?? [], name, from, to);
  return next;
}

/**
 * Removes field `name` of `object` (the deploy moves it and its data to the recycle bin) and
 * takes it out of the layouts, views and roles that show it. Only a field the admin added
 * can go: other packages' fields stay whatever `custom` says.
 */
export function removeField(bundle: PackageBundle, deployed: Deployed, object: StudioObject, name: string): PackageBundle {
  const next = clone(bundle);
  const e = entry(next, object);
  e.fields = e.fields.filter((f) => f.name !== name);
  pullUsers(next, deployed, object.name, name);
  if (e.nameField === name) delete e.nameField;
  e.indexes = (e.indexes ?? []).filter((ix) => !ix.fields.includes(name));
  if (!e.indexes.length) delete e.indexes;
  for (const l of next.layouts ?? []) {
    if (l.object === object.name) for (const s of l.sections) for (const c of s.columns) c.fields = c.fields.filter((f) => f !== name);
    l.relatedLists = l.relatedLists?.filter((r) => !(r.object === object.name && r.field === name));
    for (const r of l.relatedLists ?? []) if (r.object === object.name && r.columns) r.columns = r.columns.filter((c) => firstSegment(c) !== name);
    if (l.relatedLists && !l.relatedLists.length) delete l.relatedLists;
  }
  const fallback = object.fields.find((f) => f.name !== name && f.name === object.nameField)?.name
    ?? object.fields.find((f) => f.name !== name)?.name ?? 'createdAt';
  for (const v of next.views ?? []) {
    if (v.object !== object.name) continue;
    v.columns = v.columns.filter((c) => firstSegment(c) !== name);
    if (!v.columns.length) v.columns = [fallback];
    if (v.sort) v.sort = v.sort.filter((s) => firstSegment(s) !== name);
    if (v.filter) v.filter = renameInFilter(v.filter, name, undefined);
    if (v.groupBy === name) {
      delete v.groupBy;
      v.type = 'table';
    }
  }
  fixRoles(next.roles ?? [], object.name, name, undefined);
  return next;
}

/** Removes an object the admin created (to the recycle bin, with its records), and its layouts and views. */
export function removeObject(bundle: PackageBundle, name: string): PackageBundle {
  const next = clone(bundle);
  next.objects = (next.objects ?? []).filter((o) => o.name !== name);
  next.layouts = (next.layouts ?? []).filter((l) => l.object !== name);
  next.views = (next.views ?? []).filter((v) => v.object !== name);
  for (const r of next.roles ?? []) {
    delete r.objects[name];
    if (r.fields) r.fields = Object.fromEntries(Object.entries(r.fields).filter(([k]) => !k.startsWith(`${name}.`)));
  }
  return next;
}

/** Adds or replaces a validation rule (`previousName` when it was renamed). */
export function putRule(bundle: PackageBundle, object: StudioObject, rule: ValidationRule, previousName?: string): PackageBundle {
  const next = clone(bundle);
  const e = entry(next, object);
  const old = previousName ?? rule.name;
  const rules = (e.validationRules ?? []).filter((r) => r.name !== old && r.name !== rule.name);
  const at = (e.validationRules ?? []).findIndex((r) => r.name === old);
  if (at >= 0) rules.splice(Math.min(at, rules.length), 0, clone(rule));
  else rules.push(clone(rule));
  e.validationRules = rules;
  return next;
}

export function removeRule(bundle: PackageBundle, object: StudioObject, name: string): PackageBundle {
  const next = clone(bundle);
  const e = entry(next, object);
  e.validationRules = (e.validationRules ?? []).filter((r) => r.name !== name);
  if (!e.validationRules.length) delete e.validationRules;
  return next;
}

export function putLayout(bundle: PackageBundle, layout: LayoutDef): PackageBundle {
  const next = clone(bundle);
  next.layouts = [...(next.layouts ?? []).filter((l) => !(l.object === layout.object && l.name === layout.name)), clone(layout)];
  return next;
}

export function putView(bundle: PackageBundle, view: ViewDef): PackageBundle {
  const next = clone(bundle);
  next.views = [...(next.views ?? []).filter((v) => !(v.object === view.object && v.name === view.name)), clone(view)];
  return next;
}

export function removeView(bundle: PackageBundle, object: string, name: string): PackageBundle {
  const next = clone(bundle);
  next.views = (next.views ?? []).filter((v) => !(v.object === object && v.name === name));
  return next;
}

export function putRole(bundle: PackageBundle, role: RoleDef): PackageBundle {
  const next = clone(bundle);
  next.roles = [...(next.roles ?? []).filter((r) => r.name !== role.name), clone(role)];
  return next;
}

export function removeRole(bundle: PackageBundle, name: string): PackageBundle {
  const next = clone(bundle);
  next.roles = (next.roles ?? []).filter((r) => r.name !== name);
  return next;
}

/**
 * The bundle to deploy: the next version, and every object of the bundle that is deployed
 * with its other packages' fields stated as they are, in their deployed order. (The deploy
 * validator reads a bundle's object as the whole object, so a rule or layout naming a
 * crm-core field of `case` would be refused otherwise; stated unchanged, those fields plan
 * to nothing and stay their package's.)
 */
export function finalizeCustom(bundle: PackageBundle, objects: StudioObject[]): PackageBundle {
  const next = clone(bundle);
  next.package = { ...next.package, name: CUSTOM_PACKAGE, version: nextVersion(bundle.package.version), label: next.package.label ?? CUSTOM_LABEL };
  next.objects = (next.objects ?? []).map((o) => {
    const deployed = objects.find((d) => d.name === o.name);
    if (!deployed) return o;
    const stated = new Map(o.fields.map((f) => [f.name, f]));
    const byOldName = new Map(o.fields.filter((f) => f.renamedFrom).map((f) => [f.renamedFrom!, f]));
    const fields: FieldDef[] = [];
    const used = new Set<string>();
    for (const d of deployed.fields) {
      const mine = byOldName.get(d.name) ?? (stated.get(d.name)?.renamedFrom ? undefined : stated.get(d.name));
      if (mine) {
        fields.push(mine);
        used.add(mine.name);
      } else if (d.package !== CUSTOM_PACKAGE && !stated.has(d.name)) {
        fields.push(fieldDefOf(d));
      }
    }
    for (const f of o.fields) if (!used.has(f.name)) fields.push(f);
    return { ...o, fields };
  });
  return next;
}

/**
 * The deploy planner: a pure diff of the deployed registry against a package, giving the
 * steps to run and the registry that results. It never drops anything: removals become
 * moves to the recycle bin, renames need `renamedFrom`, and type changes carry their
 * conversion and the data checks that may refuse them.
 *
 * A package owns what it brought. Deploying package P changes and removes only P's
 * elements; fields another package (or an admin) added to P's objects are left alone.
 */
import { createHash } from 'node:crypto';
import {
  ELEMENT_KINDS, type ElementKind, type FieldDef, type IndexDef, type JsonValue, type ObjectDef,
  type PackageBundle, type ValidationRule,
} from '../../metadata/types.ts';
import type { DeployedField, DeployedIndex, DeployedObject, DeployedRule, Owned, RegistryDoc } from '../metadata/deployed.ts';
import { conversion, valueChecks } from './convert.ts';
import type { DataCheck, PlanStep } from './steps.ts';

export interface PlanOptions {
  /** Makes stable ids for new objects and fields (uuid in production, counters in tests). */
  newId: () => string;
  now?: string;
}

export interface Plan {
  steps: PlanStep[];
  next: RegistryDoc;
}

const OBJECT_PROPS = ['label', 'pluralLabel', 'description', 'nameField', 'trackHistory', 'app', 'icon'] as const;

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val);
}

function same(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function shortHash(s: string, n = 8): string {
  return createHash('sha256').update(s).digest('hex').slice(0, n);
}

/** The field as the package states it: no identity, no ownership. */
function fieldDef(f: DeployedField): FieldDef {
  const { id: _id, package: _p, ...def } = f;
  return def as FieldDef;
}

function stripRename<T extends { renamedFrom?: string }>(x: T): Omit<T, 'renamedFrom'> {
  const { renamedFrom: _r, ...rest } = x;
  return rest;
}

export function indexName(objectId: string, index: IndexDef): string {
  return `ix_${shortHash(`${objectId}|${index.fields.join(',')}|${index.unique ? 'u' : ''}`, 24)}`;
}

function indexKey(index: IndexDef): string {
  return `${index.unique ? 'u' : ''}:${index.fields.join(',')}`;
}

/** What about a field changed, in words, apart from its type and name. */
function fieldChanges(prev: FieldDef, next: FieldDef): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  for (const k of keys) {
    if (k === 'renamedFrom' || k === 'name' || k === 'type') continue;
    const a = (prev as unknown as Record<string, JsonValue | undefined>)[k];
    const b = (next as unknown as Record<string, JsonValue | undefined>)[k];
    if (same(a, b)) continue;
    if (typeof b === 'boolean' || typeof a === 'boolean') out.push(`${b ? 'now' : 'no longer'} ${k}`);
    else if (k === 'options') out.push('options');
    else if (b === undefined) out.push(`no ${k}`);
    else if (typeof b === 'object') out.push(k);
    else out.push(`${k} ${JSON.stringify(b)}`);
  }
  return out;
}

interface ObjectPlanContext {
  pkg: string;
  steps: PlanStep[];
  later: PlanStep[];
  newId: () => string;
}

function deployField(def: FieldDef, id: string, pkg: string): DeployedField {
  return { ...stripRename(def), id, package: pkg } as DeployedField;
}

function newObject(def: ObjectDef, pkg: string, newId: () => string): DeployedObject {
  const id = newId();
  const { fields, validationRules, indexes, renamedFrom: _r, ...props } = def;
  return {
    ...props,
    id,
    package: pkg,
    fields: fields.map((f) => deployField(f, newId(), pkg)),
    validationRules: (validationRules ?? []).map((r) => ({ ...r, package: pkg })),
    indexes: (indexes ?? []).map((ix) => ({ ...ix, package: pkg, indexName: indexName(id, ix) })),
  };
}

function planFields(current: DeployedObject, desired: ObjectDef, ctx: ObjectPlanContext): DeployedField[] {
  const { pkg } = ctx;
  const byName = new Map(current.fields.map((f) => [f.name, f]));
  const matched = new Set<string>();
  const result: DeployedField[] = [];
  for (const def of desired.fields) {
    let prev = byName.get(def.name);
    if (prev && matched.has(prev.id)) prev = undefined;
    if (!prev && def.renamedFrom) {
      const old = byName.get(def.renamedFrom);
      if (old && !matched.has(old.id) && !desired.fields.some((d) => d.name === def.renamedFrom)) {
        prev = old;
        ctx.steps.push({ kind: 'renameField', object: desired.name, from: old.name, to: def.name });
      }
    }
    if (!prev) {
      const field = deployField(def, ctx.newId(), pkg);
      const checks = field.unique ? [] : [];
      ctx.steps.push({ kind: 'addField', object: desired.name, field, checks });
      result.push(field);
      continue;
    }
    matched.add(prev.id);
    const field = deployField(def, prev.id, prev.package);
    const prevDef = { ...fieldDef(prev), name: def.name } as FieldDef;
    const nextDef = fieldDef(field);
    const conv = conversion(prevDef, nextDef);
    const checks: DataCheck[] = [...(conv?.checks ?? []), ...valueChecks(prevDef, nextDef)];
    if (nextDef.unique && !prevDef.unique) {
      checks.push({
        where: `?? IS NOT NULL AND "_deletedAt" IS NULL AND ?? IN (SELECT ?? FROM {table} WHERE "_deletedAt" IS NULL AND ?? IS NOT NULL GROUP BY ?? HAVING count(*) > 1)`,
        bindings: [def.name, def.name, def.name, def.name, def.name],
        reason: `share a ${def.name} with another record, so it cannot be unique`,
        refuse: true,
      });
    }
    if (conv) {
      ctx.steps.push({
        kind: 'changeFieldType', object: desired.name, field, previous: { ...prev, name: def.name },
        fromType: prevDef.type, toType: nextDef.type, using: conv.using, usingBindings: conv.usingBindings, checks,
      });
    } else {
      const changes = fieldChanges(prevDef, nextDef);
      if (prevDef.type !== nextDef.type) changes.unshift(`type ${prevDef.type} → ${nextDef.type}`);
      if (changes.length) {
        ctx.steps.push({ kind: 'updateField', object: desired.name, field, previous: { ...prev, name: def.name }, changes, checks });
      }
    }
    result.push(field);
  }
  // Fields this package brought but no longer states go to the recycle bin; fields of other
  // packages and admin customizations stay.
  for (const prev of current.fields) {
    if (matched.has(prev.id)) continue;
    if (prev.package === pkg) {
      ctx.steps.push({ kind: 'removeField', object: desired.name, field: prev, binColumn: `_bin_${shortHash(prev.id + (ctx.newId()))}_${prev.name}` });
    } else {
      result.push(prev);
    }
  }
  return result;
}

function planRules(current: DeployedObject, desired: ObjectDef, ctx: ObjectPlanContext): DeployedRule[] {
  const result: DeployedRule[] = [];
  const wanted = desired.validationRules ?? [];
  for (const rule of wanted) {
    const prev = current.validationRules.find((r) => r.name === rule.name);
    const owner = prev?.package ?? ctx.pkg;
    if (!prev || !same({ ...prev, package: undefined }, rule)) {
      ctx.steps.push({ kind: 'putRule', object: desired.name, rule: rule.name, created: !prev });
    }
    result.push({ ...(rule as ValidationRule), package: owner });
  }
  for (const prev of current.validationRules) {
    if (wanted.some((r) => r.name === prev.name)) continue;
    if (prev.package === ctx.pkg) ctx.steps.push({ kind: 'removeRule', object: desired.name, rule: prev.name });
    else result.push(prev);
  }
  return result;
}

function planIndexes(current: DeployedObject, desired: ObjectDef, ctx: ObjectPlanContext): DeployedIndex[] {
  const result: DeployedIndex[] = [];
  const wanted = desired.indexes ?? [];
  for (const ix of wanted) {
    const prev = current.indexes.find((i) => indexKey(i) === indexKey(ix));
    if (prev) { result.push(prev); continue; }
    const index: DeployedIndex = { ...ix, package: ctx.pkg, indexName: indexName(current.id, ix) };
    ctx.later.push({ kind: 'addIndex', object: desired.name, index });
    result.push(index);
  }
  for (const prev of current.indexes) {
    if (wanted.some((i) => indexKey(i) === indexKey(prev))) continue;
    if (prev.package === ctx.pkg) ctx.later.push({ kind: 'removeIndex', object: desired.name, index: prev });
    else result.push(prev);
  }
  return result;
}

function elementKey(kind: ElementKind, el: { name?: string; object?: string; manifest?: { name: string } }): string {
  if (kind === 'extensions') return el.manifest?.name ?? '';
  if (kind === 'layouts' || kind === 'views') return `${el.object}.${el.name}`;
  return el.name ?? '';
}

/** Plans deploying `bundle` over `current`. Pure: no I/O, ids come from `opts.newId`. */
export function planDeploy(current: RegistryDoc, bundle: PackageBundle, opts: PlanOptions): Plan {
  const pkg = bundle.package.name;
  const steps: PlanStep[] = [];
  const later: PlanStep[] = [];
  const ctx: ObjectPlanContext = { pkg, steps, later, newId: opts.newId };
  const currentByName = new Map(current.objects.map((o) => [o.name, o]));
  const matched = new Set<string>();
  const nextObjects: DeployedObject[] = [];
  const renames = new Map<string, string>();

  for (const desired of bundle.objects ?? []) {
    let prev = currentByName.get(desired.name);
    if (prev && matched.has(prev.id)) prev = undefined;
    if (!prev && desired.renamedFrom) {
      const old = currentByName.get(desired.renamedFrom);
      if (old && !matched.has(old.id) && !(bundle.objects ?? []).some((o) => o.name === desired.renamedFrom)) {
        prev = old;
        steps.push({ kind: 'renameObject', from: old.name, to: desired.name });
        renames.set(old.name, desired.name);
      }
    }
    if (!prev) {
      const created = newObject(desired, pkg, opts.newId);
      steps.push({ kind: 'createObject', object: created });
      for (const index of created.indexes) later.push({ kind: 'addIndex', object: created.name, index });
      nextObjects.push(created);
      continue;
    }
    matched.add(prev.id);
    const owned = prev.package === pkg;
    const props: Partial<Record<(typeof OBJECT_PROPS)[number], unknown>> = {};
    const changes: string[] = [];
    for (const p of OBJECT_PROPS) {
      const want = desired[p];
      props[p] = owned ? want : prev[p];
      if (owned && !same(prev[p], want)) changes.push(want === undefined ? `no ${p}` : `${p} ${JSON.stringify(want)}`);
    }
    if (changes.length) steps.push({ kind: 'updateObject', object: desired.name, changes });
    const fields = planFields({ ...prev, name: desired.name }, desired, ctx);
    const validationRules = planRules(prev, desired, ctx);
    const indexes = planIndexes(prev, desired, ctx);
    const next: DeployedObject = {
      ...prev, ...(props as Partial<DeployedObject>), name: desired.name, label: owned ? desired.label : prev.label,
      fields, validationRules, indexes,
    };
    for (const p of OBJECT_PROPS) if (next[p] === undefined) delete next[p];
    nextObjects.push(next);
  }
  for (const prev of current.objects) {
    if (matched.has(prev.id)) continue;
    if (prev.package === pkg) {
      steps.push({ kind: 'removeObject', object: prev, binName: `${prev.name}__${shortHash(prev.id + opts.newId())}` });
    } else {
      nextObjects.push(prev);
    }
  }
  // A renamed object keeps every reference and rollup that pointed at it.
  if (renames.size) {
    for (const o of nextObjects) {
      o.fields = o.fields.map((f) => {
        if (f.type === 'reference' && renames.has(f.to)) return { ...f, to: renames.get(f.to)! };
        if (f.type === 'rollup') {
          const [child, ref] = f.of.split('.');
          if (renames.has(child)) return { ...f, of: `${renames.get(child)}.${ref}` };
        }
        return f;
      });
    }
  }

  const next: RegistryDoc = {
    ...current,
    version: current.version + 1,
    objects: nextObjects,
    packages: current.packages.filter((p) => p.name !== pkg),
  };
  for (const kind of ELEMENT_KINDS) {
    const desired = (bundle[kind] ?? []) as unknown as Array<Record<string, unknown>>;
    const existing = current[kind] as unknown as Array<Record<string, unknown> & Owned>;
    const keyOf = (e: Record<string, unknown>) => elementKey(kind, e as { name?: string; object?: string; manifest?: { name: string } });
    const out: Array<Record<string, unknown> & Owned> = [];
    for (const el of desired) {
      const prev = existing.find((e) => keyOf(e) === keyOf(el));
      const { package: _p, ...prevDef } = prev ?? { package: '' };
      if (!prev || !same(prevDef, el)) later.push({ kind: 'putElement', element: kind, name: keyOf(el), created: !prev });
      out.push({ ...el, package: prev?.package ?? pkg });
    }
    for (const prev of existing) {
      if (desired.some((d) => keyOf(d) === keyOf(prev))) continue;
      if (prev.package === pkg) later.push({ kind: 'removeElement', element: kind, name: keyOf(prev) });
      else out.push(prev);
    }
    (next as unknown as Record<string, unknown>)[kind] = out;
  }
  const prevPkg = current.packages.find((p) => p.name === pkg);
  const structural = steps.length + later.length > 0;
  if (!prevPkg || prevPkg.version !== bundle.package.version || structural) {
    if (!prevPkg || prevPkg.version !== bundle.package.version) {
      later.push({ kind: 'setPackage', name: pkg, from: prevPkg?.version, to: bundle.package.version });
    }
  }
  next.packages = [
    ...next.packages,
    { name: pkg, version: bundle.package.version, label: bundle.package.label, deployedAt: opts.now ?? new Date().toISOString() },
  ].sort((a, b) => a.name.localeCompare(b.name));
  if (!steps.length && !later.length) {
    // Nothing changed: the registry stays as it is (same version, same timestamps).
    return { steps: [], next: current };
  }
  return { steps: orderSteps([...steps, ...later]), next };
}

const ORDER: PlanStep['kind'][] = [
  'setPackage', 'renameObject', 'createObject', 'updateObject', 'renameField', 'addField', 'changeFieldType',
  'updateField', 'removeField', 'removeObject', 'removeIndex', 'addIndex', 'putRule', 'removeRule',
  'putElement', 'removeElement',
];

/** Renames before creates before changes before removals, so each step finds what it needs. */
function orderSteps(steps: PlanStep[]): PlanStep[] {
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => ORDER.indexOf(a.s.kind) - ORDER.indexOf(b.s.kind) || a.i - b.i)
    .map(({ s }) => s);
}

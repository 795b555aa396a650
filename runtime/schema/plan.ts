/**
 * The deploy planner: a pure diff of the deployed registry against a package, giving the
 * steps to run and the registry that results. It never drops anything: removals become
 * moves to the recycle bin, renames need `renamedFrom`, and type changes carry their
 * conversion and the data checks that may refuse them.
 *
 * A package owns what it brought. Deploying package P changes and removes only P's
 * elements; fields another package (or an admin) added to P's objects are left alone, and
 * what P added to another package's objects goes when P stops stating it.
 *
 * Pure: the input registry is never modified; ids come from `opts.newId`.
 */
import { createHash } from 'node:crypto';
import {
  ELEMENT_KINDS, type ElementKind, type FieldDef, type IndexDef, type JsonValue, type ObjectDef,
  type PackageBundle, type ValidationRule,
} from '../../metadata/types.ts';
import type { FieldLookup } from '../../metadata/rollup-type.ts';
import type { DeployedField, DeployedIndex, DeployedObject, DeployedRule, Owned, RegistryDoc } from '../metadata/deployed.ts';
import { conversion, valueChecks } from './convert.ts';
import { elementChanges } from './element-changes.ts';
import { fieldLookup, withRollupType } from './rollup-returns.ts';
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
  const { id: _id, package: _p, customizedBy: _c, ...def } = f;
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

/** Renames in this deploy: objects old → new; fields per object (its new name) old → new. */
interface Renames {
  objects: Map<string, string>;
  fields: Map<string, Map<string, string>>;
}

interface ObjectPlanContext {
  pkg: string;
  steps: PlanStep[];
  later: PlanStep[];
  newId: () => string;
  renames: Renames;
  /** Fields as this deploy leaves them: what rollup result types are derived from. */
  fieldsAfter: FieldLookup;
}

/** A stated field and the deployed field it continues (same name, or its `renamedFrom`). */
interface FieldMatch { def: FieldDef; prev?: DeployedField; renamed: boolean }
/** A stated object, the deployed object it continues, and its fields matched likewise. */
interface ObjectMatch { desired: ObjectDef; prev?: DeployedObject; fields: FieldMatch[] }

function matchFields(current: DeployedObject, desired: ObjectDef): FieldMatch[] {
  const byName = new Map(current.fields.map((f) => [f.name, f]));
  const taken = new Set<string>();
  return desired.fields.map((def) => {
    let prev = byName.get(def.name);
    let renamed = false;
    if (prev && taken.has(prev.id)) prev = undefined;
    if (!prev && def.renamedFrom) {
      const old = byName.get(def.renamedFrom);
      if (old && !taken.has(old.id) && !desired.fields.some((d) => d.name === def.renamedFrom)) {
        prev = old;
        renamed = true;
      }
    }
    if (prev) taken.add(prev.id);
    return { def, prev, renamed };
  });
}

/** A deployed field with the object and field renames of this deploy applied to what it points at. */
function followField(f: DeployedField, renames: Renames): DeployedField {
  if (f.type === 'reference') {
    const to = renames.objects.get(f.to);
    return to ? { ...f, to } : f;
  }
  if (f.type === 'rollup') {
    const [child, ref] = f.of.split('.');
    const newChild = renames.objects.get(child) ?? child;
    const childFields = renames.fields.get(newChild);
    const newRef = childFields?.get(ref) ?? ref;
    const newAgg = f.field !== undefined ? childFields?.get(f.field) ?? f.field : undefined;
    if (newChild === child && newRef === ref && newAgg === f.field) return f;
    return { ...f, of: `${newChild}.${newRef}`, ...(newAgg !== undefined ? { field: newAgg } : {}) };
  }
  return f;
}

function followIndex(ix: DeployedIndex, fieldRenames: Map<string, string> | undefined): DeployedIndex {
  if (!fieldRenames || !ix.fields.some((n) => fieldRenames.has(n))) return ix;
  return { ...ix, fields: ix.fields.map((n) => fieldRenames.get(n) ?? n) };
}

/** Another package's element, following this deploy's renames of the objects and fields it names. */
function followElement(kind: ElementKind, el: Record<string, unknown> & Owned, renames: Renames): Record<string, unknown> & Owned {
  if (!renames.objects.size && !renames.fields.size) return el;
  const out: Record<string, unknown> & Owned = { ...el };
  if (typeof el.object === 'string' && renames.objects.has(el.object)) out.object = renames.objects.get(el.object);
  if (kind === 'roles') {
    const objects = el.objects as Record<string, unknown> | undefined;
    if (objects) out.objects = Object.fromEntries(Object.entries(objects).map(([k, v]) => [renames.objects.get(k) ?? k, v]));
    const fields = el.fields as Record<string, unknown> | undefined;
    if (fields) {
      out.fields = Object.fromEntries(Object.entries(fields).map(([k, v]) => {
        const [o, f] = k.split('.');
        const obj = renames.objects.get(o) ?? o;
        return [`${obj}.${renames.fields.get(obj)?.get(f) ?? f}`, v];
      }));
    }
  }
  return out;
}

function deployField(def: FieldDef, id: string, pkg: string): DeployedField {
  return { ...stripRename(def), id, package: pkg } as DeployedField;
}

function newObject(def: ObjectDef, pkg: string, newId: () => string, fieldsAfter: FieldLookup): DeployedObject {
  const id = newId();
  const { fields, validationRules, indexes, renamedFrom: _r, ...props } = def;
  return {
    ...props,
    id,
    package: pkg,
    fields: fields.map((f) => deployField(withRollupType(f, fieldsAfter), newId(), pkg)),
    validationRules: (validationRules ?? []).map((r) => ({ ...r, package: pkg })),
    indexes: (indexes ?? []).map((ix) => ({ ...ix, package: pkg, indexName: indexName(id, ix) })),
  };
}

/** Records whose value of `fields` (all set) another live record shares: a unique index would fail. */
function duplicatesCheck(fields: string[], what: string): DataCheck {
  const ids = fields.map(() => '??').join(', ');
  const notNull = fields.map(() => '?? IS NOT NULL').join(' AND ');
  return {
    where: `"_deletedAt" IS NULL AND ${notNull} AND (${ids}) IN (SELECT ${ids} FROM {table} WHERE "_deletedAt" IS NULL GROUP BY ${ids} HAVING count(*) > 1)`,
    bindings: [...fields, ...fields, ...fields, ...fields],
    reason: `share their ${what} with another record, so it cannot be unique`,
    refuse: true,
  };
}

/**
 * A field the deploy keeps as it is, unless it is a rollup whose child field changed type
 * (a date became a datetime): then its column changes type with it, and is recomputed.
 */
function keepField(object: string, prev: DeployedField, ctx: ObjectPlanContext): DeployedField {
  const field = withRollupType(prev, ctx.fieldsAfter);
  if (field === prev) return prev;
  const prevDef = fieldDef(prev);
  const nextDef = fieldDef(field);
  const conv = conversion(prevDef, nextDef);
  if (conv) {
    ctx.steps.push({
      kind: 'changeFieldType', object, field, previous: prev,
      fromType: prevDef.type, toType: nextDef.type, using: conv.using, usingBindings: conv.usingBindings, checks: conv.checks,
    });
  } else {
    ctx.steps.push({ kind: 'updateField', object, field, previous: prev, changes: fieldChanges(prevDef, nextDef), checks: [] });
  }
  return field;
}

function planFields(current: DeployedObject, desired: ObjectDef, matches: FieldMatch[], ctx: ObjectPlanContext): DeployedField[] {
  const { pkg, renames } = ctx;
  const matchedIds = new Set<string>();
  const result: DeployedField[] = [];
  for (const { def: stated, prev: deployed, renamed } of matches) {
    // A rollup's result type is derived, never taken on trust from what the package states.
    const def = withRollupType(stated, ctx.fieldsAfter);
    if (!deployed) {
      // A new column is empty: nothing to check.
      const field = deployField(def, ctx.newId(), pkg);
      ctx.steps.push({ kind: 'addField', object: desired.name, field });
      result.push(field);
      continue;
    }
    if (renamed) ctx.steps.push({ kind: 'renameField', object: desired.name, from: deployed.name, to: def.name });
    matchedIds.add(deployed.id);
    const prev = { ...followField(deployed, renames), name: def.name };
    if (prev.customizedBy && prev.customizedBy !== pkg && prev.package === pkg) {
      // The owner re-deploys a field an admin changed: the admin's version stays.
      if (!same(fieldDef(withRollupType(prev, ctx.fieldsAfter)), stripRename(def))) {
        ctx.later.push({ kind: 'keepCustomization', element: 'field', name: `${desired.name}.${def.name}`, by: prev.customizedBy });
      }
      result.push(keepField(desired.name, prev, ctx));
      continue;
    }
    const field = deployField(def, prev.id, prev.package);
    // Another package changing this field is a customization layered over its owner (a rollup
    // whose child changed type is not changed by it).
    if (prev.package !== pkg && (prev.customizedBy === pkg || !same(fieldDef(withRollupType(prev, ctx.fieldsAfter)), fieldDef(field)))) field.customizedBy = pkg;
    else if (prev.customizedBy && prev.customizedBy !== pkg) field.customizedBy = prev.customizedBy;
    const prevDef = fieldDef(prev);
    const nextDef = fieldDef(field);
    const conv = conversion(prevDef, nextDef);
    // Value checks see each record's value after the conversion (the column when there is none).
    const after = conv ? { sql: conv.using, bindings: conv.usingBindings } : undefined;
    const checks: DataCheck[] = [...(conv?.checks ?? []), ...valueChecks(prevDef, nextDef, after)];
    if (nextDef.unique && !prevDef.unique) checks.push(duplicatesCheck([def.name], def.name));
    if (conv) {
      ctx.steps.push({
        kind: 'changeFieldType', object: desired.name, field, previous: prev,
        fromType: prevDef.type, toType: nextDef.type, using: conv.using, usingBindings: conv.usingBindings, checks,
      });
    } else {
      const changes = fieldChanges(prevDef, nextDef);
      if (prevDef.type !== nextDef.type) changes.unshift(`type ${prevDef.type} → ${nextDef.type}`);
      if (changes.length) {
        ctx.steps.push({ kind: 'updateField', object: desired.name, field, previous: prev, changes, checks });
      }
    }
    result.push(field);
  }
  // Fields this package brought but no longer states go to the recycle bin; fields of other
  // packages and admin customizations stay.
  for (const deployed of current.fields) {
    if (matchedIds.has(deployed.id)) continue;
    const prev = followField(deployed, renames);
    if (prev.package === pkg) {
      if (prev.customizedBy && prev.customizedBy !== pkg) {
        ctx.later.push({ kind: 'customizationLost', element: 'field', name: `${desired.name}.${prev.name}`, by: prev.customizedBy });
      }
      ctx.steps.push({ kind: 'removeField', object: desired.name, field: prev, binColumn: `_bin_${shortHash(prev.id + ctx.newId())}_${prev.name}` });
    } else if (prev.customizedBy === pkg) {
      // The customizer stopped stating it: the owner's next deploy decides again.
      const { customizedBy: _c, ...rest } = prev;
      result.push(keepField(desired.name, rest as DeployedField, ctx));
    } else {
      result.push(keepField(desired.name, prev, ctx));
    }
  }
  return result;
}

/**
 * Every object's fields as the deploy will leave them, for deriving rollup result types: a
 * stated object has its stated fields (or an admin's version kept over them) and the fields
 * other packages added to it; an object the package does not state keeps what other packages
 * brought; the package's own unstated objects are gone.
 */
function objectsAfter(current: RegistryDoc, pairs: ObjectMatch[], pkg: string, renames: Renames): Array<{ name: string; fields: FieldDef[] }> {
  const out: Array<{ name: string; fields: FieldDef[] }> = [];
  const matched = new Set<string>();
  for (const { desired, prev, fields: matches } of pairs) {
    if (!prev) {
      out.push({ name: desired.name, fields: desired.fields });
      continue;
    }
    matched.add(prev.id);
    const fields: FieldDef[] = matches.map(({ def, prev: p }) =>
      p && p.customizedBy && p.customizedBy !== pkg && p.package === pkg ? { ...followField(p, renames), name: def.name } : def);
    const continued = new Set(matches.flatMap((m) => (m.prev ? [m.prev.id] : [])));
    for (const f of prev.fields) if (!continued.has(f.id) && f.package !== pkg) fields.push(followField(f, renames));
    out.push({ name: desired.name, fields });
  }
  for (const o of current.objects) {
    if (matched.has(o.id) || o.package === pkg) continue;
    out.push({ name: o.name, fields: o.fields.filter((f) => f.package !== pkg).map((f) => followField(f, renames)) });
  }
  return out;
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
  // The database renamed the columns inside the indexes already; so does the registry.
  const deployed = current.indexes.map((ix) => followIndex(ix, ctx.renames.fields.get(desired.name)));
  for (const ix of wanted) {
    const prev = deployed.find((i) => indexKey(i) === indexKey(ix));
    if (prev) { result.push(prev); continue; }
    const index: DeployedIndex = { ...ix, package: ctx.pkg, indexName: indexName(current.id, ix) };
    const checks = ix.unique ? [duplicatesCheck(ix.fields, ix.fields.join(', '))] : [];
    ctx.later.push({ kind: 'addIndex', object: desired.name, index, checks });
    result.push(index);
  }
  for (const prev of deployed) {
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
  const desiredObjects = bundle.objects ?? [];
  const steps: PlanStep[] = [];
  const later: PlanStep[] = [];
  const renames: Renames = { objects: new Map(), fields: new Map() };

  // 1. Match every stated object and field to what it continues, so that every rename is
  //    known before anything is compared (a reference to a renamed object is no change).
  const currentByName = new Map(current.objects.map((o) => [o.name, o]));
  const matched = new Set<string>();
  const pairs: ObjectMatch[] = [];
  for (const desired of desiredObjects) {
    let prev = currentByName.get(desired.name);
    if (prev && matched.has(prev.id)) prev = undefined;
    if (!prev && desired.renamedFrom) {
      const old = currentByName.get(desired.renamedFrom);
      if (old && !matched.has(old.id) && !desiredObjects.some((o) => o.name === desired.renamedFrom)) {
        prev = old;
        steps.push({ kind: 'renameObject', from: old.name, to: desired.name });
        renames.objects.set(old.name, desired.name);
      }
    }
    if (prev) matched.add(prev.id);
    const fields = prev ? matchFields(prev, desired) : [];
    const fieldRenames = new Map(fields.filter((m) => m.renamed).map((m) => [m.prev!.name, m.def.name]));
    if (fieldRenames.size) renames.fields.set(desired.name, fieldRenames);
    pairs.push({ desired, prev, fields });
  }
  // Rollup result types follow the fields as this deploy leaves them (all renames known).
  const fieldsAfter = fieldLookup(objectsAfter(current, pairs, pkg, renames));
  const ctx: ObjectPlanContext = { pkg, steps, later, newId: opts.newId, renames, fieldsAfter };

  // 2. Diff each stated object.
  const nextObjects: DeployedObject[] = [];
  for (const { desired, prev, fields: fieldMatches } of pairs) {
    if (!prev) {
      const created = newObject(desired, pkg, opts.newId, ctx.fieldsAfter);
      steps.push({ kind: 'createObject', object: created });
      for (const index of created.indexes) later.push({ kind: 'addIndex', object: created.name, index });
      nextObjects.push(created);
      continue;
    }
    const owned = prev.package === pkg;
    const fieldRenames = renames.fields.get(desired.name);
    const props: Partial<Record<(typeof OBJECT_PROPS)[number], unknown>> = {};
    const changes: string[] = [];
    for (const p of OBJECT_PROPS) {
      const had = p === 'nameField' && prev.nameField ? fieldRenames?.get(prev.nameField) ?? prev.nameField : prev[p];
      const want = desired[p];
      props[p] = owned ? want : had;
      if (owned && !same(had, want)) changes.push(want === undefined ? `no ${p}` : `${p} ${JSON.stringify(want)}`);
    }
    if (changes.length) steps.push({ kind: 'updateObject', object: desired.name, changes });
    const fields = planFields({ ...prev, name: desired.name }, desired, fieldMatches, ctx);
    const validationRules = planRules(prev, desired, ctx);
    const indexes = planIndexes(prev, desired, ctx);
    const next: DeployedObject = {
      ...prev, ...(props as Partial<DeployedObject>), name: desired.name, label: owned ? desired.label : prev.label,
      fields, validationRules, indexes,
    };
    for (const p of OBJECT_PROPS) if (next[p] === undefined) delete next[p];
    nextObjects.push(next);
  }

  // 3. Deployed objects the package does not state: its own go to the recycle bin; another
  //    package's stay, less what this package had added to them.
  for (const prev of current.objects) {
    if (matched.has(prev.id)) continue;
    if (prev.package === pkg) {
      steps.push({ kind: 'removeObject', object: prev, binName: `${prev.name}__${shortHash(prev.id + opts.newId())}` });
      continue;
    }
    const none: ObjectDef = { name: prev.name, label: prev.label, fields: [], validationRules: [], indexes: [] };
    nextObjects.push({
      ...prev,
      fields: planFields(prev, none, [], ctx),
      validationRules: planRules(prev, none, ctx),
      indexes: planIndexes(prev, none, ctx),
    });
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
      const { package: _p, customizedBy: _c, ...prevDef } = prev ?? { package: '' };
      if (prev?.customizedBy && prev.customizedBy !== pkg && prev.package === pkg) {
        // An admin customized this element: it stays as they made it.
        if (!same(prevDef, el)) later.push({ kind: 'keepCustomization', element: singularKind(kind), name: keyOf(el), by: prev.customizedBy });
        out.push(prev);
        continue;
      }
      if (!prev || !same(prevDef, el)) {
        const details = prev ? elementChanges(kind, prevDef, el) : [];
        later.push({ kind: 'putElement', element: kind, name: keyOf(el), created: !prev, ...(details.length ? { details } : {}) });
      }
      const customizedBy = prev && prev.package !== pkg ? (prev.customizedBy === pkg || !same(prevDef, el) ? pkg : prev.customizedBy) : prev?.customizedBy;
      out.push({ ...el, package: prev?.package ?? pkg, ...(customizedBy ? { customizedBy } : {}) });
    }
    for (const prev of existing) {
      if (desired.some((d) => keyOf(d) === keyOf(prev))) continue;
      if (prev.package === pkg) {
        if (prev.customizedBy && prev.customizedBy !== pkg) later.push({ kind: 'customizationLost', element: singularKind(kind), name: keyOf(prev), by: prev.customizedBy });
        later.push({ kind: 'removeElement', element: kind, name: keyOf(prev) });
      } else if (prev.customizedBy === pkg) {
        const { customizedBy: _c, ...rest } = followElement(kind, prev, renames);
        out.push(rest as Record<string, unknown> & Owned);
      } else out.push(followElement(kind, prev, renames));
    }
    (next as unknown as Record<string, unknown>)[kind] = out;
  }
  const prevPkg = current.packages.find((p) => p.name === pkg);
  if (!prevPkg || prevPkg.version !== bundle.package.version) {
    later.push({ kind: 'setPackage', name: pkg, from: prevPkg?.version, to: bundle.package.version });
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

/** A field that still points at an object the plan moves to the recycle bin. */
export interface DanglingReference { object: string; field: string; package: string; target: string }

/**
 * Fields left in `plan.next` that point (reference, or rollup over) at an object the plan
 * removes, e.g. another package's reference to it. The deploy refuses such a plan: the
 * package that points there must change first.
 */
export function danglingReferences(plan: Plan): DanglingReference[] {
  const removed = new Set(plan.steps.flatMap((s) => (s.kind === 'removeObject' ? [s.object.name] : [])));
  if (!removed.size) return [];
  const out: DanglingReference[] = [];
  for (const o of plan.next.objects) {
    for (const f of o.fields) {
      const target = f.type === 'reference' ? f.to : f.type === 'rollup' ? f.of.split('.')[0] : undefined;
      if (target && removed.has(target)) out.push({ object: o.name, field: f.name, package: f.package, target });
    }
  }
  return out;
}

function singularKind(kind: ElementKind): string {
  return kind === 'extensions' ? 'extension' : kind.slice(0, -1);
}

const ORDER: PlanStep['kind'][] = [
  'keepCustomization', 'customizationLost', 'setPackage', 'renameObject', 'createObject', 'updateObject', 'renameField', 'addField', 'changeFieldType',
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

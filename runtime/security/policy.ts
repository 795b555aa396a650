/**
 * The access policy of a caller, from the roles they hold (CONTRACT §5). Roles become a CASL
 * ability for the yes/no questions (may create? may use the studio?); record access becomes
 * SQL: `own` → ownerId = me, `team` → ownerId among me and everyone under me, a filter → the
 * filter compiled like any list filter. With several roles the most permissive wins.
 * The built-in role `admin` may do everything.
 *
 * Field access: a field a role does not name is `edit` when the role may create or update the
 * object, else `read`. A formula computed from a field hidden from the caller, or a rollup
 * summing a hidden field of a child the caller may read, is hidden too (it would give the
 * hidden value away), unless a role names that derived field explicitly.
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Knex } from 'knex';
import type { FieldAccess, RecordAccess, RoleDef } from '../../metadata/types.ts';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { ANY_FIELD, expressionFields } from '../../metadata/expressions/index.ts';
import { compileFilter } from '../query/filter.ts';
import { ROOT_ALIAS } from '../query/joins.ts';
import { fullAccess, type AccessPolicy, type RecordAction, type RowCondition } from './access.ts';
import { isAdmin } from './roles.ts';

export interface PolicySubject {
  id: string;
  roles: string[];
  /** The caller and everyone below them in the manager hierarchy (for `team`). */
  teamIds?: string[];
}

const FIELD_RANK: Record<FieldAccess, number> = { none: 0, read: 1, edit: 2 };

type Grant = { kind: 'all' } | { kind: 'own' } | { kind: 'team' } | { kind: 'filter'; filter: Record<string, unknown> };

function grantOf(access: RecordAccess | undefined): Grant | undefined {
  if (access === undefined || access === false) return undefined;
  if (access === true || access === 'all') return { kind: 'all' };
  if (access === 'own') return { kind: 'own' };
  if (access === 'team') return { kind: 'team' };
  if (typeof access === 'object' && access !== null) return { kind: 'filter', filter: access as Record<string, unknown> };
  return undefined;
}

function rolesOf(registry: RegistryDoc, names: string[]): RoleDef[] {
  return registry.roles.filter((r) => names.includes(r.name));
}

type AppAbility = MongoAbility<[string, string]>;

/**
 * CASL subject names. Never a bare object name: CASL reads the subject `all` (and the action
 * `manage`) as "everything", and `all` is a valid object name.
 */
const objectSubject = (name: string): string => `object:${name}`;
const APP_SUBJECT = 'app:strata';
const ability = (name: string): string => `ability:${name}`;

function buildAbility(roles: RoleDef[]): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const role of roles) {
    for (const [object, perm] of Object.entries(role.objects ?? {})) {
      const subject = objectSubject(object);
      if (grantOf(perm.read)) can('read', subject);
      if (perm.create === true) can('create', subject);
      if (grantOf(perm.update)) can('update', subject);
      if (grantOf(perm.delete)) can('delete', subject);
      if (perm.update === 'all' || perm.update === true) can('reassign', subject);
    }
    for (const a of role.abilities ?? []) if (typeof a === 'string') can(ability(a), APP_SUBJECT);
  }
  return build();
}

function conditionFor(registry: RegistryDoc, object: DeployedObject, grants: Grant[], user: PolicySubject): RowCondition {
  return (qb: Knex.QueryBuilder, alias: string) => {
    qb.where((w) => {
      for (const g of grants) {
        if (g.kind === 'own') w.orWhere(`${alias}.ownerId`, user.id);
        else if (g.kind === 'team') w.orWhereIn(`${alias}.ownerId`, user.teamIds?.length ? user.teamIds : [user.id]);
        else if (g.kind === 'filter') {
          // A role filter may follow references: it runs as its own query over the object,
          // so its joins never mix with the caller's query.
          const compiled = compileFilter(g.filter, {
            object,
            objectByName: (n) => registry.objects.find((o) => o.name === n),
            user: { id: user.id },
          }, { path: `roles.${object.name}` });
          const sub = qb.client.queryBuilder().from({ [ROOT_ALIAS]: `${DATA_SCHEMA}.${object.name}` }).select(`${ROOT_ALIAS}.id`);
          compiled.apply(sub);
          w.orWhereIn(`${alias}.id`, sub);
        }
      }
    });
  };
}

/** The policy for a caller holding `user.roles` (unknown role names grant nothing). */
export function policyFor(registry: RegistryDoc, user: PolicySubject): AccessPolicy {
  if (isAdmin(user)) return fullAccess;
  const roles = rolesOf(registry, user.roles);
  const abilities = buildAbility(roles);
  const rowCache = new Map<string, 'all' | 'none' | RowCondition>();

  const grants = (object: DeployedObject, action: RecordAction): Grant[] => {
    const out: Grant[] = [];
    for (const role of roles) {
      const g = grantOf(role.objects?.[object.name]?.[action]);
      if (g) out.push(g);
    }
    return out;
  };

  /** The most permissive access any role gives, and whether a role named the field. */
  const roleAccess = (object: DeployedObject, field: string): { access: FieldAccess; explicit: boolean } => {
    let best: FieldAccess | undefined;
    let explicitGrant = false;
    for (const role of roles) {
      const perm = role.objects?.[object.name];
      if (!perm || !grantOf(perm.read)) continue;
      const explicit = role.fields?.[`${object.name}.${field}`];
      if (explicit !== undefined && explicit !== 'none') explicitGrant = true;
      const access: FieldAccess = explicit ?? (grantOf(perm.update) || perm.create === true ? 'edit' : 'read');
      if (!best || FIELD_RANK[access] > FIELD_RANK[best]) best = access;
    }
    return { access: best ?? 'none', explicit: explicitGrant };
  };

  const canRead = (objectName: string): boolean => abilities.can('read', objectSubject(objectName));

  // Asked for every field of every row returned: answered once per policy (one request).
  const fieldCache = new Map<string, FieldAccess>();
  const fieldAccess = (object: DeployedObject, field: string, visiting: Set<string> = new Set()): FieldAccess => {
    const key = `${object.name}.${field}`;
    const cached = fieldCache.get(key);
    if (cached) return cached;
    if (visiting.has(key)) return 'edit'; // a cycle (refused at deploy) hides nothing by itself
    visiting.add(key);
    let { access, explicit } = roleAccess(object, field);
    if (access !== 'none' && !explicit && derivedFromHidden(object, field, visiting)) access = 'none';
    visiting.delete(key);
    fieldCache.set(key, access);
    return access;
  };

  /** Would this formula or rollup give away a field hidden from the caller? */
  const derivedFromHidden = (object: DeployedObject, field: string, visiting: Set<string>): boolean => {
    const def = object.fields.find((f) => f.name === field);
    if (def?.type === 'formula') {
      for (const dep of expressionFields(def.expression)) {
        if (dep === ANY_FIELD) {
          if (object.fields.some((f) => f.name !== field && fieldAccess(object, f.name, visiting) === 'none')) return true;
        } else if (!dep.startsWith('$') && dep !== field && object.fields.some((f) => f.name === dep) && fieldAccess(object, dep, visiting) === 'none') {
          return true;
        }
      }
    } else if (def?.type === 'rollup' && def.field) {
      const child = registry.objects.find((o) => o.name === def.of.split('.')[0]);
      // A child object the caller may not read at all is a business decision (totals across
      // records one may not open); a field hidden on a child one may read is not.
      if (child && canRead(child.name) && fieldAccess(child, def.field, visiting) === 'none') return true;
    }
    return false;
  };

  return {
    canSeeObject: (object) => canRead(object.name),
    canCreate: (object) => abilities.can('create', objectSubject(object.name)),
    rows(object, action) {
      const key = `${object.name}:${action}`;
      let r = rowCache.get(key);
      if (!r) {
        const gs = grants(object, action);
        r = !gs.length ? 'none' : gs.some((g) => g.kind === 'all') ? 'all' : conditionFor(registry, object, gs, user);
        rowCache.set(key, r);
      }
      return r;
    },
    field: (object, field) => (field === 'id' ? 'read' : fieldAccess(object, field)),
    canReassign: (object) => abilities.can('reassign', objectSubject(object.name)),
    hasAbility: (a) => abilities.can(ability(a), APP_SUBJECT),
  };
}

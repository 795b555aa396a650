/**
 * The access policy of a caller, from the roles they hold (CONTRACT §5). Roles become a CASL
 * ability for the yes/no questions (may create? may use the studio?); record access becomes
 * SQL: `own` → ownerId = me, `team` → ownerId among me and everyone under me, a filter → the
 * filter compiled like any list filter. With several roles the most permissive wins.
 * The built-in role `admin` may do everything.
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Knex } from 'knex';
import type { FieldAccess, RecordAccess, RoleDef } from '../../metadata/types.ts';
import { DATA_SCHEMA } from '../db/names.ts';
import type { DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import { compileFilter } from '../query/filter.ts';
import { ROOT_ALIAS } from '../query/joins.ts';
import { fullAccess, type AccessPolicy, type RecordAction, type RowCondition } from './access.ts';

export interface PolicySubject {
  id: string;
  roles: string[];
  /** The caller and everyone below them in the manager hierarchy (for `team`). */
  teamIds?: string[];
}

export const ADMIN_ROLE = 'admin';
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

function buildAbility(roles: RoleDef[]): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const role of roles) {
    for (const [object, perm] of Object.entries(role.objects ?? {})) {
      if (grantOf(perm.read)) can('read', object);
      if (perm.create) can('create', object);
      if (grantOf(perm.update)) can('update', object);
      if (grantOf(perm.delete)) can('delete', object);
      if (perm.update === 'all' || perm.update === true) can('reassign', object);
    }
    for (const a of role.abilities ?? []) can(a, 'strata');
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
  if (user.roles.includes(ADMIN_ROLE)) return fullAccess;
  const roles = rolesOf(registry, user.roles);
  const ability = buildAbility(roles);
  const rowCache = new Map<string, 'all' | 'none' | RowCondition>();

  const grants = (object: DeployedObject, action: RecordAction): Grant[] => {
    const out: Grant[] = [];
    for (const role of roles) {
      const g = grantOf(role.objects?.[object.name]?.[action]);
      if (g) out.push(g);
    }
    return out;
  };

  const fieldAccess = (object: DeployedObject, field: string): FieldAccess => {
    let best: FieldAccess | undefined;
    for (const role of roles) {
      const perm = role.objects?.[object.name];
      if (!perm || !grantOf(perm.read)) continue;
      const explicit = role.fields?.[`${object.name}.${field}`];
      const access: FieldAccess = explicit ?? (grantOf(perm.update) || perm.create ? 'edit' : 'read');
      if (!best || FIELD_RANK[access] > FIELD_RANK[best]) best = access;
    }
    return best ?? 'none';
  };

  return {
    canSeeObject: (object) => ability.can('read', object.name),
    canCreate: (object) => ability.can('create', object.name),
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
    canReassign: (object) => ability.can('reassign', object.name),
    hasAbility: (a) => ability.can(a, 'strata'),
  };
}

/**
 * Reference paths (`contact.account.industry`) → LEFT JOINs with generated aliases.
 * Every table in a query is aliased (root `r`, joins `t0`, `t1`…), so no object name — even
 * one called `t0` or `order` — is ever used as a qualifier.
 */
import type { Knex } from 'knex';
import type { DeployedObject } from '../metadata/deployed.ts';
import { DATA_SCHEMA, SYSTEM_COLUMNS } from '../db/names.ts';
import { assertIdentifier, lookupField, type FieldInfo, type QueryContext, type ValueKind } from './context.ts';
import { quote, type QueryIssue } from './errors.ts';

export const ROOT_ALIAS = 'r';

/** Row access of the caller for joined objects: every row, none, or a condition on an alias. */
export type ReadableRows = (object: DeployedObject) => 'all' | 'none' | ((qb: Knex.QueryBuilder, alias: string) => void);
/** Reference hops in one path: `a.b.c.field` is three. */
export const MAX_HOPS = 3;
/** Distinct joined paths per query; beyond this PostgreSQL plans joins poorly anyway. */
export const MAX_JOINS = 16;

export interface JoinSpec {
  alias: string;
  /** The reference path this join reaches, e.g. `contact.account`. */
  path: string;
  object: DeployedObject;
  fromAlias: string;
  fromColumn: string;
}

export function tableOf(object: DeployedObject): string {
  return `${DATA_SCHEMA}.${assertIdentifier(object.name)}`;
}

/** `alias.column`, for a `??` binding or a knex builder method. */
export function columnRef(alias: string, column: string): string {
  return `${alias}.${assertIdentifier(column)}`;
}

/** The joins one query needs, one per distinct path, shared by its filter, sort and cursor. */
export class JoinPlan {
  readonly root: DeployedObject;
  private readonly byPath = new Map<string, JoinSpec>();
  private readonly readable?: ReadableRows;

  /** `readable` limits joined records to those the caller may read (others read as null). */
  constructor(root: DeployedObject, readable?: ReadableRows) {
    this.root = root;
    this.readable = readable;
  }

  get joins(): readonly JoinSpec[] {
    return [...this.byPath.values()];
  }

  /** The alias for `path`, adding the join on first use; undefined when over MAX_JOINS. */
  join(path: string, fromAlias: string, fromColumn: string, object: DeployedObject): string | undefined {
    const existing = this.byPath.get(path);
    if (existing) return existing.alias;
    if (this.byPath.size >= MAX_JOINS) return undefined;
    const alias = `t${this.byPath.size}`;
    this.byPath.set(path, { alias, path, object, fromAlias, fromColumn });
    return alias;
  }

  /** Adds the LEFT JOINs. A soft-deleted target is kept out in ON, so it reads as null. */
  applyTo(qb: Knex.QueryBuilder): Knex.QueryBuilder {
    for (const j of this.byPath.values()) {
      const read = this.readable?.(j.object) ?? 'all';
      let visible: Knex.Raw | undefined;
      if (read === 'none') visible = qb.client.raw('false');
      else if (read !== 'all') {
        // Only records the caller may read join; the others read as null, as in expand.
        const sub = qb.client.queryBuilder().from({ [ROOT_ALIAS]: tableOf(j.object) }).select(`${ROOT_ALIAS}.id`);
        read(sub, ROOT_ALIAS);
        visible = qb.client.raw('?? IN (?)', [columnRef(j.alias, 'id'), sub]);
      }
      qb.leftJoin({ [j.alias]: tableOf(j.object) }, function on(this: Knex.JoinClause) {
        this.on(columnRef(j.alias, 'id'), '=', columnRef(j.fromAlias, j.fromColumn))
          .andOnNull(`${j.alias}.${SYSTEM_COLUMNS.deletedAt}`);
        if (visible) this.andOn(visible);
      });
    }
    return qb;
  }
}

export interface ResolvedColumn {
  /** The path as written, e.g. `contact.account.industry`. */
  path: string;
  /** `alias.column`, for `??`. */
  ref: string;
  kind: ValueKind;
  info: FieldInfo;
}

/**
 * Checks `path` against the metadata hop by hop and returns its column, or the issue.
 * `where` is the request path reported with the issue.
 */
export function resolvePath(path: string, ctx: QueryContext, joins: JoinPlan, where: string): ResolvedColumn | QueryIssue {
  const segments = path.split('.');
  if (path.length > 200 || segments.length > MAX_HOPS + 1) {
    return { field: where, code: 'invalid_path', message: `A path may cross at most ${MAX_HOPS} references` };
  }
  let object = joins.root;
  let alias = ROOT_ALIAS;
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i];
    const info = lookupField(ctx, object, name);
    if (!info) {
      return { field: where, code: 'unknown_field', message: `Unknown field ${quote(name)} on object "${object.name}"` };
    }
    if (i === segments.length - 1) {
      return { path, ref: columnRef(alias, info.name), kind: info.kind, info };
    }
    const field = info.field;
    const target = field?.type === 'reference' ? ctx.objectByName(field.to) : undefined;
    if (!field || field.type !== 'reference' || !target) {
      return { field: where, code: 'invalid_path', message: `${quote(name)} on object "${object.name}" is not a reference, so it cannot be followed` };
    }
    const next = joins.join(segments.slice(0, i + 1).join('.'), alias, info.name, target);
    if (!next) return { field: where, code: 'invalid_path', message: `A query may follow at most ${MAX_JOINS} reference paths` };
    alias = next;
    object = target;
  }
  // Unreachable: the loop returns on the last segment.
  return { field: where, code: 'invalid_path', message: 'Empty path' };
}

export function isIssue(x: ResolvedColumn | QueryIssue): x is QueryIssue {
  return 'code' in x;
}

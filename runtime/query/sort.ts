/**
 * `sort`: "name,-amount" or ["name", "-amount"] → validated keys, always ending with `id` so
 * the order is total (keyset pagination needs that). Reference paths (`account.name`) work.
 *
 * NULLs: PostgreSQL's default, made explicit — NULLS LAST ascending, NULLS FIRST descending,
 * i.e. null sorts as the largest value. This matches default b-tree indexes in both
 * directions; cursor.ts relies on the same rule.
 */
import type { Knex } from 'knex';
import type { QueryContext } from './context.ts';
import { indexPath, quote, QueryError, type QueryIssue } from './errors.ts';
import { isIssue, JoinPlan, ROOT_ALIAS, columnRef, resolvePath, type ResolvedColumn } from './joins.ts';

export type SortDirection = 'asc' | 'desc';

export interface SortKey {
  /** As written, without the sign: `amount`, `account.name`. */
  field: string;
  direction: SortDirection;
  column: ResolvedColumn;
}

/** Explicit keys; `id` comes on top. */
export const MAX_SORT_KEYS = 8;

export interface SortOptions {
  joins?: JoinPlan;
  /** Where errors point; `sort` by default. */
  path?: string;
}

function idKey(): SortKey {
  return {
    field: 'id', direction: 'asc',
    column: { path: 'id', ref: columnRef(ROOT_ALIAS, 'id'), kind: 'uuid', info: { name: 'id', kind: 'uuid' } },
  };
}

/** Parses and validates `sort`; empty or missing gives just `id`. Throws QueryError. */
export function parseSort(sort: unknown, ctx: QueryContext, options: SortOptions = {}): SortKey[] {
  const joins = options.joins ?? new JoinPlan(ctx.object, ctx.readableRows);
  const root = options.path ?? 'sort';
  let items: Array<{ text: string; at: string }>;
  if (sort === undefined || sort === null || sort === '') {
    items = [];
  } else if (typeof sort === 'string') {
    items = sort.split(',').map((text) => ({ text, at: root }));
  } else if (Array.isArray(sort) && sort.every((s) => typeof s === 'string')) {
    items = (sort as string[]).map((text, i) => ({ text, at: indexPath(root, i) }));
  } else {
    throw QueryError.one(root, 'invalid_sort', 'sort must be a string like "name,-amount" or an array of such keys');
  }
  if (items.length > MAX_SORT_KEYS) {
    throw QueryError.one(root, 'invalid_sort', `Sort by at most ${MAX_SORT_KEYS} fields`);
  }

  const issues: QueryIssue[] = [];
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  for (const { text, at } of items) {
    const trimmed = text.trim();
    const direction: SortDirection = trimmed.startsWith('-') ? 'desc' : 'asc';
    const field = /^[-+]/.test(trimmed) ? trimmed.slice(1) : trimmed;
    if (!field) {
      issues.push({ field: at, code: 'invalid_sort', message: 'Empty sort key' });
      continue;
    }
    const column = resolvePath(field, ctx, joins, at);
    if (isIssue(column)) {
      issues.push(column);
      continue;
    }
    if (column.kind === 'multi' || column.kind === 'json') {
      issues.push({ field: at, code: 'invalid_sort', message: `Field ${quote(field)} cannot be sorted by` });
      continue;
    }
    if (seen.has(field)) {
      issues.push({ field: at, code: 'invalid_sort', message: `Field ${quote(field)} appears twice in sort` });
      continue;
    }
    seen.add(field);
    keys.push({ field, direction, column });
  }
  if (issues.length) throw new QueryError(issues);

  // id is unique: keys after it never decide anything, and it must end the list.
  const idAt = keys.findIndex((k) => k.field === 'id');
  return idAt >= 0 ? keys.slice(0, idAt + 1) : [...keys, idKey()];
}

/** Identifies a sort order, so a cursor made for one order is refused under another. */
export function sortSignature(keys: readonly SortKey[]): string {
  return keys.map((k) => (k.direction === 'desc' ? '-' : '') + k.field).join(',');
}

export function applySort(qb: Knex.QueryBuilder, keys: readonly SortKey[]): Knex.QueryBuilder {
  for (const k of keys) qb.orderBy(k.column.ref, k.direction, k.direction === 'asc' ? 'last' : 'first');
  return qb;
}

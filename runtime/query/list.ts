/**
 * The list query (`GET /api/records/:object`): filter, search, sort, keyset cursor, limit and
 * fields → one knex builder. Run it, then hand the rows to `listPage` for `{data, nextCursor}`.
 */
import type { Knex } from 'knex';
import { SYSTEM_COLUMNS } from '../db/names.ts';
import { lookupField, visibleFields, type QueryContext } from './context.ts';
import { cursorCondition, cursorFromRow, decodeCursor, KEY_PREFIX, keySelect } from './cursor.ts';
import { indexPath, quote, QueryError, type QueryIssue } from './errors.ts';
import { compileFilter } from './filter.ts';
import { columnRef, JoinPlan, ROOT_ALIAS, tableOf } from './joins.ts';
import { applySort, parseSort, type SortKey } from './sort.ts';
import { FALSE, frag, junction, whereFragment, type SqlFragment } from './sql.ts';
import { escapeLike, isSafeString } from './values.ts';
import { searchFields } from '../schema/search-index.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** Without `sort`: newest first (id breaks ties). */
export const DEFAULT_SORT = '-createdAt,-id';
const MAX_Q_LENGTH = 200;
const MAX_Q_TERMS = 8;

export interface ListParams {
  /** A filter object (CONTRACT §4), or its JSON text as it comes in a query string. */
  filter?: unknown;
  /** `"name,-amount"` or `["name", "-amount"]`. */
  sort?: unknown;
  /** 1..200, a number or a numeric string; default 50. */
  limit?: unknown;
  /** `nextCursor` of the previous page. */
  cursor?: unknown;
  /** `"name,amount"` or an array; `id` is always included. Default: every visible field. */
  fields?: unknown;
  /** Text search over the object's text, email, phone and longtext fields. */
  q?: unknown;
}

/** What an extra condition (security's row-level access) may use. */
export interface ListScope {
  ctx: QueryContext;
  /** Alias of the queried table: qualify its columns as `${rootAlias}.column`. */
  rootAlias: string;
  /** Add joins through this plan (e.g. `compileFilter(f, ctx, {joins})`); they are applied after. */
  joins: JoinPlan;
}

/**
 * Adds conditions to `qb`, which is a parenthesised group of its own (so an OR inside cannot
 * widen the query). It may run more than once (knex compiles lazily), so keep it pure:
 * the same conditions and joins every time. Joins go through `scope.joins`.
 */
export type ExtraWhere = (qb: Knex.QueryBuilder, scope: ListScope) => void;

export interface ListPage<R> {
  data: R[];
  nextCursor: string | null;
}

export function parseLimit(limit: unknown): number {
  if (limit === undefined || limit === null || limit === '') return DEFAULT_LIMIT;
  const n = typeof limit === 'string' && /^\d{1,6}$/.test(limit) ? Number(limit) : limit;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw QueryError.one('limit', 'invalid_limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return n;
}

/** Validated field names to select, `id` first; default every field the caller may see. */
export function parseFields(fields: unknown, ctx: QueryContext): string[] {
  if (fields === undefined || fields === null || fields === '') {
    return visibleFields(ctx, ctx.object).map((f) => f.name);
  }
  let items: Array<{ name: string; at: string }>;
  if (typeof fields === 'string') items = fields.split(',').map((name) => ({ name: name.trim(), at: 'fields' }));
  else if (Array.isArray(fields) && fields.every((f) => typeof f === 'string')) {
    items = (fields as string[]).map((name, i) => ({ name: name.trim(), at: indexPath('fields', i) }));
  } else {
    throw QueryError.one('fields', 'invalid_fields', 'fields must be a comma-separated list of field names');
  }
  const issues: QueryIssue[] = [];
  const out = new Set<string>(['id']);
  for (const { name, at } of items) {
    if (!lookupField(ctx, ctx.object, name)) {
      issues.push({ field: at, code: 'unknown_field', message: `Unknown field ${quote(name)} on object "${ctx.object.name}"` });
    } else out.add(name);
  }
  if (issues.length) throw new QueryError(issues);
  return [...out];
}

/**
 * Every term must occur (case-insensitively) in at least one of the object's search fields
 * (its name, email, phone and code fields: schema/search-index.ts). Each has a pg_trgm GIN
 * index, so these `%term%` patterns are index scans: a bitmap OR over the fields per term.
 */
export function searchCondition(q: unknown, ctx: QueryContext): SqlFragment | undefined {
  if (q === undefined || q === null) return undefined;
  if (!isSafeString(q) || q.length > MAX_Q_LENGTH) {
    throw QueryError.one('q', 'invalid_search', `q must be text of at most ${MAX_Q_LENGTH} characters`);
  }
  const terms = q.trim().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return undefined;
  if (terms.length > MAX_Q_TERMS) throw QueryError.one('q', 'invalid_search', `q may hold at most ${MAX_Q_TERMS} words`);
  const columns = searchFields(ctx.object)
    .filter((f) => lookupField(ctx, ctx.object, f.name))
    .map((f) => columnRef(ROOT_ALIAS, f.name));
  if (columns.length === 0) return FALSE; // nothing to search in: nothing matches
  return junction('and', terms.map((t) => {
    const pattern = `%${escapeLike(t)}%`;
    return junction('or', columns.map((c) => frag('?? ilike ?', c, pattern)));
  }));
}

function collect<T>(issues: QueryIssue[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    issues.push(...e.errors);
    return undefined;
  }
}

function parseFilterParam(filter: unknown): unknown {
  if (typeof filter !== 'string') return filter;
  if (filter.trim() === '') return undefined;
  try {
    return JSON.parse(filter);
  } catch {
    throw QueryError.one('filter', 'invalid_json', 'filter is not valid JSON');
  }
}

function defaultSort(ctx: QueryContext): string {
  return lookupField(ctx, ctx.object, 'createdAt') ? DEFAULT_SORT : 'id';
}

/**
 * The list query for `ctx.object`: live rows only (soft-deleted excluded), `params` applied,
 * `extraWhere` ANDed as its own group. Fetches limit + 1 rows so `listPage` can tell whether
 * there is a next page. Throws one QueryError listing every bad parameter.
 */
export function buildListQuery(knex: Knex, ctx: QueryContext, params: ListParams, extraWhere?: ExtraWhere): Knex.QueryBuilder {
  return planListQuery(knex, ctx, params, extraWhere).qb;
}

/** The list query, with the sort and limit it was built for (for `pageFromRows`). */
export interface ListPlan {
  qb: Knex.QueryBuilder;
  sort: SortKey[];
  limit: number;
}

/** As `buildListQuery`, returning the parsed sort and limit as well. */
export function planListQuery(knex: Knex, ctx: QueryContext, params: ListParams, extraWhere?: ExtraWhere): ListPlan {
  const joins = new JoinPlan(ctx.object, ctx.readableRows);
  const issues: QueryIssue[] = [];
  const limit = collect(issues, () => parseLimit(params.limit));
  const fields = collect(issues, () => parseFields(params.fields, ctx));
  const filter = collect(issues, () => compileFilter(parseFilterParam(params.filter), ctx, { joins }));
  const search = collect(issues, () => searchCondition(params.q, ctx));
  const sort = collect(issues, () => parseSort(emptyToUndefined(params.sort) ?? defaultSort(ctx), ctx, { joins }));
  const after = sort && params.cursor !== undefined && params.cursor !== null && params.cursor !== ''
    ? collect(issues, () => cursorCondition(sort, decodeCursor(params.cursor, ctx.object.name, sort)))
    : undefined;
  if (issues.length || !limit || !fields || !filter || !sort) throw new QueryError(issues);

  const qb = knex.from({ [ROOT_ALIAS]: tableOf(ctx.object) });
  qb.select(fields.map((f) => columnRef(ROOT_ALIAS, f)));
  sort.forEach((key, i) => qb.select(keySelect(knex, key, i)));
  qb.whereNull(`${ROOT_ALIAS}.${SYSTEM_COLUMNS.deletedAt}`);
  filter.applyWhere(qb);
  if (search) whereFragment(qb, search);
  if (extraWhere) {
    qb.where(function extra(this: Knex.QueryBuilder) {
      extraWhere(this, { ctx, rootAlias: ROOT_ALIAS, joins });
    });
  }
  if (after) whereFragment(qb, after);
  // knex runs where-callbacks lazily, when SQL is compiled, and compiles JOINs before WHERE.
  // Compiling once now makes the extra condition register its joins (and throw its errors)
  // before the JOIN clauses are added; the plan dedupes them when it runs again.
  if (extraWhere) qb.toSQL();
  joins.applyTo(qb);
  applySort(qb, sort);
  return { qb: qb.limit(limit + 1), sort, limit };
}

function emptyToUndefined(v: unknown): unknown {
  return v === '' || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v;
}

/**
 * Turns the rows `buildListQuery` fetched into the response page: at most `limit` rows,
 * hidden sort-key columns removed, and `nextCursor` when there were more rows.
 */
export function listPage<R extends Record<string, unknown>>(rows: readonly R[], ctx: QueryContext, params: ListParams): ListPage<R> {
  const limit = parseLimit(params.limit);
  const sort = parseSort(emptyToUndefined(params.sort) ?? defaultSort(ctx), ctx);
  return pageFromRows(rows, ctx.object.name, sort, limit);
}

/** As `listPage`, for callers holding the parsed sort and limit. */
export function pageFromRows<R extends Record<string, unknown>>(
  rows: readonly R[], object: string, sort: readonly SortKey[], limit: number,
): ListPage<R> {
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit && page.length > 0 ? cursorFromRow(page[page.length - 1], object, sort) : null;
  const data = page.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (!k.startsWith(KEY_PREFIX)) out[k] = v;
    return out as R;
  });
  return { data, nextCursor };
}

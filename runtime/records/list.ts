/**
 * List records: filter, sort, keyset cursor, fields, text search and expand, with the caller's
 * row access compiled into the same SQL (never filtered afterwards).
 */
import { CompiledCache, compileNative, runNative, type NativeQuery } from '../db/native.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import { cursorFromRow } from '../query/cursor.ts';
import { planListQuery, type ListParams } from '../query/list.ts';
import type { SortKey } from '../query/sort.ts';
import { todayUtc } from '../query/values.ts';
import { objectOf, type RecordContext } from './context.ts';
import { expandRecords, parseExpand } from './expand.ts';
import { queryContext } from './query-context.ts';
import { recordShape, type ApiRecord } from './serialize.ts';

export interface ListRequest extends ListParams {
  expand?: unknown;
}

export interface RecordPage {
  data: ApiRecord[];
  nextCursor: string | null;
}

/** `fields=name&expand=account`: an expanded reference is part of the answer, so it is selected. */
function withExpanded(fields: unknown, expanded: string[]): unknown {
  if (!expanded.length) return fields;
  if (typeof fields === 'string' && fields.trim() !== '') {
    const names = fields.split(',').map((f) => f.trim());
    return [...names, ...expanded.filter((e) => !names.includes(e))].join(',');
  }
  if (Array.isArray(fields) && fields.length && fields.every((f) => typeof f === 'string')) {
    return [...fields, ...expanded.filter((e) => !fields.includes(e))];
  }
  return fields;
}

interface CompiledList { query: NativeQuery; sort: SortKey[]; limit: number }

/**
 * Compiled list statements, for callers whose role reads every row of the object: the SQL
 * then depends only on what the key holds — the deployed version, the object, the caller
 * (for "$user" in filters, and roles for field visibility), the date (for "$today") and the
 * parameters. Row-level conditions (own, team, filters) are compiled afresh each time.
 */
const compiled = new CompiledCache<CompiledList>();

function cacheKey(ctx: RecordContext, object: DeployedObject, query: ListParams): string {
  return `${ctx.registry.version}\u0000${object.name}\u0000${ctx.user.id}\u0000${ctx.user.roles.join(',')}\u0000${todayUtc()}\u0000${JSON.stringify(query)}`;
}

export async function listRecords(ctx: RecordContext, objectName: string, params: ListRequest): Promise<RecordPage> {
  const object = objectOf(ctx, objectName);
  const qctx = queryContext(ctx, object);
  const expand = parseExpand(ctx, object, params.expand); // bad expand is a 400 before any query runs
  const rows = ctx.access.rows(object, 'read');
  const query: ListParams = { filter: params.filter, sort: params.sort, limit: params.limit, cursor: params.cursor, q: params.q, fields: withExpanded(params.fields, expand.map((f) => f.name)) };
  const key = rows === 'all' ? cacheKey(ctx, object, query) : undefined;
  let plan = key === undefined ? undefined : compiled.get(key);
  if (!plan) {
    const built = planListQuery(ctx.knex, qctx, query, rows === 'all' ? undefined : (q, scope) => {
      if (rows === 'none') q.whereRaw('false');
      else rows(q, scope.rootAlias);
    });
    plan = { query: compileNative(built.qb), sort: built.sort, limit: built.limit };
    if (key !== undefined) compiled.set(key, plan);
  }
  const fetched = await runNative(ctx.knex, plan.query);
  // limit + 1 rows were asked for: one more means there is a next page. The shape keeps only
  // the record's own keys (the hidden sort-key columns fall away).
  const more = fetched.length > plan.limit;
  const page = more ? fetched.slice(0, plan.limit) : fetched;
  const shape = recordShape(object, ctx.access);
  const data = page.map(shape);
  if (params.expand !== undefined) await expandRecords(ctx, object, data, params.expand);
  return { data, nextCursor: more && page.length ? cursorFromRow(page[page.length - 1], object.name, plan.sort) : null };
}

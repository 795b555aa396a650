/**
 * List records: filter, sort, keyset cursor, fields, text search and expand, with the caller's
 * row access compiled into the same SQL (never filtered afterwards).
 */
import { buildListQuery, listPage, type ListParams } from '../query/list.ts';
import { objectOf, type RecordContext } from './context.ts';
import { expandRecords, parseExpand } from './expand.ts';
import { queryContext } from './query-context.ts';
import { toRecord, type ApiRecord } from './serialize.ts';

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

export async function listRecords(ctx: RecordContext, objectName: string, params: ListRequest): Promise<RecordPage> {
  const object = objectOf(ctx, objectName);
  const qctx = queryContext(ctx, object);
  const expand = parseExpand(ctx, object, params.expand); // bad expand is a 400 before any query runs
  const rows = ctx.access.rows(object, 'read');
  const query: ListParams = { ...params, fields: withExpanded(params.fields, expand.map((f) => f.name)) };
  const qb = buildListQuery(ctx.knex, qctx, query, rows === 'all' ? undefined : (q, scope) => {
    if (rows === 'none') q.whereRaw('false');
    else rows(q, scope.rootAlias);
  });
  const fetched = (await qb) as Array<Record<string, unknown>>;
  const page = listPage(fetched, qctx, query);
  const data = page.data.map((row) => toRecord(object, row, ctx.access));
  if (params.expand !== undefined) await expandRecords(ctx, object, data, params.expand);
  return { data, nextCursor: page.nextCursor };
}

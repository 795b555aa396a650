/** The query compiler: record filters, sort, keyset cursors and list queries → knex. */
export { QueryError, type QueryErrorCode, type QueryIssue } from './errors.ts';
export { lookupField, visibleFields, type FieldInfo, type QueryContext, type ValueKind } from './context.ts';
export { JoinPlan, ROOT_ALIAS, MAX_HOPS, resolvePath, type JoinSpec, type ResolvedColumn } from './joins.ts';
export { compileFilter, MAX_CONDITIONS, MAX_DEPTH, MAX_IN_VALUES, OPERATORS, type CompiledFilter, type CompileOptions, type FilterOperator } from './filter.ts';
export { parseSort, sortSignature, applySort, type SortKey, type SortDirection } from './sort.ts';
export { encodeCursor, decodeCursor, cursorCondition, type CursorValues } from './cursor.ts';
export {
  buildListQuery, planListQuery, listPage, pageFromRows, parseLimit, parseFields, searchCondition,
  DEFAULT_LIMIT, MAX_LIMIT, DEFAULT_SORT,
  type ListParams, type ListScope, type ExtraWhere, type ListPage, type ListPlan,
} from './list.ts';
export type { SqlBinding, SqlFragment } from './sql.ts';

/**
 * The record filter language (CONTRACT §4) → a SQL condition with bindings.
 *
 *   {"field": v}                     equals (v null → IS NULL)
 *   {"field": {"eq"|"ne"|"gt"|"gte"|"lt"|"lte": v}}
 *   {"field": {"in"|"nin": [v…]}}    a null in the list matches empty values
 *   {"field": {"contains"|"startsWith": "s"}}   case-insensitive, text fields
 *   {"field": {"isNull": true|false}}
 *   {"and": [...]}, {"or": [...]}, {"not": {...}}; several keys or operators in one object: AND
 *   "a.b.c" reference paths (LEFT JOIN, soft-deleted targets read as null)
 *   "$user.id", "$today" as values
 *
 * Multipicklist: eq "x" = contains x, eq ["x","y"] = contains both, eq [] = empty;
 * in = overlaps; isNull = null or empty.
 *
 * Negative operators are complements: `ne`, `nin` and `not` include rows whose value is null
 * (a record matches `not X` exactly when it does not match X). To get that from SQL's
 * three-valued logic, `not` is pushed down to the leaves (De Morgan) and each leaf has an
 * explicit negative form, so the SQL never contains NOT over a compound condition and stays
 * index-friendly.
 */
import type { Knex } from 'knex';
import type { QueryContext, ValueKind } from './context.ts';
import { KIND_SQL_TYPE } from './context.ts';
import { childPath, indexPath, quote, QueryError, type QueryErrorCode, type QueryIssue } from './errors.ts';
import { isIssue, JoinPlan, resolvePath, type ResolvedColumn } from './joins.ts';
import { FALSE, frag, junction, TRUE, whereFragment, type SqlBinding, type SqlFragment } from './sql.ts';
import { isDate, isUuid } from '../../metadata/record-schema.ts';
import { escapeLike, isFiniteNumber, isInteger, isSafeString, normalizeDatetime, todayUtc } from './values.ts';

/** Nesting of and / or / not. */
export const MAX_DEPTH = 32;
/** Field conditions (leaves) in one filter. */
export const MAX_CONDITIONS = 200;
/** Values in one `in` / `nin` list. */
export const MAX_IN_VALUES = 1000;
/** Issues reported at once; the rest would only make the response bigger. */
const MAX_ISSUES = 20;

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull'] as const;
export type FilterOperator = (typeof OPERATORS)[number];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

const ALLOWED: Readonly<Record<ValueKind, ReadonlySet<FilterOperator>>> = {
  text: new Set(OPERATORS),
  integer: new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull']),
  number: new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull']),
  date: new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull']),
  datetime: new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull']),
  boolean: new Set(['eq', 'ne', 'in', 'nin', 'isNull']),
  uuid: new Set(['eq', 'ne', 'in', 'nin', 'isNull']),
  multi: new Set(['eq', 'ne', 'in', 'nin', 'isNull']),
  // JSON documents are not compared here, only tested for presence.
  json: new Set(['eq', 'ne', 'isNull']),
};

const KIND_WORDS: Readonly<Record<ValueKind, string>> = {
  text: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false',
  date: 'a date (YYYY-MM-DD)', datetime: 'an ISO 8601 date-time', uuid: 'a UUID',
  multi: 'a string (one of the picklist values)', json: 'null',
};

/** Comparison operators and their complements (null is handled separately). */
const COMPARE: Readonly<Record<'gt' | 'gte' | 'lt' | 'lte', [string, string]>> = {
  gt: ['>', '<='], gte: ['>=', '<'], lt: ['<', '>='], lte: ['<=', '>'],
};

export interface CompileOptions {
  /** Share joins with the sort and other conditions of the same query (list does). */
  joins?: JoinPlan;
  /** Root of the paths in errors; `filter` by default (a role might use `roles.x.read`). */
  path?: string;
}

export interface CompiledFilter {
  /** The condition: `??` = identifier binding, `?` = value binding. `true` when empty. */
  readonly sql: string;
  readonly bindings: readonly SqlBinding[];
  /** Joins the condition refers to (and any others already in a shared plan). */
  readonly joins: JoinPlan;
  /** Adds the condition as a WHERE … AND (for a builder whose joins are applied elsewhere). */
  applyWhere(qb: Knex.QueryBuilder): Knex.QueryBuilder;
  /** Adds the joins, then the condition: for a builder selecting `from({r: table})`. */
  apply(qb: Knex.QueryBuilder): Knex.QueryBuilder;
}

/** A parsed value, ready to bind. */
type Checked = { ok: true; value: SqlBinding } | { ok: false };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

class FilterCompiler {
  readonly issues: QueryIssue[] = [];
  private conditions = 0;

  constructor(private readonly ctx: QueryContext, private readonly joins: JoinPlan) {}

  issue(field: string, code: QueryErrorCode, message: string): void {
    this.issues.push({ field, code, message });
    // Enough to act on; going on through a huge hostile filter would only cost time.
    if (this.issues.length >= MAX_ISSUES) throw new QueryError(this.issues);
  }

  /** A filter object: its keys ANDed. `negate`: compile NOT of it. */
  node(value: unknown, path: string, depth: number, negate: boolean): SqlFragment {
    if (depth > MAX_DEPTH) throw QueryError.one(path, 'too_deep', `A filter may nest at most ${MAX_DEPTH} levels`);
    if (!isPlainObject(value)) {
      this.issue(path, 'invalid_filter', 'A filter must be an object like {"field": value}');
      return TRUE;
    }
    const parts: SqlFragment[] = [];
    for (const key of Object.keys(value)) {
      const v = value[key];
      const at = childPath(path, key);
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(v)) {
          this.issue(at, 'invalid_filter', `"${key}" takes an array of filters`);
          continue;
        }
        const children = v.map((c, i) => this.node(c, indexPath(at, i), depth + 1, negate));
        // De Morgan: not(a and b) = not a or not b.
        parts.push(junction((key === 'and') !== negate ? 'and' : 'or', children));
      } else if (key === 'not') {
        parts.push(this.node(v, at, depth + 1, !negate));
      } else {
        parts.push(this.field(key, v, at, negate));
      }
    }
    return junction(negate ? 'or' : 'and', parts);
  }

  /** `{"field": value}` or `{"field": {op: value, …}}`. */
  field(key: string, value: unknown, path: string, negate: boolean): SqlFragment {
    const column = resolvePath(key, this.ctx, this.joins, path);
    if (isIssue(column)) {
      this.issue(column.field, column.code, column.message);
      return TRUE;
    }
    if (!isPlainObject(value)) return this.leaf(column, 'eq', value, path, negate);
    const ops = Object.keys(value);
    if (ops.length === 0) {
      this.issue(path, 'invalid_filter', 'An operator object needs at least one operator, e.g. {"eq": 1}');
      return TRUE;
    }
    const parts: SqlFragment[] = [];
    for (const op of ops) {
      const at = childPath(path, op);
      if (!OPERATOR_SET.has(op)) {
        this.issue(at, 'unknown_operator', `Unknown operator ${quote(op)}; use one of ${OPERATORS.join(', ')}`);
        continue;
      }
      parts.push(this.leaf(column, op as FilterOperator, value[op], at, negate));
    }
    return junction(negate ? 'or' : 'and', parts);
  }

  /** One condition on one column. */
  leaf(col: ResolvedColumn, op: FilterOperator, raw: unknown, path: string, negate: boolean): SqlFragment {
    if (++this.conditions > MAX_CONDITIONS) {
      throw QueryError.one(path, 'too_many_conditions', `A filter may hold at most ${MAX_CONDITIONS} conditions`);
    }
    if (!ALLOWED[col.kind].has(op)) {
      this.issue(path, 'invalid_operator', `Operator "${op}" does not apply to field ${quote(col.path)}`);
      return TRUE;
    }
    const c = col.ref;
    const isNullF = col.kind === 'multi'
      // An empty multipicklist is as empty as null.
      ? [frag('(?? is null or cardinality(??) = 0)', c, c), frag('cardinality(??) > 0', c)] as const
      : [frag('?? is null', c), frag('?? is not null', c)] as const;

    switch (op) {
      case 'isNull': {
        if (typeof raw !== 'boolean') {
          this.issue(path, 'invalid_value', '"isNull" takes true or false');
          return TRUE;
        }
        return isNullF[raw !== negate ? 0 : 1];
      }
      case 'eq':
      case 'ne': {
        const positive = (op === 'eq') !== negate;
        if (raw === null) return isNullF[positive ? 0 : 1];
        if (col.kind === 'json') {
          this.issue(path, 'invalid_value', `Field ${quote(col.path)} can only be compared with null`);
          return TRUE;
        }
        if (col.kind === 'multi') {
          const values = this.multiValues(raw, path);
          if (!values) return TRUE;
          // `[]` asks for no values at all: the same as null.
          if (values.length === 0) return isNullF[positive ? 0 : 1];
          return positive ? frag('?? @> ?::text[]', c, values) : frag('(not (?? @> ?::text[]) or ?? is null)', c, values, c);
        }
        const v = this.value(col.kind, raw, path);
        if (!v.ok) return TRUE;
        return positive ? frag('?? = ?', c, v.value) : frag('(?? <> ? or ?? is null)', c, v.value, c);
      }
      case 'gt': case 'gte': case 'lt': case 'lte': {
        const v = this.value(col.kind, raw, path);
        if (!v.ok) return TRUE;
        const [pos, neg] = COMPARE[op];
        return negate ? frag(`(?? ${neg} ? or ?? is null)`, c, v.value, c) : frag(`?? ${pos} ?`, c, v.value);
      }
      case 'in':
      case 'nin':
        return this.inList(col, (op === 'in') !== negate, raw, path, isNullF);
      case 'contains':
      case 'startsWith': {
        if (!isSafeString(raw)) {
          this.issue(path, 'invalid_value', `"${op}" takes a string`);
          return TRUE;
        }
        const pattern = op === 'contains' ? `%${escapeLike(raw)}%` : `${escapeLike(raw)}%`;
        // pg_trgm GIN indexes (gin_trgm_ops) make these ILIKEs indexable.
        return negate
          ? frag('(?? not ilike ? or ?? is null)', c, pattern, c)
          : frag('?? ilike ?', c, pattern);
      }
    }
  }

  private inList(
    col: ResolvedColumn, positive: boolean, raw: unknown, path: string,
    isNullF: readonly [SqlFragment, SqlFragment],
  ): SqlFragment {
    if (!Array.isArray(raw)) {
      this.issue(path, 'invalid_value', '"in" and "nin" take an array of values');
      return TRUE;
    }
    if (raw.length > MAX_IN_VALUES) {
      this.issue(path, 'too_many_values', `A list may hold at most ${MAX_IN_VALUES} values`);
      return TRUE;
    }
    let withNull = false;
    const values: SqlBinding[] = [];
    let ok = true;
    raw.forEach((item, i) => {
      if (item === null) {
        withNull = true;
        return;
      }
      const v = col.kind === 'multi' ? this.multiItem(item, indexPath(path, i)) : this.value(col.kind, item, indexPath(path, i));
      if (v.ok) values.push(v.value);
      else ok = false;
    });
    if (!ok) return TRUE;
    const c = col.ref;
    // One array binding, not one per value: 200 conditions × 1000 values would exceed
    // PostgreSQL's 65535 parameters per statement.
    const arr = values as string[];
    if (col.kind === 'multi') {
      if (positive) return junction('or', [values.length ? frag('?? && ?::text[]', c, arr) : FALSE, withNull ? isNullF[0] : FALSE]);
      return junction('and', [values.length ? frag('(not (?? && ?::text[]) or ?? is null)', c, arr, c) : TRUE, withNull ? isNullF[1] : TRUE]);
    }
    const type = KIND_SQL_TYPE[col.kind as keyof typeof KIND_SQL_TYPE];
    if (positive) {
      return junction('or', [values.length ? frag(`?? = any(?::${type}[])`, c, arr) : FALSE, withNull ? isNullF[0] : FALSE]);
    }
    if (withNull) return values.length ? frag(`?? <> all(?::${type}[])`, c, arr) : isNullF[1];
    return values.length ? frag(`(?? <> all(?::${type}[]) or ?? is null)`, c, arr, c) : TRUE;
  }

  /** A multipicklist eq value: one string, or an array of strings that must all be present. */
  private multiValues(raw: unknown, path: string): string[] | undefined {
    if (Array.isArray(raw)) {
      if (raw.length > MAX_IN_VALUES) {
        this.issue(path, 'too_many_values', `A list may hold at most ${MAX_IN_VALUES} values`);
        return undefined;
      }
      const out: string[] = [];
      let ok = true;
      raw.forEach((item, i) => {
        const v = this.multiItem(item, indexPath(path, i));
        if (v.ok) out.push(v.value as string);
        else ok = false;
      });
      return ok ? out : undefined;
    }
    const v = this.multiItem(raw, path);
    return v.ok ? [v.value as string] : undefined;
  }

  private multiItem(raw: unknown, path: string): Checked {
    return this.value('text', raw, path, 'multi');
  }

  /** Checks (and for variables substitutes) one value against the column's kind. */
  value(kind: ValueKind, raw: unknown, path: string, shownKind: ValueKind = kind): Checked {
    let v = raw;
    if (v === '$user.id') v = this.ctx.user.id;
    else if (v === '$today') v = this.ctx.today ?? todayUtc();
    const bad = (): Checked => {
      this.issue(path, 'invalid_value', `Expected ${KIND_WORDS[shownKind]}`);
      return { ok: false };
    };
    switch (kind) {
      case 'text':
        return isSafeString(v) ? { ok: true, value: v } : bad();
      case 'integer':
        return isInteger(v) ? { ok: true, value: v } : bad();
      case 'number':
        return isFiniteNumber(v) ? { ok: true, value: v } : bad();
      case 'boolean':
        return typeof v === 'boolean' ? { ok: true, value: v } : bad();
      case 'date':
        return typeof v === 'string' && isDate(v) ? { ok: true, value: v } : bad();
      case 'datetime': {
        const norm = typeof v === 'string' ? normalizeDatetime(v) : null;
        return norm ? { ok: true, value: norm } : bad();
      }
      case 'uuid':
        return typeof v === 'string' && isUuid(v) ? { ok: true, value: v.toLowerCase() } : bad();
      case 'multi':
      case 'json':
        return bad();
    }
  }
}

/**
 * Compiles a filter for `ctx.object`, or throws a QueryError listing every problem found.
 * `undefined` / `null` / `{}` match every row.
 */
export function compileFilter(filter: unknown, ctx: QueryContext, options: CompileOptions = {}): CompiledFilter {
  const joins = options.joins ?? new JoinPlan(ctx.object, ctx.readableRows);
  if (joins.root !== ctx.object) throw new Error('compileFilter: the join plan belongs to another object');
  const root = options.path ?? 'filter';
  let condition = TRUE;
  if (filter !== undefined && filter !== null) {
    const compiler = new FilterCompiler(ctx, joins);
    condition = compiler.node(filter, root, 1, false);
    if (compiler.issues.length) throw new QueryError(compiler.issues);
  }
  return {
    sql: condition.sql,
    bindings: condition.bindings,
    joins,
    applyWhere: (qb) => whereFragment(qb, condition),
    apply: (qb) => whereFragment(joins.applyTo(qb), condition),
  };
}

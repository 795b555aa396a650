/**
 * SQL fragments: text made only of our own fixed keywords plus `??` (an identifier binding,
 * knex quotes it) and `?` (a value binding). User input is only ever in `bindings`.
 */
import type { Knex } from 'knex';

export type SqlBinding = string | number | boolean | string[];

export interface SqlFragment {
  readonly sql: string;
  readonly bindings: readonly SqlBinding[];
}

export const TRUE: SqlFragment = { sql: 'true', bindings: [] };
export const FALSE: SqlFragment = { sql: 'false', bindings: [] };

export function frag(sql: string, ...bindings: SqlBinding[]): SqlFragment {
  return { sql, bindings };
}

/** AND / OR of parts, parenthesised, with the neutral element dropped (and of none = true). */
export function junction(op: 'and' | 'or', parts: readonly SqlFragment[]): SqlFragment {
  const neutral = op === 'and' ? TRUE : FALSE;
  const absorbing = op === 'and' ? FALSE : TRUE;
  const kept = parts.filter((p) => p !== neutral);
  if (kept.some((p) => p === absorbing)) return absorbing;
  if (kept.length === 0) return neutral;
  if (kept.length === 1) return kept[0];
  return {
    sql: `(${kept.map((p) => p.sql).join(` ${op} `)})`,
    bindings: kept.flatMap((p) => p.bindings),
  };
}

/** Adds the fragment as one parenthesised WHERE condition, so its ORs cannot leak out. */
export function whereFragment(qb: Knex.QueryBuilder, f: SqlFragment): Knex.QueryBuilder {
  if (f === TRUE) return qb;
  return qb.whereRaw(`(${f.sql})`, f.bindings as Knex.RawBinding[]);
}

/**
 * Keyset pagination. A cursor is base64url JSON holding the object, the sort order and the
 * last row's sort-key values as PostgreSQL text; the next page is the rows strictly after
 * that key tuple in the sort order. Unlike OFFSET, rows inserted or deleted elsewhere never
 * shift a page: a row is returned at most once, and every row present throughout is returned.
 *
 * Values travel as text made by PostgreSQL itself (to_char for dates and timestamps, so the
 * format is independent of DateStyle/TimeZone and keeps microseconds, which a JS Date would
 * cut). A cursor is not signed: decoding re-validates every value against its column's kind,
 * so a tampered cursor is a 400 (`invalid_cursor`), never SQL and never a database error.
 *
 * NULL order follows sort.ts: null is the largest value (asc: last, desc: first).
 */
import type { Knex } from 'knex';
import { QueryError } from './errors.ts';
import type { ValueKind } from './context.ts';
import { sortSignature, type SortKey } from './sort.ts';
import { FALSE, frag, junction, type SqlFragment } from './sql.ts';
import { isDate, isUuid } from '../../metadata/record-schema.ts';
import { isInt8Text, isNumericText, isSafeString, normalizeDatetime } from './values.ts';

/** Column aliases of the hidden sort-key columns (`_k0`…); no field name starts with `_`. */
export const KEY_PREFIX = '_k';
const MAX_CURSOR_LENGTH = 65_536;

export type CursorValues = Array<string | null>;

export function keyAlias(i: number): string {
  return `${KEY_PREFIX}${i}`;
}

/** `select` expression giving key `i` as canonical text under its hidden alias. */
export function keySelect(knex: Knex, key: SortKey, i: number): Knex.Raw {
  const ref = key.column.ref;
  switch (key.column.kind) {
    case 'date':
      return knex.raw(`to_char(??, 'YYYY-MM-DD') as ??`, [ref, keyAlias(i)]);
    case 'datetime':
      return knex.raw(`to_char(?? at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ??`, [ref, keyAlias(i)]);
    default:
      return knex.raw('??::text as ??', [ref, keyAlias(i)]);
  }
}

interface Payload { v: 1; o: string; s: string; k: CursorValues }

export function encodeCursor(object: string, keys: readonly SortKey[], values: CursorValues): string {
  const payload: Payload = { v: 1, o: object, s: sortSignature(keys), k: values };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The cursor for the row after `row`, read from its hidden key columns. */
export function cursorFromRow(row: Readonly<Record<string, unknown>>, object: string, keys: readonly SortKey[]): string {
  const values = keys.map((_, i) => {
    const v = row[keyAlias(i)];
    if (v !== null && typeof v !== 'string') throw new Error(`Row lacks sort key column ${keyAlias(i)}`);
    return v;
  });
  return encodeCursor(object, keys, values);
}

function validText(kind: ValueKind, v: string): string | null {
  switch (kind) {
    case 'text': return isSafeString(v) ? v : null;
    case 'uuid': return isUuid(v) ? v : null;
    case 'integer': return isInt8Text(v) ? v : null;
    case 'number': return isNumericText(v) ? v : null;
    case 'boolean': return v === 'true' || v === 'false' ? v : null;
    case 'date': return isDate(v) ? v : null;
    case 'datetime': return normalizeDatetime(v);
    default: return null;
  }
}

/** Decodes and checks a cursor for this object and sort; throws `invalid_cursor`. */
export function decodeCursor(cursor: unknown, object: string, keys: readonly SortKey[], path = 'cursor'): CursorValues {
  const invalid = (why: string): QueryError => QueryError.one(path, 'invalid_cursor', `Invalid cursor: ${why}`);
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid('not a cursor returned by this list');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor returned by this list');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('not a cursor returned by this list');
  const p = payload as Partial<Record<keyof Payload, unknown>>;
  if (p.v !== 1 || !Array.isArray(p.k)) throw invalid('not a cursor returned by this list');
  if (p.o !== object || p.s !== sortSignature(keys) || p.k.length !== keys.length) {
    throw invalid('it belongs to another object or sort order');
  }
  return keys.map((key, i) => {
    const v: unknown = (p.k as unknown[])[i];
    if (v === null && key.field !== 'id') return null;
    const checked = typeof v === 'string' ? validText(key.column.kind, v) : null;
    if (checked === null) throw invalid('a value does not fit its field');
    return checked;
  });
}

/**
 * Rows strictly after `values` in the order of `keys`:
 *   OR over i of (k0 = v0 AND … AND k(i-1) = v(i-1) AND ki "after" vi)
 * with equality null-aware, and "after" by direction with null as the largest value:
 *   asc,  v null → nothing; else k > v OR k IS NULL
 *   desc, v null → k IS NOT NULL; else k < v
 * (A row-value comparison `(a, b, id) > (…)` would be shorter but cannot mix directions or
 * order nulls.)
 */
export function cursorCondition(keys: readonly SortKey[], values: CursorValues): SqlFragment {
  const branches: SqlFragment[] = [];
  const equal: SqlFragment[] = [];
  keys.forEach((key, i) => {
    const c = key.column.ref;
    const v = values[i];
    let after: SqlFragment;
    if (key.direction === 'asc') after = v === null ? FALSE : frag('(?? > ? or ?? is null)', c, v, c);
    else after = v === null ? frag('?? is not null', c) : frag('?? < ?', c, v);
    // Keys that can never be null (id) need no null branch: keep their SQL plain.
    if (key.field === 'id' && v !== null) after = frag(key.direction === 'asc' ? '?? > ?' : '?? < ?', c, v);
    branches.push(junction('and', [...equal, after]));
    equal.push(v === null ? frag('?? is null', c) : frag('?? = ?', c, v));
  });
  return junction('or', branches);
}

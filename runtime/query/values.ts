/**
 * Value checks shared by filters and cursors. Anything that reaches a binding has passed one
 * of these, so PostgreSQL never sees a value it cannot parse (that would be a 500, not a 400).
 */
import { isCalendarDay } from '../../metadata/record-schema.ts';

/** PostgreSQL rejects NUL in text, so a string carrying one would fail in the database. */
export function isSafeString(v: unknown): v is string {
  return typeof v === 'string' && !v.includes('\u0000');
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * ISO 8601 → a string PostgreSQL reads as the same instant, or null when invalid. No offset
 * means UTC (the API speaks UTC); a bare date means its midnight UTC. Precision is kept (no
 * round trip through Date, which would cut microseconds).
 */
export function normalizeDatetime(v: string): string | null {
  const m = DATETIME.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (!isCalendarDay(Number(y), Number(mo), Number(d))) return null;
  if (h === undefined) return `${y}-${mo}-${d}T00:00:00Z`;
  if (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59)) return null;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone.slice(1, 3));
    const om = zone.length > 3 ? Number(zone.slice(-2)) : 0;
    if (oh > 15 || om > 59) return null;
  }
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ?? ''}${zone && zone !== 'z' ? zone : 'Z'}`;
}

/** A JSON number a `bigint` column can be compared with exactly. */
export function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** A JSON number a `numeric` column can take (JSON has no NaN or Infinity; JS objects might). */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * `contains` / `startsWith` text as a LIKE pattern matching it literally. Backslash is LIKE's
 * default escape character; no ESCAPE clause, so the SQL does not depend on
 * standard_conforming_strings.
 */
export function escapeLike(v: string): string {
  return v.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/** PostgreSQL's text form of a bigint, within range. */
export function isInt8Text(v: string): boolean {
  if (!/^-?\d{1,19}$/.test(v)) return false;
  const n = BigInt(v);
  return n >= INT8_MIN && n <= INT8_MAX;
}

/** PostgreSQL's text form of a numeric (plain digits; NaN and ±Infinity are numerics too). */
export function isNumericText(v: string): boolean {
  return v.length <= 1000 && (/^-?\d+(\.\d+)?$/.test(v) || v === 'NaN' || v === 'Infinity' || v === '-Infinity');
}

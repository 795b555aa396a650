/**
 * Dates, all Strata additions: `today`, `now`, `date_diff`, `date_add`, `year`, `month`.
 * Dates are 'YYYY-MM-DD' or ISO 8601 strings, read in UTC.
 */
import { isLogic } from '../code.ts';
import type { Kind } from '../code.ts';
import type { OpCompiler } from '../compiler.ts';
import { ExpressionError } from '../error.ts';
import { toNumber } from './arithmetic.ts';
import type { HelperName } from './helpers.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE_UNITS = ['days', 'hours', 'months', 'years'] as const;
type DateUnit = (typeof DATE_UNITS)[number];

interface ParsedDate { ms: number; dateOnly: boolean }
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const NO_OFFSET = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function utcMs(y: number, m: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, m, d); // not Date.UTC, which maps years 0–99 to 1900–1999
  return date.getTime();
}

function parseDate(v: unknown): ParsedDate | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : { ms: v.getTime(), dateOnly: false };
  if (typeof v !== 'string') return null;
  const m = DATE_ONLY.exec(v);
  if (m) {
    const ms = utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Refuse 2024-02-30 rather than roll it over into March.
    return isoDate(ms) === v ? { ms, dateOnly: true } : null;
  }
  // Datetimes are UTC in Strata; one without an offset must not be read in local time.
  const ms = Date.parse(NO_OFFSET.test(v) ? `${v}Z` : v);
  return Number.isNaN(ms) ? null : { ms, dateOnly: false };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(total / 12);
  const m = ((total % 12) + 12) % 12;
  const daysInMonth = new Date(utcMs(y, m + 1, 0)).getUTCDate();
  d.setUTCFullYear(y, m, Math.min(d.getUTCDate(), daysInMonth));
  return d.getTime();
}

function monthsBetween(a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth());
  // Only complete months count: compare how far into its month each instant is.
  const intoA = a - utcMs(da.getUTCFullYear(), da.getUTCMonth(), 1);
  const intoB = b - utcMs(db.getUTCFullYear(), db.getUTCMonth(), 1);
  if (months > 0 && intoB < intoA) months--;
  else if (months < 0 && intoB > intoA) months++;
  return months;
}

function isDateUnit(u: unknown): u is DateUnit {
  return (DATE_UNITS as readonly unknown[]).includes(u);
}

export function dateDiff(from: unknown, to: unknown, unit: unknown): number | null {
  const a = parseDate(from);
  const b = parseDate(to);
  if (!a || !b || !isDateUnit(unit)) return null;
  const delta = b.ms - a.ms;
  switch (unit) {
    case 'days': return Math.trunc(delta / DAY_MS) + 0;
    case 'hours': return Math.trunc(delta / HOUR_MS) + 0;
    case 'months': return monthsBetween(a.ms, b.ms);
    case 'years': return Math.trunc(monthsBetween(a.ms, b.ms) / 12) + 0;
  }
}

export function dateAdd(date: unknown, n: unknown, unit: unknown): string | null {
  const p = parseDate(date);
  const k = toNumber(n);
  if (!p || k === null || !Number.isFinite(k) || !isDateUnit(unit)) return null;
  let ms: number;
  switch (unit) {
    case 'days': ms = p.ms + k * DAY_MS; break;
    case 'hours': ms = p.ms + k * HOUR_MS; break;
    case 'months': ms = addMonths(p.ms, Math.trunc(k)); break;
    case 'years': ms = addMonths(p.ms, Math.trunc(k) * 12); break;
  }
  if (Number.isNaN(new Date(ms).getTime())) return null;
  return p.dateOnly ? isoDate(ms) : new Date(ms).toISOString();
}

export function year(v: unknown): number | null {
  const p = parseDate(v);
  return p ? new Date(p.ms).getUTCFullYear() : null;
}

export function month(v: unknown): number | null {
  const p = parseDate(v);
  return p ? new Date(p.ms).getUTCMonth() + 1 : null;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function now(): string {
  return new Date().toISOString();
}

export const dateCall = (helper: HelperName, kind: Kind): OpCompiler => (c, args, fn, op) => {
  if (args.length < 2 || args.length > 3) {
    throw new ExpressionError(`Operator "${op}" takes 2 or 3 arguments, got ${args.length}`, op);
  }
  const unit = args.length === 3 ? args[2] : 'days';
  if (!isLogic(unit) && !isDateUnit(unit)) {
    throw new ExpressionError(`Operator "${op}": unknown unit ${JSON.stringify(unit)} (use ${DATE_UNITS.join(', ')})`, op);
  }
  const parts = [c.arg(args, 0, fn).js, c.arg(args, 1, fn).js, c.compile(unit, fn).js];
  return { js: `${c.helper(helper)}(${parts.join(', ')})`, kind };
};

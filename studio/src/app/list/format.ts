/**
 * Values as people read them, by field kind, in the reader's locale (Intl): currency, percent
 * (12.5 means 12.5 %), dates (a `YYYY-MM-DD` date is a calendar day, never shifted by time
 * zone), date-times in local time, picklist labels, reference and user names.
 * And the same values for a CSV export: plain numbers and ISO dates, labels and names.
 */
import { CURRENCY } from '../../forms/format.ts';
import type { ListField } from './fields.ts';
import { optionLabel } from './fields.ts';

/** Metadata carries no currency code yet; amounts are shown in the installation's one. */
export const DEFAULT_CURRENCY = CURRENCY;

export interface FormatContext {
  /** BCP 47 locale; default: the browser's. */
  locale?: string;
  currency?: string;
  /** For date-times; default: the browser's. */
  timeZone?: string;
  /** Title of an expanded reference target. */
  titleOf?: (object: string, record: Record<string, unknown>) => string;
  /** Display name of a user id. */
  userName?: (id: string) => string;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string | undefined, o: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale ?? ''}|${JSON.stringify(o)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, o)));
  return f;
}

function dateFormat(locale: string | undefined, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale ?? ''}|${JSON.stringify(o)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, o)));
  return f;
}

/** A calendar day `YYYY-MM-DD` as a Date at UTC midnight, or undefined. */
export function parseDay(v: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Title of a reference value: the expanded record's name, else the bare id. */
export function referenceTitle(field: ListField, value: unknown, ctx: FormatContext): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    if (ctx.titleOf && field.to) return ctx.titleOf(field.to, rec);
    return String(rec.id ?? '');
  }
  return '';
}

/** The text a cell shows ('' when empty). */
export function formatValue(field: ListField, value: unknown, ctx: FormatContext = {}): string {
  if (isEmptyValue(value)) return '';
  const { locale } = ctx;
  switch (field.kind) {
    case 'integer': {
      const n = asNumber(value);
      return n === undefined ? String(value) : numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
    }
    case 'decimal': {
      const n = asNumber(value);
      return n === undefined ? String(value) : numberFormat(locale, { maximumFractionDigits: field.scale ?? 2 }).format(n);
    }
    case 'currency': {
      const n = asNumber(value);
      const digits = field.scale ?? 2;
      return n === undefined ? String(value) : numberFormat(locale, {
        style: 'currency', currency: ctx.currency ?? DEFAULT_CURRENCY, minimumFractionDigits: digits, maximumFractionDigits: digits,
      }).format(n);
    }
    case 'percent': {
      const n = asNumber(value);
      return n === undefined ? String(value) : numberFormat(locale, { style: 'percent', maximumFractionDigits: field.scale ?? 2 }).format(n / 100);
    }
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'date': {
      const d = typeof value === 'string' ? parseDay(value) : undefined;
      return d ? dateFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d) : String(value);
    }
    case 'datetime': {
      const d = typeof value === 'string' ? new Date(value) : undefined;
      return d && !Number.isNaN(d.getTime())
        ? dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(ctx.timeZone ? { timeZone: ctx.timeZone } : {}) }).format(d)
        : String(value);
    }
    case 'picklist':
      return optionLabel(field, String(value));
    case 'multipicklist':
      return Array.isArray(value) ? value.map((v) => optionLabel(field, String(v))).join(', ') : optionLabel(field, String(value));
    case 'reference':
      return referenceTitle(field, value, ctx);
    case 'user':
      return typeof value === 'string' ? (ctx.userName?.(value) ?? value) : '';
    case 'richtext':
      return typeof value === 'string' ? value.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim() : '';
    case 'json':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

/** A value for a CSV cell: numbers stay numbers, dates ISO, labels and names instead of codes and ids. */
export function exportValue(field: ListField, value: unknown, ctx: FormatContext = {}): string | number | boolean | null {
  if (isEmptyValue(value)) return null;
  switch (field.kind) {
    case 'integer': case 'decimal': case 'currency': case 'percent':
      return asNumber(value) ?? String(value);
    case 'boolean':
      return value === true || value === false ? value : String(value);
    case 'date': case 'datetime': case 'text': case 'longtext': case 'email': case 'phone': case 'url':
      return String(value);
    default:
      return formatValue(field, value, ctx);
  }
}

/**
 * Values as people read and type them, in the browser's locale: numbers, currency, percent,
 * dates and date-times. Storage stays as CONTRACT §2 says (numbers, `YYYY-MM-DD`, ISO UTC).
 */
import type { FieldDef, ObjectDef } from '../../../metadata/types.ts';

/** The currency amounts are shown in. Metadata has no currency yet: one per installation. */
export const CURRENCY = 'USD';

export function userLocale(): string {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US';
}

type Kind = 'integer' | 'decimal' | 'currency' | 'percent';
type ObjectsLike = ReadonlyArray<Pick<ObjectDef, 'name' | 'fields'>>;

/** The child field a rollup aggregates (`of: "order_line.order"`, `field: "sales"`). */
function rollupSource(f: FieldDef, objects: ObjectsLike | undefined): FieldDef | undefined {
  if (f.type !== 'rollup' || !f.field || !objects) return undefined;
  const child = objects.find((o) => o.name === f.of.split('.')[0]);
  return child?.fields.find((x) => x.name === f.field);
}

/** The number type a field shows (a formula as what it returns, a rollup as what it sums). */
export function numberKind(f: FieldDef, objects?: ObjectsLike): Kind | undefined {
  if (f.type === 'integer' || f.type === 'decimal' || f.type === 'currency' || f.type === 'percent') return f.type;
  if (f.type === 'formula' && (f.returns === 'integer' || f.returns === 'decimal' || f.returns === 'currency' || f.returns === 'percent')) return f.returns;
  if (f.type === 'rollup') {
    if (f.aggregate === 'count') return 'integer';
    // A min or max of dates holds a date (the deploy sets `returns`): not a number at all.
    if (f.returns === 'date' || f.returns === 'datetime') return undefined;
    const source = rollupSource(f, objects);
    const kind = source ? numberKind(source, objects) : undefined;
    return kind === 'integer' && f.aggregate === 'avg' ? 'decimal' : kind ?? 'decimal';
  }
  return undefined;
}

function scaleOf(f: FieldDef, objects?: ObjectsLike): number | undefined {
  if (f.type === 'decimal' || f.type === 'currency' || f.type === 'percent') return f.scale ?? 2;
  if (f.type === 'integer') return 0;
  if (f.type === 'formula') return f.scale ?? (f.returns === 'currency' || f.returns === 'percent' ? 2 : f.returns === 'integer' ? 0 : undefined);
  if (f.type === 'rollup') {
    if (f.aggregate === 'count') return 0;
    if (f.scale !== undefined) return f.scale;
    const source = rollupSource(f, objects);
    return source ? scaleOf(source, objects) : undefined;
  }
  return undefined;
}

export function formatNumber(n: number, kind: 'integer' | 'decimal' | 'currency' | 'percent', scale?: number, locale = userLocale()): string {
  const digits = kind === 'integer' ? 0 : scale;
  const opts: Intl.NumberFormatOptions = digits === undefined ? { maximumFractionDigits: 6 } : { minimumFractionDigits: kind === 'percent' ? 0 : digits, maximumFractionDigits: digits };
  if (kind === 'currency') return new Intl.NumberFormat(locale, { ...opts, style: 'currency', currency: CURRENCY }).format(n);
  // Percent values are stored as 12.5 meaning 12.5 %.
  if (kind === 'percent') return new Intl.NumberFormat(locale, { ...opts, style: 'percent' }).format(n / 100);
  return new Intl.NumberFormat(locale, opts).format(n);
}

/** The locale's decimal and group separators. */
export function separators(locale = userLocale()): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
  };
}

/**
 * Text typed into a number input → the number, or undefined when empty, or NaN when it is not
 * a number. Accepts the locale's separators, spaces, a currency symbol or a trailing %.
 */
export function parseNumber(text: string, locale = userLocale()): number | undefined {
  const { decimal, group } = separators(locale);
  let s = text.trim().replace(/[\s\u00a0\u202f%]/g, '').replace(/^[^\d\-+.,]+|[^\d.,]+$/g, '');
  if (!s) return text.trim() ? Number.NaN : undefined;
  if (group && group !== decimal && !/\s/.test(group)) s = s.split(group).join('');
  if (decimal !== '.') s = s.replace(decimal, '.');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return Number.NaN;
  return Number(s);
}

/** The number as the user edits it: no grouping, the locale's decimal separator. */
export function editableNumber(n: number | null | undefined, locale = userLocale()): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  const { decimal } = separators(locale);
  return String(n).replace('.', decimal);
}

/** `YYYY-MM-DD` → a date in the user's words (no time zone shift: a date is a calendar day). */
export function formatDate(v: string, locale = userLocale()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return v;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

export function formatDateTime(v: string, locale = userLocale()): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** ISO UTC → the value of an `<input type="datetime-local">` in the user's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An `<input type="datetime-local">` value (local time) → ISO UTC, or undefined when empty/invalid. */
export function fromLocalInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Today as `YYYY-MM-DD` in the user's calendar. */
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Any stored value of a field as one line of text (lists, timeline, read-only fields). */
export function displayValue(f: FieldDef | undefined, v: unknown, locale = userLocale(), objects?: ObjectsLike): string {
  if (v === null || v === undefined || v === '') return '';
  if (!f) return typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'number') {
    const kind = numberKind(f, objects);
    return kind ? formatNumber(v, kind, scaleOf(f, objects), locale) : String(v);
  }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (f.type === 'picklist' && typeof v === 'string') return f.options.find((o) => o.value === v)?.label ?? v;
  if (f.type === 'multipicklist' && Array.isArray(v)) return v.map((x) => f.options.find((o) => o.value === x)?.label ?? String(x)).join(', ');
  const returns = f.type === 'formula' || f.type === 'rollup' ? f.returns : f.type;
  if (returns === 'date' && typeof v === 'string') return formatDate(v, locale);
  if (returns === 'datetime' && typeof v === 'string') return formatDateTime(v, locale);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

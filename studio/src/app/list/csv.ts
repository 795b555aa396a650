/**
 * Records → CSV (RFC 4180): CRLF line ends, a field quoted when it holds a comma, quote, CR or
 * LF, quotes doubled. Text that a spreadsheet would run as a formula (starting with = + - @,
 * or a tab or CR) is prefixed with an apostrophe (OWASP "CSV injection"); numbers are
 * written as numbers, so a negative amount stays a number.
 */

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<R> {
  header: string;
  value: (row: R) => CsvValue;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises text a spreadsheet would evaluate. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV field. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = guardFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',');
}

/** The whole document: a header row, then one row per record, each ending in CRLF. */
export function toCsv<R>(columns: ReadonlyArray<CsvColumn<R>>, rows: readonly R[]): string {
  const lines = [csvRow(columns.map((c) => c.header)), ...rows.map((r) => csvRow(columns.map((c) => c.value(r))))];
  return lines.map((l) => `${l}\r\n`).join('');
}

/** A file name from a title: `Opportunities – Pipeline` → `opportunities-pipeline.csv`. */
export function csvFileName(...parts: string[]): string {
  const base = parts.join(' ').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'export'}.csv`;
}

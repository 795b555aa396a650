import { describe, expect, it } from 'vitest';
import { csvCell, csvFileName, csvRow, guardFormula, toCsv } from '../../../studio/src/app/list/csv.ts';

describe('CSV quoting (RFC 4180)', () => {
  it('leaves plain text alone and quotes commas, quotes and line breaks', () => {
    expect(csvCell('Acme Corp')).toBe('Acme Corp');
    expect(csvCell('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvCell('The "big" deal')).toBe('"The ""big"" deal"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('')).toBe('');
  });

  it('writes empty, numbers and booleans plainly', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(1234.5)).toBe('1234.5');
    expect(csvCell(-20)).toBe('-20');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
  });

  it('keeps non-ASCII text as it is', () => {
    expect(csvCell('Müller & Söhne — 東京')).toBe('Müller & Söhne — 東京');
  });
});

describe('formula injection guard', () => {
  it.each(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil","click")'])('neutralises %j', (text) => {
    expect(guardFormula(text).startsWith("'")).toBe(true);
    expect(guardFormula(text).slice(1)).toBe(text);
  });

  it('quotes a guarded cell when it also needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://evil","click")')).toBe('"\'=HYPERLINK(""http://evil"",""click"")"');
    expect(csvCell('-1,5')).toBe('"\'-1,5"');
  });

  it('leaves text that only contains those characters, and real numbers, alone', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('user@example.com')).toBe('user@example.com');
    expect(csvCell(-5)).toBe('-5');
  });
});

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated row per record, in column order', () => {
    const rows = [{ name: 'Deal, one', amount: 1000, won: true }, { name: '=cmd', amount: null, won: false }];
    const csv = toCsv([
      { header: 'Name', value: (r: (typeof rows)[number]) => r.name },
      { header: 'Amount', value: (r) => r.amount },
      { header: 'Won', value: (r) => r.won },
    ], rows);
    expect(csv).toBe('Name,Amount,Won\r\n"Deal, one",1000,true\r\n\'=cmd,,false\r\n');
  });

  it('guards headers too, and writes just the header for no rows', () => {
    expect(toCsv([{ header: '=Total', value: () => 1 }], [])).toBe("'=Total\r\n");
    expect(csvRow(['a', null, 2])).toBe('a,,2');
  });

  it('makes a safe file name', () => {
    expect(csvFileName('Opportunities', 'All opportunities')).toBe('opportunities-all-opportunities.csv');
    expect(csvFileName('Café / Ünïcode?')).toBe('cafe-unicode.csv');
    expect(csvFileName('')).toBe('export.csv');
  });
});

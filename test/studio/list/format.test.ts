import { describe, expect, it } from 'vitest';
import { defaultColumns, listFields, toListField, type ListField } from '../../../studio/src/app/list/fields.ts';
import { draftOf, fromEditorText, toEditorText, valueOfDraft } from '../../../studio/src/app/list/fieldValue.ts';
import { exportValue, formatValue } from '../../../studio/src/app/list/format.ts';
import type { FieldDef } from '../../../metadata/types.ts';

const f = (kind: ListField['kind'], extra: Partial<ListField> = {}): ListField => ({ name: 'x', label: 'X', kind, required: false, editable: true, system: false, ...extra });
/** A non-breaking or narrow space in Intl output, made plain for comparing. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatValue', () => {
  it('formats currency, percent and numbers by locale', () => {
    expect(formatValue(f('currency', { scale: 2 }), 1234.5, { locale: 'en-US' })).toBe('$1,234.50');
    expect(plain(formatValue(f('currency', { scale: 2 }), 1234.5, { locale: 'de-DE' }))).toBe('1.234,50 $');
    expect(plain(formatValue(f('currency'), 99, { locale: 'fr-FR', currency: 'EUR' }))).toBe('99,00 €');
    expect(formatValue(f('percent', { scale: 1 }), 12.5, { locale: 'en-US' })).toBe('12.5%');
    expect(plain(formatValue(f('percent', { scale: 0 }), 40, { locale: 'de-DE' }))).toBe('40 %');
    expect(formatValue(f('integer'), 1234567, { locale: 'en-US' })).toBe('1,234,567');
    expect(formatValue(f('decimal', { scale: 3 }), 3.14159, { locale: 'de-DE' })).toBe('3,142');
  });

  it('shows a date as its calendar day whatever the time zone, a date-time in the given zone', () => {
    expect(formatValue(f('date'), '2025-03-01', { locale: 'en-US' })).toBe('Mar 1, 2025');
    expect(formatValue(f('date'), '2025-03-01', { locale: 'de-DE' })).toBe('01.03.2025');
    expect(formatValue(f('datetime'), '2025-03-01T23:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('2 Mar 2025, 08:30');
  });

  it('shows picklist labels, yes/no, reference titles and user names; empty as nothing', () => {
    const stage = f('picklist', { options: [{ value: 'closed_won', label: 'Closed won' }, { value: 'raw' }] });
    expect(formatValue(stage, 'closed_won')).toBe('Closed won');
    expect(formatValue(stage, 'raw')).toBe('raw');
    expect(formatValue(f('multipicklist', { options: [{ value: 'a', label: 'Alpha' }] }), ['a', 'b'])).toBe('Alpha, b');
    expect(formatValue(f('boolean'), false)).toBe('No');
    const account = f('reference', { to: 'account' });
    expect(formatValue(account, { id: '1', name: 'Acme' }, { titleOf: (_, r) => String(r.name) })).toBe('Acme');
    expect(formatValue(f('user'), 'u1', { userName: () => 'Ada' })).toBe('Ada');
    expect(formatValue(f('text'), null)).toBe('');
    expect(formatValue(f('multipicklist'), [])).toBe('');
  });

  it('exports plain numbers, ISO dates and labels', () => {
    expect(exportValue(f('currency'), 1234.5)).toBe(1234.5);
    expect(exportValue(f('date'), '2025-03-01')).toBe('2025-03-01');
    expect(exportValue(f('picklist', { options: [{ value: 'a', label: 'Alpha' }] }), 'a')).toBe('Alpha');
    expect(exportValue(f('boolean'), true)).toBe(true);
    expect(exportValue(f('text'), '')).toBeNull();
  });
});

describe('fields from metadata', () => {
  const objects = [
    { name: 'account', nameField: 'name', fields: [{ name: 'name', type: 'text' }] as FieldDef[] },
    { name: 'order', nameField: 'order_number', fields: [{ name: 'total', type: 'currency', scale: 2 }] as FieldDef[] },
  ];
  it('derives kinds, sort keys and editability', () => {
    const ref = toListField({ name: 'account', type: 'reference', to: 'account' }, objects);
    expect(ref).toMatchObject({ kind: 'reference', sortKey: 'account.name', editable: true, label: 'Account' });
    expect(toListField({ name: 'net', type: 'formula', returns: 'currency', expression: 1, scale: 2 }, objects)).toMatchObject({ kind: 'currency', editable: false });
    expect(toListField({ name: 'spent', type: 'rollup', of: 'order.account', aggregate: 'sum', field: 'total' }, objects)).toMatchObject({ kind: 'currency', scale: 2, editable: false });
    expect(toListField({ name: 'n', type: 'rollup', of: 'order.account', aggregate: 'count' }, objects)).toMatchObject({ kind: 'integer' });
    expect(toListField({ name: 'tags', type: 'multipicklist', options: [] }, objects).sortKey).toBeUndefined();
    const all = listFields({ fields: [{ name: 'close_date', type: 'date' }] }, objects);
    expect(all.map((x) => x.name)).toEqual(['close_date', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy']);
    expect(all[0].label).toBe('Close date');
    expect(defaultColumns({ nameField: 'close_date' }, all)).toEqual(['close_date', 'createdAt']);
  });
});

describe('editor text ↔ API values', () => {
  it('parses numbers, dates and empty boxes', () => {
    expect(fromEditorText('currency', '1234.5')).toEqual({ ok: true, value: 1234.5 });
    expect(fromEditorText('integer', '1.5')).toEqual({ ok: false, message: 'Enter a whole number' });
    expect(fromEditorText('text', '  ')).toEqual({ ok: true, value: null });
    expect(fromEditorText('date', '2025-02-03')).toEqual({ ok: true, value: '2025-02-03' });
    const dt = fromEditorText('datetime', toEditorText('datetime', '2025-02-03T10:15:00.000Z'));
    expect(dt).toEqual({ ok: true, value: '2025-02-03T10:15:00.000Z' });
  });

  it('keeps ids of expanded references and typed values of selects', () => {
    expect(draftOf('reference', { id: 'a1', name: 'Acme' })).toBe('a1');
    expect(draftOf('boolean', true)).toBe(true);
    expect(valueOfDraft('picklist', '')).toEqual({ ok: true, value: null });
    expect(valueOfDraft('multipicklist', ['a'])).toEqual({ ok: true, value: ['a'] });
  });
});

// @vitest-environment jsdom
/**
 * A rollup of dates in the studio: the record form and list cells show it as a date, and the
 * roll-up builder offers date fields for smallest and largest only.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import RecordForm from '../../../studio/src/forms/RecordForm.tsx';
import { displayValue, numberKind } from '../../../studio/src/forms/format.ts';
import { toListField } from '../../../studio/src/app/list/fields.ts';
import { formatValue } from '../../../studio/src/app/list/format.ts';
import { candidatesFor } from '../../../studio/src/admin/RollupBuilder.tsx';
import { effectiveType } from '../../../studio/src/admin/fieldTypes.ts';
import { fieldDefOf } from '../../../studio/src/admin/customBundle.ts';
import type { DeployedField, DeployedObject, LayoutDef } from '../../../studio/src/api/types.ts';
import type { FieldDef } from '../../../metadata/types.ts';
import { fakeFetch, renderWithApp } from './fixtures.tsx';

const f = (x: Record<string, unknown>): DeployedField => ({ id: `f-${String(x.name)}`, package: 'test', ...x }) as DeployedField;

const ORDER: DeployedObject = {
  id: 'o-order', package: 'test', name: 'order', label: 'Order', fields: [
    f({ name: 'account', type: 'reference', to: 'account' }),
    f({ name: 'placed_on', label: 'Placed on', type: 'date' }),
    f({ name: 'paid_at', type: 'datetime' }),
    f({ name: 'amount', type: 'currency', scale: 2 }),
    f({ name: 'note', type: 'text' }),
  ],
};
const lastOrder = f({ name: 'last_order', label: 'Last order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'placed_on', returns: 'date' });
const firstPaid = f({ name: 'first_paid', label: 'First paid', type: 'rollup', of: 'order.account', aggregate: 'min', field: 'paid_at', returns: 'datetime' });
const total = f({ name: 'total', label: 'Total', type: 'rollup', of: 'order.account', aggregate: 'sum', field: 'amount' });
const ACCOUNT: DeployedObject = {
  id: 'o-account', package: 'test', name: 'account', label: 'Account', nameField: 'name',
  fields: [f({ name: 'name', type: 'text' }), lastOrder, firstPaid, total],
};
const LAYOUT: LayoutDef = { name: 'default', object: 'account', sections: [{ label: 'Main', columns: [{ fields: ['name', 'last_order', 'first_paid', 'total'] }] }] };
const OBJECTS = [ACCOUNT, ORDER];

beforeEach(() => { vi.stubGlobal('fetch', fakeFetch(() => ({ body: { data: [], nextCursor: null } })).fn); });
afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe('showing a rollup of dates', () => {
  it('formats it as a date or a date and time, never as a number', () => {
    expect(displayValue(lastOrder, '2024-03-01', 'en-US', OBJECTS)).toBe('Mar 1, 2024');
    expect(displayValue(firstPaid, '2024-03-01T10:30:00.000Z', 'en-US', OBJECTS)).toMatch(/^Mar 1, 2024/);
    expect(numberKind(lastOrder, OBJECTS)).toBeUndefined();
    expect(numberKind(total, OBJECTS)).toBe('currency');
  });

  it('list cells are date cells, which sort', () => {
    expect(toListField(lastOrder, OBJECTS)).toMatchObject({ kind: 'date', editable: false, sortKey: 'last_order' });
    expect(toListField(firstPaid, OBJECTS)).toMatchObject({ kind: 'datetime' });
    expect(formatValue(toListField(lastOrder, OBJECTS), '2024-03-01', { locale: 'en-US' })).toBe('Mar 1, 2024');
  });

  it('the record form shows it read-only, as a date', async () => {
    renderWithApp(<RecordForm object={ACCOUNT} objects={OBJECTS} layout={LAYOUT} onCancel={() => {}} onSave={vi.fn()}
      record={{
        id: '11111111-2222-4333-8444-555555555555', version: 1, ownerId: 'u1', createdAt: '2024-01-01T00:00:00Z', createdBy: 'u1',
        updatedAt: '2024-01-02T00:00:00Z', updatedBy: 'u1', name: 'Acme', last_order: '2024-03-01', first_paid: null, total: 12.5,
      }} />);
    const input = (await screen.findByLabelText('Last order')) as HTMLInputElement;
    expect(input.value).toBe('Mar 1, 2024');
    expect(input.readOnly).toBe(true);
    expect((screen.getByLabelText('First paid') as HTMLInputElement).value).toBe('—');
  });
});

describe('building a rollup of dates', () => {
  it('offers date and datetime fields for smallest and largest, numbers only for sums', () => {
    const names = (fields: FieldDef[]) => fields.map((x) => x.name);
    expect(names(candidatesFor(ORDER, 'max'))).toEqual(['placed_on', 'paid_at', 'amount']);
    expect(names(candidatesFor(ORDER, 'min'))).toEqual(['placed_on', 'paid_at', 'amount']);
    expect(names(candidatesFor(ORDER, 'sum'))).toEqual(['amount']);
    expect(names(candidatesFor(ORDER, 'count'))).toEqual([]);
  });

  it('restates a deployed rollup without its derived type (the deploy derives it again)', () => {
    expect(fieldDefOf(lastOrder)).toEqual({ name: 'last_order', label: 'Last order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'placed_on' });
  });

  it('a rollup of dates is itself a date to aggregate further', () => {
    expect(effectiveType(lastOrder)).toBe('date');
    expect(effectiveType(total)).toBe('decimal');
    expect(candidatesFor(ACCOUNT, 'max').map((x) => x.name)).toEqual(['last_order', 'first_paid', 'total']);
    expect(candidatesFor(ACCOUNT, 'avg').map((x) => x.name)).toEqual(['total']);
  });
});

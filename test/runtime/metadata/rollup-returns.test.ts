/**
 * Validating rollups of dates: min and max of a date (or of a date formula or rollup) are
 * dates, so sums of them are refused; a stated `returns` must be the derived one; reports
 * bucket and aggregate them as dates.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef, PackageBundle } from '../../../metadata/types.ts';
import { validateBundle } from '../../../runtime/metadata/validate.ts';

function bundle(accountFields: FieldDef[], extra: Partial<PackageBundle> = {}): PackageBundle {
  return {
    package: { name: 'shop', version: '1.0.0' },
    objects: [
      { name: 'region', label: 'Region', fields: [{ name: 'name', type: 'text' }] },
      { name: 'account', label: 'Account', fields: [{ name: 'region', type: 'reference', to: 'region' }, ...accountFields] },
      {
        name: 'order', label: 'Order',
        fields: [
          { name: 'account', type: 'reference', to: 'account' },
          { name: 'placed_on', type: 'date' },
          { name: 'paid_at', type: 'datetime' },
          { name: 'amount', type: 'decimal' },
          { name: 'due', type: 'formula', returns: 'date', expression: { var: 'placed_on' } },
        ],
      },
    ],
    ...extra,
  };
}

const problems = (b: PackageBundle) => validateBundle(b).map((p) => `${p.path} ${p.code}`);
const lastOrder: FieldDef = { name: 'last_order', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'placed_on' };

describe('rollups of dates', () => {
  it('accepts min and max of dates, datetimes and date formulas', () => {
    expect(problems(bundle([
      lastOrder,
      { name: 'first_paid', type: 'rollup', of: 'order.account', aggregate: 'min', field: 'paid_at' },
      { name: 'latest_due', type: 'rollup', of: 'order.account', aggregate: 'max', field: 'due' },
    ]))).toEqual([]);
  });

  it('accepts a stated returns that matches, and refuses one that does not', () => {
    expect(problems(bundle([
      { ...lastOrder, returns: 'date' } as FieldDef,
      { name: 'first_paid', type: 'rollup', of: 'order.account', aggregate: 'min', field: 'paid_at', returns: 'datetime' },
      { name: 'total', type: 'rollup', of: 'order.account', aggregate: 'sum', field: 'amount', returns: 'number' },
    ]))).toEqual([]);
    const wrong = validateBundle(bundle([
      { ...lastOrder, returns: 'number' } as FieldDef,
      { name: 'orders', type: 'rollup', of: 'order.account', aggregate: 'count', returns: 'date' },
    ]));
    expect(wrong.map((p) => `${p.path} ${p.code}`)).toEqual([
      '/objects/1/fields/1/returns invalid_rollup',
      '/objects/1/fields/2/returns invalid_rollup',
    ]);
    expect(wrong[0].message).toBe("the max of order.placed_on is a date, so returns must be 'date' (or left out), not 'number'");
    expect(wrong[1].message).toContain('the count of order is a number');
  });

  it('refuses an unknown returns in the schema', () => {
    expect(problems(bundle([{ ...lastOrder, returns: 'text' } as unknown as FieldDef]))).toContain('/objects/1/fields/1/returns invalid_value');
  });

  it('a rollup over a date rollup may take its min or max, never its sum', () => {
    const b = bundle([lastOrder]);
    b.objects![0].fields.push(
      { name: 'latest', type: 'rollup', of: 'account.region', aggregate: 'max', field: 'last_order', returns: 'date' },
      { name: 'summed', type: 'rollup', of: 'account.region', aggregate: 'sum', field: 'last_order' },
    );
    expect(problems(b)).toEqual(['/objects/0/fields/2/field invalid_rollup']);
  });

  it('reports bucket a date rollup by month and refuse to sum it', () => {
    const b = bundle([lastOrder], {
      reports: [{
        name: 'by_last_order', object: 'account',
        groupBy: [{ field: 'last_order', bucket: 'month' }],
        aggregates: [{ fn: 'max', field: 'last_order', as: 'latest' }, { fn: 'sum', field: 'last_order', as: 'nonsense' }],
      }, {
        name: 'orders_by_account_month', object: 'order',
        groupBy: [{ field: 'account.last_order', bucket: 'year' }],
        aggregates: [{ fn: 'count', as: 'n' }],
      }],
    });
    expect(problems(b)).toEqual(['/reports/0/aggregates/1/field invalid_aggregate']);
  });
});

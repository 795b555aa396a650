/** A deploy that adds a formula or a rollup computes it for the records already there. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../../metadata/types.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp({ standardPackage: false }); });
afterAll(async () => { await t?.close(); });

const v1: PackageBundle = {
  package: { name: 'shop', version: '1.0.0' },
  objects: [
    { name: 'basket', label: 'Basket', nameField: 'code', fields: [{ name: 'code', type: 'text' }] },
    { name: 'item', label: 'Item', fields: [
      { name: 'basket', type: 'reference', to: 'basket', onDelete: 'cascade' },
      { name: 'price', type: 'currency' },
      { name: 'qty', type: 'integer' },
    ] },
  ],
};

describe('backfill on deploy', () => {
  it('computes a new formula and a new rollup for existing records', async () => {
    await t.engine.deploy(v1);
    const basket = (await t.api('POST', '/api/records/basket', { code: 'B1' })).json();
    await t.api('POST', '/api/records/item', { basket: basket.id, price: 2.5, qty: 4 });
    await t.api('POST', '/api/records/item', { basket: basket.id, price: 10, qty: 1 });

    const v2: PackageBundle = JSON.parse(JSON.stringify(v1));
    v2.package.version = '1.1.0';
    v2.objects![1].fields.push({ name: 'line_total', type: 'formula', returns: 'currency', expression: { '*': [{ var: 'price' }, { var: 'qty' }] } });
    v2.objects![0].fields.push({ name: 'total', type: 'rollup', of: 'item.basket', aggregate: 'sum', field: 'line_total' });
    v2.objects![0].fields.push({ name: 'items', type: 'rollup', of: 'item.basket', aggregate: 'count' });
    const result = await t.engine.deploy(v2);
    expect(result.applied).toBe(true);

    const items = (await t.api('GET', '/api/records/item?sort=line_total')).json().data;
    expect(items.map((i: { line_total: number }) => i.line_total)).toEqual([10, 10]);
    const b = (await t.api('GET', `/api/records/basket/${basket.id}`)).json();
    expect(b.total).toBe(20);
    expect(b.items).toBe(2);
  });
});

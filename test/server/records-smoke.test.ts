import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

describe('records API on crm-core', () => {
  it('creates an account and an order (an object named `order`) and lists it back', async () => {
    const acc = await t.api('POST', '/api/records/account', { name: 'Acme', industry: 'retail' });
    expect(acc.statusCode).toBe(201);
    const account = acc.json();
    const ord = await t.api('POST', '/api/records/order', { account: account.id, order_number: 'CA-1', order_date: '2024-01-02' });
    expect(ord.statusCode).toBe(201);
    const list = await t.api('GET', `/api/records/order?filter=${encodeURIComponent(JSON.stringify({ 'account.name': 'Acme' }))}&expand=account`);
    expect(list.statusCode).toBe(200);
    expect(list.json().data[0].account.name).toBe('Acme');
  });

  it('answers 401 without credentials', async () => {
    const res = await t.api('GET', '/api/records/account', undefined, { token: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

/**
 * Saved list views on the server: each person's own (not seen by others), shared ones made by
 * admins only, one name per owner and object, bad input a clear 400, hidden objects a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, makeUser, type TestUser } from './security/helpers.ts';

let t: TestApp;
let rep: TestUser;
let agent: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  rep = await makeUser(t, { email: 'rep@example.com', role: 'sales_rep' });
  agent = await makeUser(t, { email: 'agent@example.com', role: 'support_agent' });
});
afterAll(async () => { await t?.close(); });

interface View { id: string; name: string; shared: boolean; mine: boolean; columns: string[]; sort: string[]; filter?: unknown; type: string }
const views = async (token: string | undefined, object = 'opportunity') => json<View[]>(await t.api('GET', `/api/views/${object}`, undefined, { token }), 200);
const big = { name: 'Big deals', columns: ['name', 'amount'], sort: ['-amount'], filter: { amount: { gte: 10000 } }, type: 'table' };

describe('saved views', () => {
  it('keeps a personal view for its owner only, and replaces it when saved under the same name', async () => {
    const made = json<View>(await t.api('POST', '/api/views/opportunity', big, { token: rep.token }), 201);
    expect(made).toEqual(expect.objectContaining({ name: 'Big deals', shared: false, mine: true, filter: { amount: { gte: 10000 } } }));
    expect((await views(rep.token)).map((v) => v.name)).toEqual(['Big deals']);
    expect(await views(undefined)).toEqual([]); // the admin does not see the rep's view
    const again = json<View>(await t.api('POST', '/api/views/opportunity', { ...big, name: ' big DEALS ', columns: ['name'] }, { token: rep.token }), 201);
    expect(again.id).toBe(made.id);
    expect(await views(rep.token)).toEqual([expect.objectContaining({ id: made.id, name: 'big DEALS', columns: ['name'] })]);
    // Someone else's view cannot be deleted (it is as if absent); the owner's delete works.
    expect((await t.api('DELETE', `/api/views/opportunity/${made.id}`)).statusCode).toBe(404);
    expect((await t.api('DELETE', `/api/views/opportunity/${made.id}`, undefined, { token: rep.token })).statusCode).toBe(204);
    expect(await views(rep.token)).toEqual([]);
  });

  it('lets admins share a view with everyone who may read the object; others may not share or delete it', async () => {
    expect((await t.api('POST', '/api/views/opportunity', { ...big, shared: true }, { token: rep.token })).statusCode).toBe(403);
    const shared = json<View>(await t.api('POST', '/api/views/opportunity', { ...big, name: 'Team pipeline', shared: true }), 201);
    expect(await views(rep.token)).toEqual([expect.objectContaining({ name: 'Team pipeline', shared: true, mine: false })]);
    expect((await t.api('DELETE', `/api/views/opportunity/${shared.id}`, undefined, { token: rep.token })).statusCode).toBe(403);
    // A person's own view may have the same name as a shared one.
    expect((await t.api('POST', '/api/views/opportunity', { ...big, name: 'Team pipeline' }, { token: rep.token })).statusCode).toBe(201);
    expect((await views(rep.token)).map((v) => [v.name, v.shared])).toEqual([['Team pipeline', false], ['Team pipeline', true]]);
  });

  it('answers bad input with field paths, and objects one may not read with 404', async () => {
    const bad = await t.api('POST', '/api/views/opportunity', { name: '', columns: 'name', sort: [1], type: 'grid', filter: [] }, { token: rep.token });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['columns', 'filter', 'name', 'sort', 'type']);
    expect((await t.api('GET', '/api/views/no_such_object', undefined, { token: rep.token })).statusCode).toBe(404);
    expect((await t.api('GET', '/api/views/opportunity', undefined, { token: agent.token })).statusCode).toBe(404);
    expect((await t.api('DELETE', '/api/views/opportunity/not-an-id', undefined, { token: rep.token })).statusCode).toBe(404);
  });
});

/**
 * API keys: made by any user for themselves, optionally limited to one role they hold; the key
 * is shown once and stored hashed; a key acts as its user with that role, never more than the
 * user holds now; revocable by its owner or an admin.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, json, listIds, makeUsers, problem, type Rec, type TestUser } from './helpers.ts';

let t: TestApp;
let u: Record<'rep' | 'rep2' | 'mgr' | 'admin2', TestUser>;
let account: Rec;

interface KeyInfo { id: string; name: string; prefix: string; role: string | null; lastUsedAt: string | null; revokedAt: string | null }
const newKey = async (token: string, body: Record<string, unknown>) => json<{ id: string; key: string }>(await t.api('POST', '/api/auth/api-keys', body, { token }), 201);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  t = await startTestApp();
  u = await makeUsers(t, {
    rep: { email: 'rep@example.com', role: 'sales_rep' },
    rep2: { email: 'rep2@example.com', role: 'sales_rep' },
    mgr: { email: 'mgr@example.com', roles: ['sales_manager', 'marketing'] },
    admin2: { email: 'admin2@example.com', role: 'admin' },
  });
  account = await create(t, 'account', { name: 'Keyed Inc' });
});
afterAll(async () => { await t?.close(); });

describe('a new key', () => {
  it('is shown once: the list has its name, prefix and role, never the key; the database only its hash', async () => {
    const made = await newKey(u.rep.token, { name: 'Zapier' });
    expect(made.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    const list = await t.api('GET', '/api/auth/api-keys', undefined, { token: u.rep.token });
    const keys = json<KeyInfo[]>(list, 200);
    expect(keys).toEqual([expect.objectContaining({ id: made.id, name: 'Zapier', role: null, revokedAt: null })]);
    expect(made.key.startsWith(keys[0].prefix)).toBe(true);
    expect(list.body).not.toContain(made.key);
    expect(list.body).not.toContain(sha256(made.key));
    const { rows } = await t.db.knex.raw(`SELECT key_hash FROM strata.api_keys WHERE id = ?`, [made.id]);
    expect(rows[0].key_hash).toBe(sha256(made.key));
    // Another user's list does not show it.
    expect(json<KeyInfo[]>(await t.api('GET', '/api/auth/api-keys', undefined, { token: u.rep2.token }), 200)).toEqual([]);
  });

  it('needs a name, and a role the owner holds', async () => {
    for (const [body, field, code] of [
      [{}, 'name', 'required'],
      [{ name: '  ' }, 'name', 'required'],
      [{ name: 'x'.repeat(101) }, 'name', 'required'],
      [{ name: 'k', role: 'no_such_role' }, 'role', 'unknown_role'],
      [{ name: 'k', role: 42 }, 'role', 'unknown_role'],
      [{ name: 'k', role: 'admin' }, 'role', 'forbidden'],
      [{ name: 'k', role: 'sales_manager' }, 'role', 'forbidden'],
    ] as Array<[Record<string, unknown>, string, string]>) {
      const res = await t.api('POST', '/api/auth/api-keys', body, { token: u.rep.token });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(problem(res).errors).toEqual([expect.objectContaining({ field, code })]);
    }
  });

  it('belongs to the caller whatever the body says', async () => {
    const made = await newKey(u.rep.token, { name: 'mine', userId: u.rep2.id, user_id: u.rep2.id });
    expect(json<{ id: string }>(await t.api('GET', '/api/auth/me', undefined, { token: made.key }), 200).id).toBe(u.rep.id);
  });
});

describe('a key acts as its user and role', () => {
  it('without a role: as the user, seeing exactly what the user sees', async () => {
    const own = await create(t, 'opportunity', { name: 'Rep deal', account: account.id }, u.rep.token);
    await create(t, 'opportunity', { name: 'Rep2 deal', account: account.id }, u.rep2.token);
    const key = (await newKey(u.rep.token, { name: 'plain' })).key;
    expect(await listIds(t, 'opportunity', key)).toEqual([own.id]);
    expect((await t.api('GET', '/api/users', undefined, { token: key })).statusCode).toBe(403);
    const made = json<Rec>(await t.api('POST', '/api/records/lead', { last_name: 'By key', phone: '555-0100' }, { token: key }), 201);
    expect(made.ownerId).toBe(u.rep.id);
  });

  it("with a role: only that role, even when the user holds more (admin's sales_rep key)", async () => {
    const adminOwn = await create(t, 'opportunity', { name: 'Admin deal', account: account.id });
    const key = (await newKey(t.adminToken, { name: 'limited', role: 'sales_rep' })).key;
    const tok = { token: key };
    expect(await listIds(t, 'opportunity', key)).toEqual([adminOwn.id]);
    expect((await t.api('GET', '/api/users', undefined, tok)).statusCode).toBe(403);
    expect((await t.api('GET', '/api/audit', undefined, tok)).statusCode).toBe(403);
    expect((await t.api('POST', '/api/metadata/deploy?dryRun=true', {}, tok)).statusCode).toBe(403);
    const contact = await create(t, 'contact', { last_name: 'Hidden birthday', birthdate: '1990-01-01' });
    expect(json<Rec>(await t.api('GET', `/api/records/contact/${contact.id}`, undefined, tok), 200)).not.toHaveProperty('birthdate');
  });

  it('a user with two roles can limit a key to one of them', async () => {
    const key = (await newKey(u.mgr.token, { name: 'marketing only', role: 'marketing' })).key;
    // sales_manager may create opportunities, marketing may not.
    expect((await t.api('POST', '/api/records/opportunity', { name: 'x', account: account.id }, { token: u.mgr.token })).statusCode).toBe(201);
    expect((await t.api('POST', '/api/records/opportunity', { name: 'x', account: account.id }, { token: key })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/records/campaign', { name: 'Spring', status: 'planned' }, { token: key })).statusCode).toBe(201);
  });

  it('a limited key cannot make itself an unlimited one', async () => {
    const limited = (await newKey(t.adminToken, { name: 'limited', role: 'sales_rep' })).key;
    const minted = await newKey(limited, { name: 'escape attempt' });
    expect((await t.api('GET', '/api/users', undefined, { token: minted.key })).statusCode).toBe(403);
    const keys = json<KeyInfo[]>(await t.api('GET', '/api/auth/api-keys'), 200);
    expect(keys.find((k) => k.id === minted.id)?.role).toBe('sales_rep');
    expect((await t.api('POST', '/api/auth/api-keys', { name: 'x', role: 'admin' }, { token: limited })).statusCode).toBe(400);
  });

  it("stops acting with a role its owner lost (an admin's admin key after a demotion)", async () => {
    const key = (await newKey(u.admin2.token, { name: 'ops', role: 'admin' })).key;
    expect((await t.api('GET', '/api/users', undefined, { token: key })).statusCode).toBe(200);
    json(await t.api('PATCH', `/api/users/${u.admin2.id}`, { roles: ['sales_rep'] }), 200);
    expect((await t.api('GET', '/api/users', undefined, { token: key })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/metadata/deploy?dryRun=true', {}, { token: key })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/records/opportunity', undefined, { token: key })).statusCode).toBe(404);
  });

  it('records when it was last used', async () => {
    const made = await newKey(u.rep2.token, { name: 'usage' });
    const before = json<KeyInfo[]>(await t.api('GET', '/api/auth/api-keys', undefined, { token: u.rep2.token }), 200).find((k) => k.id === made.id);
    expect(before?.lastUsedAt).toBeNull();
    json(await t.api('GET', '/api/auth/me', undefined, { token: made.key }), 200);
    const after = json<KeyInfo[]>(await t.api('GET', '/api/auth/api-keys', undefined, { token: u.rep2.token }), 200).find((k) => k.id === made.id);
    expect(after?.lastUsedAt).toEqual(expect.any(String));
  });
});

describe('revoking', () => {
  it('works at once; again is 404', async () => {
    const made = await newKey(u.rep.token, { name: 'short-lived' });
    expect((await t.api('GET', '/api/auth/me', undefined, { token: made.key })).statusCode).toBe(200);
    expect((await t.api('DELETE', `/api/auth/api-keys/${made.id}`, undefined, { token: u.rep.token })).statusCode).toBe(204);
    const res = await t.api('GET', '/api/auth/me', undefined, { token: made.key });
    expect(res.statusCode).toBe(401);
    problem(res);
    expect((await t.api('DELETE', `/api/auth/api-keys/${made.id}`, undefined, { token: u.rep.token })).statusCode).toBe(404);
    const listed = json<KeyInfo[]>(await t.api('GET', '/api/auth/api-keys', undefined, { token: u.rep.token }), 200).find((k) => k.id === made.id);
    expect(listed?.revokedAt).toEqual(expect.any(String));
  });

  it("another user's key is 404 (not 403: its existence is not confirmed), and it keeps working", async () => {
    const made = await newKey(u.rep2.token, { name: 'not yours' });
    const res = await t.api('DELETE', `/api/auth/api-keys/${made.id}`, undefined, { token: u.rep.token });
    expect(res.statusCode).toBe(404);
    const missing = await t.api('DELETE', '/api/auth/api-keys/00000000-0000-4000-8000-000000000000', undefined, { token: u.rep.token });
    expect(problem(res).detail).toBe(problem(missing).detail);
    expect((await t.api('GET', '/api/auth/me', undefined, { token: made.key })).statusCode).toBe(200);
  });

  it('an admin may revoke anyone\'s key', async () => {
    const made = await newKey(u.rep2.token, { name: 'leaked' });
    expect((await t.api('DELETE', `/api/auth/api-keys/${made.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', '/api/auth/me', undefined, { token: made.key })).statusCode).toBe(401);
  });

  it('a key id that is not a UUID is 404, never 500', async () => {
    for (const id of ['abc', '-'.repeat(36), 'f'.repeat(36), "1' OR '1'='1"]) {
      expect((await t.api('DELETE', `/api/auth/api-keys/${encodeURIComponent(id)}`, undefined, { token: u.rep.token })).statusCode, id).toBe(404);
    }
  });
});

/**
 * Users and teams: admins (and holders of `manageUsers`) create and change users; a manager
 * per user forms the hierarchy that `team` access follows, changes to it apply at once;
 * deactivation ends the user's sessions and API keys at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, json, listIds, makeUser, makeUsers, PASSWORD, problem, SECURITY_PACKAGE, signIn, tokenOf, type Rec, type TestUser } from './helpers.ts';

let t: TestApp;
let account: Rec;
let adminId: string;

interface UserInfo { id: string; email: string; name: string | null; roles: string[]; managerId: string | null; active: boolean; mfaEnabled: boolean }
const patchUser = (id: string, body: Record<string, unknown>, token?: string) => t.api('PATCH', `/api/users/${id}`, body, { token });
const me = (token: string) => t.api('GET', '/api/auth/me', undefined, { token });

beforeAll(async () => {
  t = await startTestApp();
  await t.engine.deploy(SECURITY_PACKAGE);
  account = await create(t, 'account', { name: 'Team Account' });
  adminId = json<{ id: string }>(await me(t.adminToken), 200).id;
});
afterAll(async () => { await t?.close(); });

describe('creating users', () => {
  it('returns the user (201) without any secret, and lists them for the admin', async () => {
    const res = await t.api('POST', '/api/users', { email: 'new.hire@example.com', password: PASSWORD, role: 'sales_rep', name: 'New Hire' });
    const made = json<UserInfo>(res, 201);
    expect(made).toMatchObject({ email: 'new.hire@example.com', name: 'New Hire', roles: ['sales_rep'], active: true, mfaEnabled: false, managerId: null });
    expect(res.body).not.toMatch(/password|hash|secret/i);
    const list = await t.api('GET', '/api/users');
    expect(json<UserInfo[]>(list, 200).map((x) => x.email)).toContain('new.hire@example.com');
    expect(list.body).not.toMatch(/password|hash|mfa_secret|argon/i);
    expect((await signIn(t, { email: 'new.hire@example.com', password: PASSWORD })).statusCode).toBe(200);
  });

  it('gives the least role (read_only) when none is named, and takes several roles', async () => {
    expect(json<UserInfo>(await t.api('POST', '/api/users', { email: 'no.role@example.com', password: PASSWORD }), 201).roles).toEqual(['read_only']);
    expect(json<UserInfo>(await t.api('POST', '/api/users', { email: 'two.roles@example.com', password: PASSWORD, roles: ['sales_rep', 'marketing'] }), 201).roles).toEqual(['sales_rep', 'marketing']);
  });

  it('refuses bad input with the field named', async () => {
    for (const [body, field, status] of [
      [{ email: 'not-an-email', password: PASSWORD }, 'email', 400],
      [{ email: 42, password: PASSWORD }, 'email', 400],
      [{ email: 'short@example.com', password: 'short' }, 'password', 400],
      [{ email: 'role@example.com', password: PASSWORD, role: 'superuser' }, 'role', 400],
      [{ email: 'roles@example.com', password: PASSWORD, roles: 'admin' }, 'role', 400],
      [{ email: 'mgr@example.com', password: PASSWORD, manager: 'nobody@example.com' }, 'manager', 422],
      [{ email: 'mgr2@example.com', password: PASSWORD, manager: 7 }, 'manager', 400],
    ] as Array<[Record<string, unknown>, string, number]>) {
      const res = await t.api('POST', '/api/users', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(problem(res).errors?.map((e) => e.field)).toContain(field);
    }
  });

  it('refuses an email already taken, whatever its case (409)', async () => {
    await t.api('POST', '/api/users', { email: 'taken@example.com', password: PASSWORD });
    const res = await t.api('POST', '/api/users', { email: 'TAKEN@example.com', password: PASSWORD });
    expect(res.statusCode).toBe(409);
    expect(problem(res).errors?.[0]?.field).toBe('email');
  });

  it('ignores fields a caller must not set (active, mfa, id, hash)', async () => {
    const made = json<UserInfo>(await t.api('POST', '/api/users', {
      email: 'mass@example.com', password: PASSWORD, role: 'sales_rep',
      active: false, mfaEnabled: true, mfa_enabled: true, id: '00000000-0000-4000-8000-000000000001', password_hash: 'x', roles_extra: ['admin'],
    }), 201);
    expect(made).toMatchObject({ active: true, mfaEnabled: false, roles: ['sales_rep'] });
    expect(made.id).not.toBe('00000000-0000-4000-8000-000000000001');
    expect((await signIn(t, { email: 'mass@example.com', password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('changing users', () => {
  it('refuses unknown or system fields, bad ids and missing users', async () => {
    const x = await makeUser(t, { email: 'change.me@example.com', role: 'sales_rep' });
    for (const body of [{ email: 'new@example.com' }, { id: adminId }, { mfaEnabled: false }, { password_hash: 'x' }, { active: 'no' }, { roles: [] }, { roles: ['admin', 'nope'] }]) {
      const res = await patchUser(x.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      problem(res);
    }
    expect((await patchUser('00000000-0000-4000-8000-000000000000', { name: 'x' })).statusCode).toBe(404);
    expect((await patchUser('-'.repeat(36), { name: 'x' })).statusCode).toBe(404);
    expect((await patchUser('not-a-uuid', { name: 'x' })).statusCode).toBe(404);
  });

  it('a role change applies to the live session at once', async () => {
    const x = await makeUser(t, { email: 'promoted@example.com', role: 'read_only' });
    const createOpp = () => t.api('POST', '/api/records/opportunity', { name: 'Promo deal', account: account.id }, { token: x.token });
    expect((await createOpp()).statusCode).toBe(403);
    expect(json<UserInfo>(await patchUser(x.id, { role: 'sales_rep' }), 200).roles).toEqual(['sales_rep']);
    expect((await createOpp()).statusCode).toBe(201);
    json(await patchUser(x.id, { roles: ['read_only'] }), 200);
    expect((await createOpp()).statusCode).toBe(403);
  });

  it('a new password ends the user\'s sessions and revokes their API keys, and only the new one signs in', async () => {
    const x = await makeUser(t, { email: 'repass@example.com', role: 'sales_rep' });
    const key = json<{ id: string; key: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'made before the reset' }, { token: x.token }), 201);
    expect((await me(key.key)).statusCode).toBe(200);
    json(await patchUser(x.id, { password: 'a brand new passphrase' }), 200);
    expect((await me(x.token)).statusCode).toBe(401);
    // Whoever knew the old password may have made a key with it: it goes too.
    expect((await me(key.key)).statusCode).toBe(401);
    expect((await signIn(t, { email: x.email, password: PASSWORD })).statusCode).toBe(401);
    const fresh = await signIn(t, { email: x.email, password: 'a brand new passphrase' });
    expect(fresh.statusCode).toBe(200);
    expect(json<Array<{ id: string; revokedAt: string | null }>>(await t.api('GET', '/api/auth/api-keys', undefined, { token: (fresh.json() as { token: string }).token }), 200)
      .find((k) => k.id === key.id)?.revokedAt).not.toBeNull();
    expect((await patchUser(x.id, { password: 'password1234' })).statusCode).toBe(400);
  });
});

describe('deactivation', () => {
  it("ends all the user's sessions and API keys at once; they cannot sign in", async () => {
    const x = await makeUser(t, { email: 'leaver@example.com', role: 'sales_rep' });
    const secondSession = await tokenOf(t, x.email);
    const keys = await Promise.all(['one', 'two'].map(async (name) => json<{ id: string; key: string }>(await t.api('POST', '/api/auth/api-keys', { name }, { token: x.token }), 201)));
    const credentials = [x.token, secondSession, ...keys.map((k) => k.key)];
    for (const c of credentials) expect((await me(c)).statusCode).toBe(200);

    const res = await patchUser(x.id, { active: false });
    expect(json<UserInfo>(res, 200).active).toBe(false);
    for (const c of credentials) {
      const after = await me(c);
      expect(after.statusCode).toBe(401);
      problem(after);
    }
    const login = await signIn(t, { email: x.email, password: PASSWORD });
    const wrong = await signIn(t, { email: x.email, password: 'some wrong passphrase' });
    expect(login.statusCode).toBe(401);
    expect(problem(login).detail).toBe(problem(wrong).detail); // no hint that the account exists but is off

    // Reactivated: they may sign in again, but the old sessions and keys stay dead.
    json(await patchUser(x.id, { active: true }), 200);
    for (const c of credentials) expect((await me(c)).statusCode).toBe(401);
    expect((await signIn(t, { email: x.email, password: PASSWORD })).statusCode).toBe(200);
    const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM strata.sessions WHERE user_id = ?`, [x.id]);
    expect(rows[0].n).toBe(1); // only the new sign-in
  });

  it('a deactivated user still owns their records (an admin can hand them over)', async () => {
    const x = await makeUser(t, { email: 'leaver2@example.com', role: 'sales_rep' });
    const deal = await create(t, 'opportunity', { name: 'Left behind', account: account.id }, x.token);
    json(await patchUser(x.id, { active: false }), 200);
    expect(json<Rec>(await t.api('GET', `/api/records/opportunity/${deal.id}`), 200).ownerId).toBe(x.id);
    expect(json<Rec>(await t.api('PATCH', `/api/records/opportunity/${deal.id}`, { ownerId: adminId }), 200).ownerId).toBe(adminId);
  });
});

describe('the manager hierarchy', () => {
  let u: Record<'boss' | 'lead' | 'rep' | 'other', TestUser>;
  const deal: Record<string, Rec> = {};
  const teamView = (token: string) => listIds(t, 'opportunity', token, `&filter=${encodeURIComponent(JSON.stringify({ name: { startsWith: 'Team ' } }))}`);

  beforeAll(async () => {
    const top = await makeUsers(t, {
      boss: { email: 'boss@example.com', role: 'sales_manager' },
      other: { email: 'other@example.com', role: 'sales_rep' },
    });
    // Managers by id and by email.
    const lead = await makeUser(t, { email: 'team.lead@example.com', role: 'sales_manager', manager: top.boss.id });
    const rep = await makeUser(t, { email: 'team.rep@example.com', role: 'sales_rep', manager: 'Team.Lead@example.com' });
    u = { ...top, lead, rep };
    for (const k of ['boss', 'lead', 'rep', 'other'] as const) deal[k] = await create(t, 'opportunity', { name: `Team ${k}`, account: account.id }, u[k].token);
  });

  it('is listed with each user\'s manager', async () => {
    const users = json<UserInfo[]>(await t.api('GET', '/api/users'), 200);
    expect(users.find((x) => x.id === u.rep.id)?.managerId).toBe(u.lead.id);
    expect(users.find((x) => x.id === u.lead.id)?.managerId).toBe(u.boss.id);
  });

  it('gives a manager everything below them, at any depth', async () => {
    expect((await teamView(u.boss.token)).sort()).toEqual([deal.boss.id, deal.lead.id, deal.rep.id].sort());
    expect((await teamView(u.lead.token)).sort()).toEqual([deal.lead.id, deal.rep.id].sort());
    expect(await teamView(u.rep.token)).toEqual([deal.rep.id]);
  });

  it('follows a change of manager at once, for sessions already open', async () => {
    json(await patchUser(u.other.id, { manager: u.lead.id }), 200);
    expect((await teamView(u.lead.token)).sort()).toEqual([deal.lead.id, deal.rep.id, deal.other.id].sort());
    expect(await teamView(u.boss.token)).toContain(deal.other.id);
    json(await patchUser(u.other.id, { manager: null }), 200);
    expect(await teamView(u.lead.token)).not.toContain(deal.other.id);
    expect((await t.api('GET', `/api/records/opportunity/${deal.other.id}`, undefined, { token: u.boss.token })).statusCode).toBe(404);
  });

  it('stays a tree: no loops, no self-management, no unknown managers', async () => {
    const loop = await patchUser(u.boss.id, { manager: u.rep.id });
    expect(loop.statusCode).toBe(422);
    expect(problem(loop).errors?.[0]?.field).toBe('manager');
    expect((await patchUser(u.boss.id, { manager: u.boss.id })).statusCode).toBe(400);
    const unknown = await patchUser(u.rep.id, { manager: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(422);
    expect(problem(unknown).errors?.[0]?.field).toBe('manager');
    // Nothing changed.
    expect((await teamView(u.boss.token)).sort()).toEqual([deal.boss.id, deal.lead.id, deal.rep.id].sort());
  });
});

describe('a user manager who is not an admin (role with manageUsers)', () => {
  let hr: TestUser;
  let rep: TestUser;
  beforeAll(async () => {
    hr = await makeUser(t, { email: 'hr@example.com', role: 'user_admin' });
    rep = await makeUser(t, { email: 'managed.rep@example.com', role: 'sales_rep' });
  });

  it('lists users, creates non-admins and deactivates them', async () => {
    expect((await t.api('GET', '/api/users', undefined, { token: hr.token })).statusCode).toBe(200);
    const made = await t.api('POST', '/api/users', { email: 'by.hr@example.com', password: PASSWORD, role: 'sales_rep' }, { token: hr.token });
    expect(made.statusCode).toBe(201);
    expect(json<UserInfo>(await patchUser(rep.id, { active: false }, hr.token), 200).active).toBe(false);
    expect((await me(rep.token)).statusCode).toBe(401);
  });

  it('may not create admins, change roles, or touch an admin (else: reset the password, sign in as admin)', async () => {
    expect((await t.api('POST', '/api/users', { email: 'evil.admin@example.com', password: PASSWORD, role: 'admin' }, { token: hr.token })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/users', { email: 'evil.admin2@example.com', password: PASSWORD, roles: ['sales_rep', 'admin'] }, { token: hr.token })).statusCode).toBe(403);
    expect((await patchUser(hr.id, { role: 'admin' }, hr.token)).statusCode).toBe(403);
    expect((await patchUser(adminId, { password: 'i own the admin now' }, hr.token)).statusCode).toBe(403);
    expect((await patchUser(adminId, { active: false }, hr.token)).statusCode).toBe(403);
    expect((await me(t.adminToken)).statusCode).toBe(200);
    expect((await signIn(t, { email: 'admin@example.com', password: 'i own the admin now' })).statusCode).toBe(401);
  });

  it('may not read the audit log (admins only)', async () => {
    expect((await t.api('GET', '/api/audit', undefined, { token: hr.token })).statusCode).toBe(403);
  });
});

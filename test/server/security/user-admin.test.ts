/**
 * A user manager handles someone else's credentials: lists and revokes their API keys, resets
 * their multi-factor sign-in after a lost device; never an admin's unless they are admin; each
 * act lands in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { json, makeUser, PASSWORD, SECURITY_PACKAGE, signIn, type TestUser } from './helpers.ts';

let t: TestApp;
let hr: TestUser;
let rep: TestUser;
let adminId: string;
const me = (token: string) => t.api('GET', '/api/auth/me', undefined, { token });

beforeAll(async () => {
  t = await startTestApp();
  await t.engine.deploy(SECURITY_PACKAGE);
  adminId = json<{ id: string }>(await me(t.adminToken), 200).id;
  hr = await makeUser(t, { email: 'hr@example.com', role: 'user_admin' });
  rep = await makeUser(t, { email: 'rep@example.com', role: 'sales_rep' });
});
afterAll(async () => { await t?.close(); });

interface KeyInfo { id: string; name: string; revokedAt: string | null }
interface AuditLine { action: string; actorEmail: string | null; target: string | null }

describe("someone else's API keys", () => {
  it('are listed without the secret, and revoking one stops it at once', async () => {
    const made = json<{ id: string; key: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'laptop script' }, { token: rep.token }), 201);
    const listed = json<KeyInfo[]>(await t.api('GET', `/api/users/${rep.id}/api-keys`, undefined, { token: hr.token }), 200);
    expect(listed).toEqual([expect.objectContaining({ id: made.id, name: 'laptop script', revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(made.key);
    expect((await me(made.key)).statusCode).toBe(200);

    expect((await t.api('DELETE', `/api/users/${rep.id}/api-keys/${made.id}`, undefined, { token: hr.token })).statusCode).toBe(204);
    expect((await me(made.key)).statusCode).toBe(401);
    expect(json<KeyInfo[]>(await t.api('GET', `/api/users/${rep.id}/api-keys`, undefined, { token: hr.token }), 200)[0].revokedAt).not.toBeNull();
    // Again, or a key of another user through this user's path: not found.
    expect((await t.api('DELETE', `/api/users/${rep.id}/api-keys/${made.id}`, undefined, { token: hr.token })).statusCode).toBe(404);
    const hrKey = json<{ id: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'hr key' }, { token: hr.token }), 201);
    expect((await t.api('DELETE', `/api/users/${rep.id}/api-keys/${hrKey.id}`, undefined, { token: hr.token })).statusCode).toBe(404);
    expect((await t.api('DELETE', `/api/users/${rep.id}/api-keys/not-a-uuid`, undefined, { token: hr.token })).statusCode).toBe(404);

    const audit = json<AuditLine[]>(await t.api('GET', '/api/audit'), 200);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'api_key.revoke', actorEmail: 'hr@example.com', target: 'rep@example.com' }));
  });

  it('are only for user managers, and an admin’s only for admins', async () => {
    expect((await t.api('GET', `/api/users/${hr.id}/api-keys`, undefined, { token: rep.token })).statusCode).toBe(403);
    expect((await t.api('GET', `/api/users/${adminId}/api-keys`, undefined, { token: hr.token })).statusCode).toBe(403);
    expect((await t.api('GET', `/api/users/${adminId}/api-keys`)).statusCode).toBe(200);
    expect((await t.api('GET', '/api/users/00000000-0000-4000-8000-000000000000/api-keys')).statusCode).toBe(404);
  });
});

describe('resetting multi-factor sign-in', () => {
  it('lets someone who lost their device sign in with the password again, and set up a new one', async () => {
    const setup = json<{ secret: string }>(await t.api('POST', '/api/auth/mfa/setup', undefined, { token: rep.token }), 200);
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(setup.secret) });
    expect((await t.api('POST', '/api/auth/mfa/enable', { totp: totp.generate() }, { token: rep.token })).statusCode).toBe(204);
    expect((await signIn(t, { email: rep.email, password: PASSWORD })).statusCode).toBe(401);

    expect((await t.api('POST', `/api/users/${rep.id}/mfa/reset`, undefined, { token: rep.token })).statusCode).toBe(403);
    expect((await t.api('POST', `/api/users/${rep.id}/mfa/reset`, undefined, { token: hr.token })).statusCode).toBe(204);
    const users = json<Array<{ id: string; mfaEnabled: boolean }>>(await t.api('GET', '/api/users'), 200);
    expect(users.find((u) => u.id === rep.id)?.mfaEnabled).toBe(false);
    const again = await signIn(t, { email: rep.email, password: PASSWORD });
    expect(again.statusCode).toBe(200);
    const token = (again.json() as { token: string }).token;
    expect((await t.api('POST', '/api/auth/mfa/setup', undefined, { token })).statusCode).toBe(200);

    const audit = json<AuditLine[]>(await t.api('GET', '/api/audit'), 200);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'mfa.reset', actorEmail: 'hr@example.com', target: 'rep@example.com' }));
  });

  it("refuses a user manager on an admin's account", async () => {
    expect((await t.api('POST', `/api/users/${adminId}/mfa/reset`, undefined, { token: hr.token })).statusCode).toBe(403);
  });
});

describe('the roles one may give', () => {
  it('are every role for a user manager, with admin only for admins', async () => {
    const forHr = json<Array<{ name: string; label: string }>>(await t.api('GET', '/api/users/roles', undefined, { token: hr.token }), 200);
    expect(forHr.map((r) => r.name)).toEqual(expect.arrayContaining(['sales_rep', 'support_agent', 'user_admin']));
    expect(forHr.map((r) => r.name)).not.toContain('admin');
    expect(forHr.find((r) => r.name === 'sales_rep')?.label).toBe('Sales rep');
    expect(json<Array<{ name: string }>>(await t.api('GET', '/api/users/roles'), 200)[0].name).toBe('admin');
    expect((await t.api('GET', '/api/users/roles', undefined, { token: rep.token })).statusCode).toBe(403);
  });
});

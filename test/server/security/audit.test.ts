/**
 * The audit log: sign-ins (success and failure), API key use, user and role changes, MFA,
 * deploys — who, when, from where; readable by admins over the API, newest first; never a
 * password or a token in it.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, startTestApp, type TestApp } from '../../helpers/app.ts';
import { json, makeUser, nextIp, PASSWORD, SECURITY_PACKAGE, signIn, type TestUser } from './helpers.ts';

let t: TestApp;
let rep: TestUser;
let adminId: string;

interface Entry { id: number; at: string; actorId: string | null; actorEmail: string | null; action: string; target: string | null; ip: string | null; detail: Record<string, unknown> }

async function log(limit = 1000): Promise<Entry[]> {
  return json<Entry[]>(await t.api('GET', `/api/audit?limit=${limit}`), 200);
}
async function latest(action: string, where: (e: Entry) => boolean = () => true): Promise<Entry> {
  const e = (await log()).find((x) => x.action === action && where(x));
  expect(e, `an audit entry ${action}`).toBeDefined();
  return e!;
}
const recent = (e: Entry) => expect(Date.now() - new Date(e.at).getTime()).toBeLessThan(60_000);

beforeAll(async () => {
  t = await startTestApp();
  rep = await makeUser(t, { email: 'rep@example.com', role: 'sales_rep' });
  adminId = json<{ id: string }>(await t.api('GET', '/api/auth/me'), 200).id;
});
afterAll(async () => { await t?.close(); });

describe('sign-ins', () => {
  it('a successful sign-in: who, when and from where', async () => {
    const ip = nextIp();
    json(await signIn(t, { email: rep.email, password: PASSWORD }, { ip }), 200);
    const e = await latest('login', (x) => x.ip === ip);
    expect(e).toMatchObject({ actorId: rep.id, actorEmail: rep.email, ip });
    recent(e);
  });

  it('a failed sign-in, for a known and an unknown email, with the address it came from', async () => {
    const ip = nextIp();
    await signIn(t, { email: rep.email, password: 'wrong wrong wrong' }, { ip });
    await signIn(t, { email: 'ghost@example.com', password: 'wrong wrong wrong' }, { ip });
    const entries = (await log()).filter((x) => x.action === 'login.failed' && x.ip === ip);
    expect(entries.map((x) => x.actorEmail).sort()).toEqual(['ghost@example.com', rep.email]);
  });

  it('a failed second factor', async () => {
    const user = await makeUser(t, { email: 'mfa@example.com', role: 'read_only' });
    const { secret } = json<{ secret: string }>(await t.api('POST', '/api/auth/mfa/setup', undefined, { token: user.token }), 200);
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    expect((await t.api('POST', '/api/auth/mfa/enable', { totp: totp.generate() }, { token: user.token })).statusCode).toBe(204);
    expect((await latest('mfa.enable')).actorId).toBe(user.id);
    await signIn(t, { email: user.email, password: PASSWORD, totp: '000000' });
    const e = await latest('login.failed', (x) => x.actorEmail === user.email);
    expect(e.detail).toMatchObject({ reason: 'totp' });
    expect(e.actorId).toBe(user.id);
  });
});

describe('API keys', () => {
  it('creation, use for writes (method and path) and revocation', async () => {
    const made = json<{ id: string; key: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'integration' }, { token: rep.token }), 201);
    expect((await latest('api_key.create', (x) => x.target === made.id)).actorId).toBe(rep.id);
    const ip = nextIp();
    expect((await t.api('POST', '/api/records/lead', { last_name: 'Via key', phone: '555-0100' }, { token: made.key, headers: { 'x-forwarded-for': ip } })).statusCode).toBe(201);
    const use = await latest('api_key.use', (x) => x.target === made.id);
    expect(use).toMatchObject({ actorId: rep.id, ip, detail: { method: 'POST', url: '/api/records/lead' } });
    expect((await t.api('DELETE', `/api/auth/api-keys/${made.id}`, undefined, { token: rep.token })).statusCode).toBe(204);
    expect((await latest('api_key.revoke', (x) => x.target === made.id)).actorId).toBe(rep.id);
  });
});

describe('users and roles', () => {
  it('user creation and changes (roles, deactivation), with who made them', async () => {
    const made = json<{ id: string }>(await t.api('POST', '/api/users', { email: 'audited@example.com', password: PASSWORD, role: 'sales_rep' }), 201);
    const created = await latest('user.create', (x) => x.target === 'audited@example.com');
    expect(created).toMatchObject({ actorId: adminId, actorEmail: ADMIN_EMAIL, detail: { roles: ['sales_rep'] } });
    json(await t.api('PATCH', `/api/users/${made.id}`, { roles: ['sales_manager'] }), 200);
    expect((await latest('user.update', (x) => x.target === 'audited@example.com')).detail).toMatchObject({ roles: ['sales_manager'] });
    json(await t.api('PATCH', `/api/users/${made.id}`, { active: false }), 200);
    expect((await latest('user.update', (x) => x.target === 'audited@example.com')).detail).toMatchObject({ active: false });
  });

  it('a password change is logged without the password', async () => {
    const made = json<{ id: string }>(await t.api('POST', '/api/users', { email: 'secretive@example.com', password: PASSWORD }), 201);
    json(await t.api('PATCH', `/api/users/${made.id}`, { password: 'the new secret passphrase' }), 200);
    expect((await latest('user.update', (x) => x.target === 'secretive@example.com')).detail).toEqual({ password: '***' });
  });

  it('a deploy (which is how roles change): who, which package, from where', async () => {
    const ip = nextIp();
    const res = await t.api('POST', '/api/metadata/deploy', SECURITY_PACKAGE, { headers: { 'x-forwarded-for': ip } });
    expect(res.statusCode, res.body).toBe(200);
    const e = await latest('deploy');
    expect(e).toMatchObject({ actorId: adminId, target: 'security-test@1.0.0', ip });
    // A dry run changes nothing and is not a deploy.
    json(await t.api('POST', '/api/metadata/deploy?dryRun=true', SECURITY_PACKAGE), 200);
    expect((await log()).filter((x) => x.action === 'deploy' && x.target === 'security-test@1.0.0')).toHaveLength(1);
    // The install of crm-core is a deploy too, by the system.
    expect((await log()).find((x) => x.action === 'deploy' && x.target?.startsWith('crm-core@'))).toMatchObject({ actorId: null, actorEmail: 'system', detail: { door: 'install' } });
  });
});

describe('reading the log', () => {
  it('is for admins only', async () => {
    expect((await t.api('GET', '/api/audit', undefined, { token: rep.token })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/audit', undefined, { token: null })).statusCode).toBe(401);
    const key = json<{ key: string }>(await t.api('POST', '/api/auth/api-keys', { name: 'rep key' }, { token: rep.token }), 201).key;
    expect((await t.api('GET', '/api/audit', undefined, { token: key })).statusCode).toBe(403);
  });

  it('comes newest first, pages with limit and before, and shrugs off bad paging values', async () => {
    const all = await log();
    expect(all.length).toBeGreaterThan(5);
    const ids = all.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const first = json<Entry[]>(await t.api('GET', '/api/audit?limit=2'), 200);
    expect(first.map((e) => e.id)).toEqual(ids.slice(0, 2));
    const next = json<Entry[]>(await t.api('GET', `/api/audit?limit=2&before=${first[1].id}`), 200);
    expect(next.map((e) => e.id)).toEqual(ids.slice(2, 4));
    for (const bad of ['limit=abc', 'limit=-1', 'limit=99999999', 'before=abc', "before=1'%20OR%201=1", 'limit=1e3']) {
      expect((await t.api('GET', `/api/audit?${bad}`)).statusCode, bad).toBe(200);
    }
  });

  it('never holds a password or a token', async () => {
    const text = JSON.stringify(await log());
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('the new secret passphrase');
    expect(text).not.toContain(rep.token);
    expect(text).not.toMatch(/sst_[A-Za-z0-9_-]{20}|sk_[A-Za-z0-9_-]{20}/);
  });
});

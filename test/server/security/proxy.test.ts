/**
 * Proxy headers are believed only when STRATA_TRUST_PROXY names the proxy: without it, a
 * client cannot pass the Origin check by claiming X-Forwarded-Host, nor dodge the sign-in
 * throttle by claiming a new X-Forwarded-For; behind a trusted proxy, both are honoured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustProxyFromEnv } from '../../../server/app.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { makeUser, PASSWORD, type TestUser } from './helpers.ts';

const login = (t: TestApp, email: string, password: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, headers });

/** A cookie-authenticated write from evil.example that claims, through the proxy header, to be for evil.example. */
const forgedWrite = (t: TestApp, token: string) => t.app.inject({
  method: 'POST', url: '/api/records/lead', payload: { last_name: 'Forged', phone: '555-0100' },
  headers: { cookie: `strata_session=${token}`, origin: 'https://evil.example', host: 'localhost:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
});

describe('STRATA_TRUST_PROXY', () => {
  it('is off unless set; takes addresses, a hop count or true', () => {
    expect(trustProxyFromEnv({})).toBe(false);
    expect(trustProxyFromEnv({ STRATA_TRUST_PROXY: '' })).toBe(false);
    expect(trustProxyFromEnv({ STRATA_TRUST_PROXY: 'false' })).toBe(false);
    expect(trustProxyFromEnv({ STRATA_TRUST_PROXY: 'true' })).toBe(true);
    expect(trustProxyFromEnv({ STRATA_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' })).toEqual(['127.0.0.1', '10.0.0.0/8']);
    const hops = trustProxyFromEnv({ STRATA_TRUST_PROXY: '1' }) as (a: string, hop: number) => boolean;
    expect([hops('127.0.0.1', 0), hops('10.1.2.3', 1)]).toEqual([true, false]);
  });
});

describe('without a trusted proxy (the default)', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ trustProxy: false });
    user = await makeUser(t, { email: 'noproxy@example.com', role: 'sales_rep' });
  });
  afterAll(async () => { await t?.close(); });

  it('a foreign Origin does not pass the Origin check by sending X-Forwarded-Host', async () => {
    expect((await forgedWrite(t, user.token)).statusCode).toBe(403);
  });

  it('a new X-Forwarded-For each time does not reset the sign-in throttle', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login(t, user.email, `wrong ${i}`, { 'x-forwarded-for': `203.0.113.${i + 1}` })).statusCode).toBe(401);
    }
    const res = await login(t, user.email, PASSWORD, { 'x-forwarded-for': '198.51.100.7' });
    expect(res.statusCode).toBe(429);
    // The audit log has the real peer address, not the claimed ones.
    const { rows } = await t.db.knex.raw(`SELECT DISTINCT ip FROM strata.audit_log WHERE action = 'login.failed' AND actor_email = ?`, [user.email]);
    expect(rows.map((r: { ip: string }) => r.ip)).toEqual(['127.0.0.1']);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ trustProxy: '127.0.0.1' });
    user = await makeUser(t, { email: 'proxied@example.com', role: 'sales_rep' });
  });
  afterAll(async () => { await t?.close(); });

  it('takes the host and protocol from the proxy (the site as the browser sees it)', async () => {
    expect((await forgedWrite(t, user.token)).statusCode).toBe(201);
  });

  it('takes the client address from X-Forwarded-For: failures from one client do not lock out another', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login(t, user.email, `wrong ${i}`, { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(401);
    }
    expect((await login(t, user.email, PASSWORD, { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(429);
    expect((await login(t, user.email, PASSWORD, { 'x-forwarded-for': '198.51.100.7' })).statusCode).toBe(200);
  });
});

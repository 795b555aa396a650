/**
 * The server's log: one JSON line per request, every 5xx with its stack under the request id
 * that the answer also carries, and never a password, token or cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { loggableUrl, logLevelFromEnv } from '../../server/plugins/logging.ts';

const lines: string[] = [];
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ log: { level: 'info', stream: { write: (line) => { lines.push(line); } } } });
});
afterAll(async () => { await t?.close(); });

interface LogLine { level: number; msg: string; reqId?: string; err?: { stack?: string; message?: string }; res?: { statusCode: number }; req?: { method: string; url: string; remoteAddress?: string } }
const parsed = (): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine);

describe('the log', () => {
  it('writes one line per request at info, with its status and request id', async () => {
    const res = await t.api('GET', '/api/auth/me');
    expect(res.statusCode).toBe(200);
    const id = String(res.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const mine = parsed().filter((l) => l.reqId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 30, msg: 'request completed', res: { statusCode: 200 }, req: { method: 'GET', url: '/api/auth/me', remoteAddress: '127.0.0.1' } });
  });

  it('logs a 5xx with its stack under the id the problem body carries', async () => {
    // A real fault: the account table disappears under the running server.
    await t.db.knex.raw('ALTER TABLE crm.account RENAME TO account_gone');
    try {
      const res = await t.api('GET', '/api/records/account');
      expect(res.statusCode).toBe(500);
      const body = res.json() as { requestId: string; detail: string; instance: string };
      expect(body.requestId).toBe(res.headers['x-request-id']);
      expect(body.detail).toContain(body.requestId);
      expect(body.instance).toBe(`urn:strata:request:${body.requestId}`);
      // Nothing about the internals in the answer; everything in the log.
      expect(res.body).not.toContain('account_gone');
      const error = parsed().find((l) => l.reqId === body.requestId && l.level === 50);
      expect(error?.err?.stack).toMatch(/relation .*account.* does not exist/);
      expect(error?.err?.stack).toContain('    at ');
    } finally {
      await t.db.knex.raw('ALTER TABLE crm.account_gone RENAME TO account');
    }
  });

  it('never contains a password, a session token or a cookie', async () => {
    const password = 'test admin passphrase';
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@example.com', password } });
    expect(login.statusCode).toBe(200);
    const token = (login.json() as { token: string }).token;
    const cookie = String(login.headers['set-cookie']);
    await t.app.inject({ method: 'GET', url: `/api/auth/me?token=${token}`, headers: { cookie: cookie.split(';')[0], authorization: `Bearer ${token}` } });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@example.com', password: 'a guessed password' } });
    expect(wrong.statusCode).toBe(401);
    const all = lines.join('');
    expect(all).toContain('/api/auth/login');
    expect(all).not.toContain(password);
    expect(all).not.toContain('a guessed password');
    expect(all).not.toContain(token);
    expect(all).not.toContain(cookie.split(';')[0].split('=')[1]);
  });
});

describe('settings', () => {
  it('STRATA_LOG picks the level; info by default; nonsense is refused', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ STRATA_LOG: 'debug' })).toBe('debug');
    expect(logLevelFromEnv({ STRATA_LOG: 'SILENT' })).toBe('silent');
    expect(() => logLevelFromEnv({ STRATA_LOG: 'loud' })).toThrow(/STRATA_LOG must be one of/);
  });

  it('secret-looking query values are not written down', () => {
    expect(loggableUrl('/api/x?token=abc&q=acme')).toBe('/api/x?token=%5Bredacted%5D&q=acme');
  });
});

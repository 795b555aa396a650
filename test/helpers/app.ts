/**
 * A real Strata for one test file: a fresh database with crm-core installed, the fastify app
 * (driven through inject or a real port), and a signed-in admin.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions, type TrustProxy } from '../../server/app.ts';
import { logLevelFromEnv, type LoggingOptions } from '../../server/plugins/logging.ts';
import { ensureStandardPackage, openEngine, type Engine } from '../../runtime/engine.ts';
import { ensureFirstAdmin } from '../../runtime/security/users.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'test admin passphrase';

export interface TestApp {
  db: TestDatabase;
  engine: Engine;
  app: FastifyInstance;
  adminToken: string;
  /** JSON request as the admin (or with `token`). */
  api(method: string, url: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  login(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `rateLimit`: the general per-caller budget; off unless a test is about it (suites send thousands of requests).
 * `trustProxy`: as behind a local reverse proxy by default, so suites may give each client its
 * own address with X-Forwarded-For; `false` is Strata's own default (no proxy).
 */
export async function startTestApp(opts: { standardPackage?: boolean; rateLimit?: number; trustProxy?: TrustProxy; credentialCache?: AppOptions['credentialCache']; log?: LoggingOptions } = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const engine = await openEngine({ databaseUrl: db.url, dataDir: '/nonexistent', listen: true, poolMax: 10 });
  if (opts.standardPackage !== false) await ensureStandardPackage(engine);
  await ensureFirstAdmin(engine.knex, { STRATA_ADMIN_EMAIL: ADMIN_EMAIL, STRATA_ADMIN_PASSWORD: ADMIN_PASSWORD });
  // Quiet unless asked (STRATA_LOG=info): suites send thousands of requests.
  const app = await buildApp(engine, { rateLimit: opts.rateLimit ?? 0, credentialCache: opts.credentialCache, trustProxy: opts.trustProxy ?? '127.0.0.1',
    log: opts.log ?? { level: process.env.STRATA_LOG ? logLevelFromEnv(process.env) : 'silent' } });
  await app.ready();
  const login = async (email: string, password: string) => {
    // Each helper sign-in comes from its own loopback address, so set-up never trips the
    // per-IP sign-in limit that the security suites test on purpose.
    const ip = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, headers: { 'x-forwarded-for': ip } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { token: string }).token;
  };
  const adminToken = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  return {
    db, engine, app, adminToken, login,
    api(method, url, body, o = {}) {
      const token = o.token === undefined ? adminToken : o.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...o.headers };
      return app.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : typeof body === 'string' ? { payload: body, headers: { 'content-type': 'application/json', ...headers } } : { payload: body as object }) });
    },
    async close() {
      await app.close();
      await engine.close();
      await db.drop();
    },
  };
}

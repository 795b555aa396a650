/**
 * A Strata server under the benchmark's load, alone in this process, profiled by V8's CPU
 * profiler (what `node --cpu-prof` runs) only while the load runs, not during set-up:
 *   npx tsx test/bench/profile.ts get|list [seconds] [out.cpuprofile]
 * then `npx tsx test/bench/profile-top.ts out.cpuprofile` for the top entries. The load
 * generator runs in a worker thread, outside the profile.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildApp } from '../../server/app.ts';
import { ensureStandardPackage, openEngine } from '../../runtime/engine.ts';
import { ensureFirstAdmin } from '../../runtime/security/users.ts';
import { benchDatabase } from './bench-db.ts';
import { LoadGenerator } from './load.ts';
import pg from 'pg';
import { baselineApp, signedToken } from './baseline.ts';

const ADMIN = { STRATA_ADMIN_EMAIL: 'bench@example.com', STRATA_ADMIN_PASSWORD: 'bench admin passphrase' };
const scenario = process.argv[2] ?? 'get';
const seconds = Number(process.argv[3] ?? 10);
const out = process.argv[4] ?? `${scenario}.cpuprofile`;

const db = await benchDatabase();
const engine = await openEngine({ databaseUrl: db.url, dataDir: '/nonexistent', listen: true, poolMax: 10 });
const load = new LoadGenerator();
try {
  await ensureStandardPackage(engine);
  await ensureFirstAdmin(engine.knex, ADMIN);
  const app = await buildApp(engine, { rateLimit: 1_000_000_000, log: { level: 'silent' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  let port = typeof addr === 'object' && addr ? addr.port : 0;
  const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.STRATA_ADMIN_EMAIL, password: ADMIN.STRATA_ADMIN_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  const records = Array.from({ length: 5000 }, (_, i) => ({ name: `Account ${i}`, customer_code: `p-${i}`, industry: 'retail', type: 'customer', employees: i, billing_city: 'Springfield', website: `https://example.com/${i}` }));
  await load.run({ port, method: 'POST', paths: ['/api/records/account/bulk'], bodies: [JSON.stringify({ operation: 'create', records })], headers, concurrency: 1, maxRequests: 1, maxSeconds: 120 });
  const ids = ((await engine.knex.raw(`SELECT id FROM crm.account ORDER BY random() LIMIT 2000`)).rows as Array<{ id: string }>).map((r) => r.id);
  let paths = scenario.startsWith('list') ? ['/api/records/account'] : ids.map((id) => `/api/records/account/${id}`);
  // `get-base`, `list-base`: the hand-written baseline under the same load, for comparison.
  let pool: pg.Pool | undefined;
  if (scenario.endsWith('-base')) {
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
    const base = baselineApp(pool);
    await base.listen({ port: 0, host: '127.0.0.1' });
    const a = base.server.address();
    port = typeof a === 'object' && a ? a.port : 0;
    const userId = ((await engine.knex.raw('SELECT id FROM strata.users LIMIT 1')).rows[0] as { id: string }).id;
    headers.authorization = `Bearer ${signedToken(userId)}`;
    paths = paths.map((p) => p.replace('/api/records/', '/base/'));
  }
  await load.run({ port, method: 'GET', paths, headers, concurrency: 16, maxRequests: 1_000_000, maxSeconds: 2 });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const r = await load.run({ port, method: 'GET', paths, headers, concurrency: 16, maxRequests: 1_000_000, maxSeconds: seconds });
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  session.disconnect();
  console.log(`${scenario}: ${Math.round(r.rps)} req/s, ${r.errors} errors ${r.firstError ?? ''}`);
  await app.close();
  await pool?.end();
} finally {
  await load.close();
  await engine.close();
  await db.close();
}

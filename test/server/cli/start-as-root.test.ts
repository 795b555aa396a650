/**
 * `npm start` as root with the data dir inside a 0700 folder (a clone in root's home):
 * PostgreSQL's OS user cannot enter it, so the cluster lives under STRATA_CLUSTER_ROOT
 * (/var/lib/strata by default), the data dir records where, and the data survives restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STRATA_BIN } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/free-port.ts';

const isRoot = process.getuid?.() === 0;
// mkdtemp makes the folder 0700, like root's home.
const home = mkdtempSync(path.join(tmpdir(), 'strata-root-home-'));
const dataDir = path.join(home, 'strata', '.strata');
// Beside the default /var/lib/strata, so the test leaves nothing there; same code path.
const clusterRoot = mkdtempSync(path.join(tmpdir(), 'strata-clusters-'));
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
  rmSync(clusterRoot, { recursive: true, force: true });
});

const env = { ...process.env, DATABASE_URL: '', STRATA_SKIP_STUDIO_BUILD: '1', STRATA_LOG: 'warn', STRATA_CLUSTER_ROOT: clusterRoot, STRATA_ADMIN_EMAIL: 'root@example.com', STRATA_ADMIN_PASSWORD: 'a fine admin passphrase' };

function waitFor(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${out}`)), ms);
    const on = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) { clearTimeout(timer); resolve(out); }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`strata start exited with ${code}: ${out}`)); });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

describe.skipIf(!isRoot)('strata start as root in a 0700 folder', () => {
  it('starts, keeps the cluster where PostgreSQL can reach it, and keeps the data across restarts', async () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    mkdirSync(path.dirname(dataDir), { recursive: true });
    const port = await freePort();
    server = spawn(process.execPath, [STRATA_BIN, 'start', '--port', String(port), '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = await waitFor(server, /Strata is running at/, 120_000);
    expect(out).toContain('pg-location');
    const pgDir = readFileSync(path.join(dataDir, 'pg-location'), 'utf8').trim();
    expect(pgDir.startsWith(clusterRoot)).toBe(true);
    expect(existsSync(path.join(pgDir, 'PG_VERSION'))).toBe(true);
    // The home stays closed: nothing was opened up to make it work.
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    // The CLI finds the same cluster through the data dir.
    const created = await runCli(['user', 'create', '--email', 'kept@example.com', '--password', 'a kept passphrase here', '--data-dir', dataDir], { DATABASE_URL: '', STRATA_CLUSTER_ROOT: clusterRoot });
    expect(created.code).toBe(0);
    await stop(server);

    server = spawn(process.execPath, [STRATA_BIN, 'start', '--port', String(port), '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const again = await waitFor(server, /Strata is running at/, 120_000);
    expect(again).not.toContain('Creating the embedded PostgreSQL database');
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kept@example.com', password: 'a kept passphrase here' }),
    });
    expect(login.status).toBe(200);
    await stop(server);
    server = undefined;
  }, 300_000);
});

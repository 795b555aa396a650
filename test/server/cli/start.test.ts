/**
 * `strata start` on a fresh machine: embedded PostgreSQL in the data dir, crm-core installed,
 * /health answers; a second command on the same data dir shares the running database; a
 * signal stops everything cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STRATA_BIN } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/free-port.ts';

const root = mkdtempSync(path.join(tmpdir(), 'strata-start-'));
chmodSync(root, 0o755);
const dataDir = path.join(root, 'data');
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

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
  });
}

describe('strata start on embedded PostgreSQL', () => {
  it('serves /health with crm-core installed, shares its database, and stops cleanly', async () => {
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: '', STRATA_SKIP_STUDIO_BUILD: '1', STRATA_ADMIN_EMAIL: 'boss@example.com', STRATA_ADMIN_PASSWORD: 'a fine admin passphrase' };
    server = spawn(process.execPath, [STRATA_BIN, 'start', '--port', String(port), '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = await waitFor(server, /Strata is running at/, 90_000);
    expect(out).toContain('Installed crm-core');
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    // The CLI, while the server runs, uses the same embedded PostgreSQL.
    const created = await runCli(['user', 'create', '--email', 'second@example.com', '--password', 'another long passphrase', '--data-dir', dataDir], { DATABASE_URL: '' });
    expect(created.code).toBe(0);
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'second@example.com', password: 'another long passphrase' }),
    });
    expect(login.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => server!.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 150_000);
});

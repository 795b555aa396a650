/**
 * A supervisor's immediate restart after a crash: `kill -9` of the server's whole process
 * group (as an OOM killer or a power cut would) in the middle of a bulk write, then `strata
 * start` again at once on the same data dir. It comes back, and the killed write is all or
 * nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { STRATA_BIN } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/free-port.ts';
import { openDatabase, runningPort } from '../../../runtime/db/connect.ts';

const root = mkdtempSync(path.join(tmpdir(), 'strata-crash-'));
chmodSync(root, 0o755);
const dataDir = path.join(root, 'data');
const children: ChildProcess[] = [];
const ADMIN = { email: 'boss@example.com', password: 'a fine admin passphrase' };
const RECORDS = 5_000;

afterAll(async () => {
  for (const c of children) killGroup(c, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 3000));
  for (const c of children) killGroup(c, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try { process.kill(-child.pid!, signal); } catch { /* gone already */ }
}

/** `strata start` in a process group of its own, as a supervisor runs it. */
function start(port: number): ChildProcess {
  const env = { ...process.env, DATABASE_URL: '', STRATA_SKIP_STUDIO_BUILD: '1', STRATA_LOG: 'warn', STRATA_ADMIN_EMAIL: ADMIN.email, STRATA_ADMIN_PASSWORD: ADMIN.password };
  const child = spawn(process.execPath, [STRATA_BIN, 'start', '--port', String(port), '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  return child;
}

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

async function signIn(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('kill -9 and an immediate restart', () => {
  it('comes back on the same data dir, and the killed bulk write left all or nothing', async () => {
    const port = await freePort();
    const first = start(port);
    await waitFor(first, /Strata is running at/, 120_000);
    const token = await signIn(port);

    const records = Array.from({ length: RECORDS }, (_, i) => ({ name: `crash ${i}` }));
    const write = fetch(`http://127.0.0.1:${port}/api/records/account/bulk`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operation: 'create', records }),
    }).then((r) => r.status, () => 'killed');
    // Mid-way: the write is under way on the server when the whole group dies.
    await new Promise((r) => setTimeout(r, 400));
    const exited = new Promise((r) => first.on('exit', r));
    killGroup(first, 'SIGKILL');
    await exited;
    expect(await write).toBe('killed');

    // Again at once, as a supervisor would.
    const second = start(port);
    await waitFor(second, /Strata is running at/, 120_000);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await signIn(port);

    const creds = JSON.parse(readFileSync(path.join(dataDir, 'pg-credentials.json'), 'utf8')) as { user: string; password: string };
    const pgPort = runningPort(path.join(dataDir, 'pg'));
    const knex = knexFactory({ client: 'pg', connection: `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${pgPort}/strata` });
    let n: number;
    try {
      [{ n }] = (await knex.raw("select count(*)::int as n from crm.account where name like 'crash %'")).rows as Array<{ n: number }>;
      expect([0, RECORDS]).toContain(n);
    } finally {
      await knex.destroy();
    }

    // Once more with no delay at all (no process start in between): the killed postmaster is
    // still a zombie for a moment, and its postmaster.pid must not be taken for a live server.
    const exited2 = new Promise((r) => second.on('exit', r));
    killGroup(second, 'SIGKILL');
    await exited2;
    const db = await openDatabase({ dataDir });
    try {
      expect(db.ownsServer).toBe(true);
      const [{ m }] = (await db.knex.raw("select count(*)::int as m from crm.account where name like 'crash %'")).rows as Array<{ m: number }>;
      expect(m).toBe(n);
    } finally {
      await db.close();
    }
  }, 300_000);
});

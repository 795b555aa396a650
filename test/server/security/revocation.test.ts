/**
 * Sessions and keys are cached in each server process, yet a revocation made through one
 * process is refused by every other on the very next request: two real `strata start`
 * processes on one database, the token used on both, then signed out, deactivated, demoted,
 * its password changed, its key revoked through the first — the second refuses at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATA_BIN } from '../../helpers/cli.ts';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';

const ADMIN = { email: 'boss@example.com', password: 'a fine admin passphrase' };
const PASSWORD = 'a long user passphrase';

interface Server { child: ChildProcess; base: string }

let db: TestDatabase;
const servers: Server[] = [];

function startServer(url: string): Promise<Server> {
  const env = { ...process.env, DATABASE_URL: url, STRATA_SKIP_STUDIO_BUILD: '1', STRATA_ADMIN_EMAIL: ADMIN.email, STRATA_ADMIN_PASSWORD: ADMIN.password, STRATA_LOG: '' };
  const child = spawn(process.execPath, [STRATA_BIN, 'start', '--port', '0', '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`strata start did not come up: ${out}`)), 90_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /Strata is running at (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`strata start exited with ${code}: ${out}`)); });
  });
}

async function call(server: Server, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function login(server: Server, email: string, password: string): Promise<string> {
  const res = await call(server, 'POST', '/api/auth/login', undefined, { email, password });
  expect(res.status).toBe(200);
  return (res.json as { token: string }).token;
}

let a: Server;
let b: Server;
let adminToken: string;

async function newUser(email: string, role: string): Promise<{ id: string; token: string }> {
  const made = await call(a, 'POST', '/api/users', adminToken, { email, password: PASSWORD, role });
  expect(made.status).toBe(201);
  return { id: (made.json as { id: string }).id, token: await login(a, email, PASSWORD) };
}

/** Used on both processes, twice: from then on the second answers from its cache. */
async function useOnBoth(token: string, path = '/api/auth/me'): Promise<void> {
  for (const s of [a, b, b]) expect((await call(s, 'GET', path, token)).status).toBe(200);
}

beforeAll(async () => {
  db = await freshDatabase();
  // One after the other: the first installs crm-core and the first admin.
  a = await startServer(db.url);
  servers.push(a);
  b = await startServer(db.url);
  servers.push(b);
  adminToken = await login(a, ADMIN.email, ADMIN.password);
}, 200_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  })));
  await db?.drop();
}, 60_000);

describe('a revocation through one server process reaches the other on the next request', () => {
  it('sign-out', async () => {
    const token = await login(a, ADMIN.email, ADMIN.password);
    await useOnBoth(token);
    expect((await call(a, 'POST', '/api/auth/logout', token)).status).toBe(204);
    expect((await call(b, 'GET', '/api/auth/me', token)).status).toBe(401);
    expect((await call(a, 'GET', '/api/auth/me', token)).status).toBe(401);
  });

  it('deactivation', async () => {
    const rep = await newUser('leaving@example.com', 'sales_rep');
    await useOnBoth(rep.token);
    expect((await call(a, 'PATCH', `/api/users/${rep.id}`, adminToken, { active: false })).status).toBe(200);
    expect((await call(b, 'GET', '/api/auth/me', rep.token)).status).toBe(401);
  });

  it('a password change', async () => {
    const rep = await newUser('rotated@example.com', 'sales_rep');
    await useOnBoth(rep.token);
    expect((await call(a, 'PATCH', `/api/users/${rep.id}`, adminToken, { password: 'another long passphrase' })).status).toBe(200);
    expect((await call(b, 'GET', '/api/auth/me', rep.token)).status).toBe(401);
  });

  it('a role change, both ways', async () => {
    const user = await newUser('promoted@example.com', 'sales_rep');
    await useOnBoth(user.token);
    expect((await call(b, 'GET', '/api/users', user.token)).status).toBe(403);
    expect((await call(a, 'PATCH', `/api/users/${user.id}`, adminToken, { roles: ['admin'] })).status).toBe(200);
    expect((await call(b, 'GET', '/api/users', user.token)).status).toBe(200);
    expect((await call(b, 'GET', '/api/users', user.token)).status).toBe(200);
    expect((await call(a, 'PATCH', `/api/users/${user.id}`, adminToken, { roles: ['sales_rep'] })).status).toBe(200);
    expect((await call(b, 'GET', '/api/users', user.token)).status).toBe(403);
    expect((await call(b, 'GET', '/api/auth/me', user.token)).json).toMatchObject({ roles: ['sales_rep'] });
  });

  it('an API key revoked', async () => {
    const made = await call(a, 'POST', '/api/auth/api-keys', adminToken, { name: 'script' });
    expect(made.status).toBe(201);
    const { id, key } = made.json as { id: string; key: string };
    await useOnBoth(key, '/api/records/account');
    expect((await call(a, 'DELETE', `/api/auth/api-keys/${id}`, adminToken)).status).toBe(204);
    expect((await call(b, 'GET', '/api/records/account', key)).status).toBe(401);
  });
});

/**
 * Hostile input gets a precise 4xx problem with the path of the offending value, never a 500:
 * NUL characters anywhere, fields named after PostgreSQL's system columns, a bundle far too
 * large, and requests Node itself refuses (431, 414).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

interface ProblemBody { status: number; detail: string; errors?: Array<{ field: string; code: string }> }

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, field?: string): ProblemBody {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json() as ProblemBody;
  if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
  return body;
}

describe('a NUL character (\\u0000)', () => {
  it('in the sign-in email, without signing in: 400 naming email', async () => {
    const res = await t.api('POST', '/api/auth/login', { email: 'admin@example.com\u0000', password: 'x' }, { token: null });
    expectProblem(res, 400, 'email');
  });

  it("in an API key's name: 400 naming name, and no key is made", async () => {
    const before = (await t.api('GET', '/api/auth/api-keys')).json() as unknown[];
    const res = await t.api('POST', '/api/auth/api-keys', { name: 'ci\u0000key' });
    expectProblem(res, 400, 'name');
    expect((await t.api('GET', '/api/auth/api-keys')).json()).toHaveLength(before.length);
  });

  it("in a user's email, name or manager: 400 naming each", async () => {
    const create = await t.api('POST', '/api/users', { email: 'nul\u0000@example.com', password: 'a long enough passphrase', name: 'N\u0000', role: 'sales_rep' });
    const body = expectProblem(create, 400, 'email');
    expect(body.errors!.map((e) => e.field)).toContain('name');
    const users = (await t.api('GET', '/api/users')).json() as Array<{ id: string; email: string }>;
    const admin = users.find((u) => u.email === 'admin@example.com')!;
    expectProblem(await t.api('PATCH', `/api/users/${admin.id}`, { manager: `${admin.id}\u0000` }), 400, 'manager');
    expectProblem(await t.api('PATCH', `/api/users/${admin.id}`, { name: 'Ad\u0000min' }), 400, 'name');
  });

  it('in metadata labels: the dry run and the deploy both refuse it with its path', async () => {
    const bundle = { package: { name: 'nul_pkg', version: '1.0.0' }, objects: [{ name: 'gadget', label: 'Gad\u0000get', fields: [{ name: 'size', type: 'text', label: 'Si\u0000ze' }] }] };
    const dry = expectProblem(await t.api('POST', '/api/metadata/deploy?dryRun=true', bundle), 400, 'objects.0.label');
    expect(dry.errors!.map((e) => e.field)).toContain('objects.0.fields.0.label');
    expectProblem(await t.api('POST', '/api/metadata/deploy', bundle), 400, 'objects.0.label');
    expect((await t.api('GET', '/api/metadata/objects/gadget')).statusCode).toBe(404);
  });

  it('in a record, a query parameter, a path parameter or an object key', async () => {
    expectProblem(await t.api('POST', '/api/records/account', { name: 'Acme\u0000' }), 400, 'name');
    expectProblem(await t.api('POST', '/api/records/account', { name: 'Acme', ['x\u0000']: 1 }), 400, 'x\\u0000');
    expectProblem(await t.api('GET', '/api/records/account?q=a%00b'), 400, 'query.q');
    expectProblem(await t.api('GET', '/api/records/account/%00'), 400, 'params.id');
  });
});

describe('fields named after PostgreSQL system columns', () => {
  it.each(['xmin', 'xmax', 'cmin', 'cmax', 'ctid', 'tableoid', 'oid'])('%s is refused at validation with its path', async (name) => {
    const bundle = { package: { name: 'syscol', version: '1.0.0' }, objects: [{ name: 'widget', label: 'Widget', fields: [{ name: 'title', type: 'text' }, { name, type: 'text' }] }] };
    const res = await t.api('POST', '/api/metadata/deploy?dryRun=true', bundle);
    const body = expectProblem(res, 400);
    expect(body.errors).toContainEqual(expect.objectContaining({ field: '/objects/0/fields/1/name', code: 'reserved_name' }));
    expectProblem(await t.api('POST', '/api/metadata/deploy', bundle), 400);
  });
});

describe('a bundle of 10,000 objects', () => {
  it('is refused with the limit and the path of the list, and nothing is deployed', async () => {
    const objects = Array.from({ length: 10_000 }, (_, i) => ({ name: `o${i}`, label: `O${i}`, fields: [{ name: 'title', type: 'text' }] }));
    const res = await t.api('POST', '/api/metadata/deploy', { package: { name: 'huge', version: '1.0.0' }, objects });
    const body = expectProblem(res, 400);
    expect(body.errors).toContainEqual(expect.objectContaining({ field: '/objects', code: 'too_many' }));
    expect((await t.api('GET', '/api/metadata/objects/o1')).statusCode).toBe(404);
  }, 60_000);

  it('a single object with thousands of fields is refused at /objects/0/fields', async () => {
    const fields = Array.from({ length: 2_000 }, (_, i) => ({ name: `f${i}`, type: 'text' }));
    const res = await t.api('POST', '/api/metadata/deploy?dryRun=true', { package: { name: 'wide', version: '1.0.0' }, objects: [{ name: 'wide', label: 'Wide', fields }] });
    const body = expectProblem(res, 400);
    expect(body.errors).toContainEqual(expect.objectContaining({ field: '/objects/0/fields', code: 'too_many' }));
  });
});

describe('requests Node refuses before a route runs', () => {
  let base: { port: number };
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = { port: (t.app.server.address() as AddressInfo).port };
  });

  function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: base.port, path, headers }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('headers too large: 431 as problem+json', async () => {
    const res = await raw('/api/auth/me', { 'x-filler': 'a'.repeat(40_000) });
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({ status: 431, type: 'https://strata.dev/problems/headers_too_large' });
  });

  it('a path segment too long: 414 as problem+json naming the path', async () => {
    const res = await raw(`/api/records/account/${'a'.repeat(500)}`);
    expect(res.status).toBe(414);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({ status: 414, errors: [{ field: 'path', code: 'too_long' }] });
  });

  it('a URL that is not validly encoded: 400 as problem+json', async () => {
    const res = await raw('/api/records/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
  });
});

/**
 * The OWASP API Security Top 10 (2023) items that apply to Strata today:
 * API1 object-level authorization (the same request with another user's id), API2 broken
 * authentication (see auth.test.ts; here: path tricks), API3 object property level
 * authorization (mass assignment of system, computed and hidden fields; internal columns never
 * exposed), API4 resource consumption (body size, limits, nesting), API5 function-level
 * authorization (a rep calling admin routes, method and path tricks), API8 misconfiguration
 * (CORS, stack traces, methods), and "never a 500 for bad input".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { create, json, makeUsers, PASSWORD, problem, q, type Rec, type TestUser } from './helpers.ts';

let t: TestApp;
let u: Record<'a' | 'b', TestUser>;
let account: Rec;
let oppB: Rec;
let leadB: Rec;
let noteB: Rec;
let keyB: { id: string; key: string };

beforeAll(async () => {
  t = await startTestApp();
  u = await makeUsers(t, {
    a: { email: 'attacker@example.com', role: 'sales_rep' },
    b: { email: 'victim@example.com', role: 'sales_rep' },
  });
  account = await create(t, 'account', { name: 'Shared account' });
  oppB = await create(t, 'opportunity', { name: 'Victim secret deal', account: account.id, amount: 777 }, u.b.token);
  leadB = await create(t, 'lead', { last_name: 'Victim lead', email: 'lead@victim.test' }, u.b.token);
  noteB = await create(t, 'note', { title: 'Victim note', opportunity: oppB.id }, u.b.token);
  keyB = json(await t.api('POST', '/api/auth/api-keys', { name: 'victim key' }, { token: u.b.token }), 201);
});
afterAll(async () => { await t?.close(); });

const asA = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => t.api(method, url, body, { token: u.a.token, headers });

describe('API1: object-level authorization — the same request with another user\'s id', () => {
  it('every record route answers 404 and gives nothing away', async () => {
    const requests: Array<[string, string, unknown?]> = [
      ['GET', `/api/records/opportunity/${oppB.id}`],
      ['GET', `/api/records/opportunity/${oppB.id}?expand=account`],
      ['PATCH', `/api/records/opportunity/${oppB.id}`, { name: 'pwned' }],
      ['DELETE', `/api/records/note/${noteB.id}`],
      ['POST', `/api/records/note/${noteB.id}/restore`],
      ['GET', `/api/records/opportunity/${oppB.id}/history`],
      ['GET', `/api/records/lead/${leadB.id}`],
      ['POST', `/api/records/lead/${leadB.id}/convert`, {}],
    ];
    for (const [method, url, body] of requests) {
      const res = await asA(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      problem(res);
      expect(res.body).not.toMatch(/Victim|777/);
    }
  });

  it('lists, filters by the other\'s id, and bulk writes by id do not reach it either', async () => {
    const list = await asA('GET', `/api/records/opportunity?filter=${q({ id: oppB.id })}`);
    expect(json<{ data: Rec[] }>(list, 200).data).toEqual([]);
    const bulk = json<{ results: Array<{ status: string; error?: { status: number } }> }>(await asA('POST', '/api/records/opportunity/bulk', { operation: 'update', records: [{ id: oppB.id, name: 'pwned' }] }), 200);
    expect(bulk.results[0]).toMatchObject({ status: 'error', error: { status: 404 } });
    const del = json<{ results: Array<{ status: string; error?: { status: number } }> }>(await asA('POST', '/api/records/lead/bulk', { operation: 'delete', records: [{ id: leadB.id }] }), 200);
    expect(del.results[0]).toMatchObject({ status: 'error', error: { status: 404 } });
    // Untouched.
    expect(json<Rec>(await t.api('GET', `/api/records/opportunity/${oppB.id}`, undefined, { token: u.b.token }), 200).name).toBe('Victim secret deal');
    expect((await t.api('GET', `/api/records/lead/${leadB.id}`, undefined, { token: u.b.token })).statusCode).toBe(200);
  });

  it("another user's API key, user record and sessions are out of reach", async () => {
    expect((await asA('DELETE', `/api/auth/api-keys/${keyB.id}`)).statusCode).toBe(404);
    expect((await asA('PATCH', `/api/users/${u.b.id}`, { password: 'attacker chosen passphrase' })).statusCode).toBe(403);
    expect((await asA('PATCH', `/api/users/${u.b.id}`, { active: false })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/auth/me', undefined, { token: keyB.key })).statusCode).toBe(200);
    expect((await t.api('GET', '/api/auth/me', undefined, { token: u.b.token })).statusCode).toBe(200);
  });
});

describe('API2: authentication cannot be side-stepped by the shape of the path', () => {
  it('percent-encoded, trailing-slash and dot-segment paths still need credentials', async () => {
    for (const url of ['/%61pi/records/account', '/api/%72ecords/account', '/api/users/', '/x/../api/users', `/api/records/account?x=${encodeURIComponent('/../health')}`]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('the CSRF check holds on an encoded path too', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/%61pi/records/lead', payload: { last_name: 'Csrf', phone: '555-0100' },
      headers: { cookie: `strata_session=${u.a.token}`, origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('API3: object property level authorization', () => {
  it('system fields cannot be set on create or update (400), and nothing is written', async () => {
    for (const [field, value] of [
      ['id', '00000000-0000-4000-8000-0000000000aa'], ['createdAt', '2000-01-01T00:00:00Z'], ['createdBy', u.b.id],
      ['updatedAt', '2000-01-01T00:00:00Z'], ['updatedBy', u.b.id], ['version', 99], ['_deletedAt', '2000-01-01T00:00:00Z'], ['_deletedBy', u.b.id],
    ] as Array<[string, unknown]>) {
      const res = await asA('POST', '/api/records/lead', { last_name: `Mass ${field}`, phone: '555-0100', [field]: value });
      expect(res.statusCode, field).toBe(400);
      expect(problem(res).errors?.map((e) => e.field)).toContain(field);
    }
    const { rows } = await t.db.knex.raw(`SELECT count(*)::int AS n FROM crm.lead WHERE last_name LIKE 'Mass %'`);
    expect(rows[0].n).toBe(0);
    const mine = await create(t, 'lead', { last_name: 'Mine', phone: '555-0100' }, u.a.token);
    for (const body of [{ version: 42 }, { createdBy: u.b.id }, { id: oppB.id }, { _deletedAt: '2000-01-01T00:00:00Z' }]) {
      expect((await asA('PATCH', `/api/records/lead/${mine.id}`, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(json<Rec>(await asA('GET', `/api/records/lead/${mine.id}`), 200)).toMatchObject({ version: mine.version, createdBy: u.a.id });
  });

  it('computed fields (formula, rollup, autonumber) cannot be set', async () => {
    for (const [object, body] of [
      ['opportunity', { name: 'x', account: account.id, net_amount: 1 }],
      ['account', { name: 'x', order_count: 5 }],
      ['case', { subject: 'x', case_number: 'C-1' }],
      ['lead', { last_name: 'x', phone: '555-0100', full_name: 'Forged Name' }],
    ] as Array<[string, Record<string, unknown>]>) {
      const res = await t.api('POST', `/api/records/${object}`, body);
      expect(res.statusCode, object).toBe(400);
      expect(problem(res).errors?.[0]?.code).toBe('read_only');
    }
  });

  it('bulk create refuses system fields per record', async () => {
    const res = json<{ results: Array<{ status: string; error?: { status: number } }> }>(await asA('POST', '/api/records/lead/bulk', { operation: 'create', records: [{ last_name: 'Bulk', phone: '555-0100', createdBy: u.b.id }] }), 200);
    expect(res.results[0]).toMatchObject({ status: 'error', error: { status: 400 } });
  });

  it('internal columns never leave the server', async () => {
    const doomed = await create(t, 'lead', { last_name: 'Doomed', phone: '555-0100' }, u.a.token);
    expect((await asA('DELETE', `/api/records/lead/${doomed.id}`)).statusCode).toBe(204);
    const restored = await asA('POST', `/api/records/lead/${doomed.id}/restore`);
    const list = await asA('GET', '/api/records/lead');
    for (const res of [restored, list]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/_deleted|password|token_hash/);
    }
  });

  // KNOWN BUG (runtime/records/steps.ts, reported): ownerId is checked with /^[0-9a-f-]{36}$/,
  // so 36 dashes pass and PostgreSQL's uuid cast fails: a 500 for bad input.
  it('a malformed ownerId is a 400, not a 500', async () => {
    const res = await t.api('POST', '/api/records/account', { name: 'x', ownerId: '-'.repeat(36) });
    expect(res.statusCode).toBe(400);
  });
});

describe('API4: unrestricted resource consumption', () => {
  it('bodies over 1 MiB are 413, signed in or not', async () => {
    const big = 'y'.repeat(1024 * 1024 + 1);
    const rec = await asA('POST', '/api/records/lead', { last_name: 'Big', phone: '555-0100', description: big });
    expect(rec.statusCode).toBe(413);
    problem(rec);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x@example.com', password: big }, headers: { 'x-forwarded-for': '10.254.0.1' } });
    expect(login.statusCode).toBe(413);
  });

  it('list sizes, search terms, nesting and expand are bounded (400)', async () => {
    for (const query of [
      'limit=201', 'limit=100000', 'limit=-1',
      `q=${'a'.repeat(201)}`, `q=${q(Array(9).fill('word').join(' '))}`,
      `filter=${q('{"not":'.repeat(40) + '{}' + '}'.repeat(40))}`,
      `filter=${q({ or: Array(5000).fill({ last_name: 'x' }) })}`,
      `expand=${Array(21).fill('campaign').join(',')}`,
    ]) {
      const res = await asA('GET', `/api/records/lead?${query}`);
      expect(res.statusCode, query.slice(0, 60)).toBe(400);
      problem(res);
    }
  });

  it('a deeply nested JSON body is a 400', async () => {
    const deep = `{"last_name": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const res = await asA('POST', '/api/records/lead', deep);
    expect(res.statusCode).toBe(400);
  });

  it('bulk requests are capped at 10,000 records', async () => {
    const res = await asA('POST', '/api/records/lead/bulk', { operation: 'create', records: Array(10_001).fill({ last_name: 'x' }) });
    expect(res.statusCode).toBe(400);
  });
});

describe('API5: function-level authorization — a rep calling admin routes', () => {
  it('is refused (403) and changes nothing', async () => {
    const before = json<{ objects: Array<{ name: string }> }>(await t.api('GET', '/api/metadata'), 200).objects.length;
    const deploy = await asA('POST', '/api/metadata/deploy', { package: { name: 'evil', version: '1.0.0' }, objects: [{ name: 'evil_thing', fields: [{ name: 'x', type: 'text' }] }] });
    expect(deploy.statusCode).toBe(403);
    expect(json<{ objects: unknown[] }>(await t.api('GET', '/api/metadata'), 200).objects.length).toBe(before);
    const mkAdmin = await asA('POST', '/api/users', { email: 'evil@example.com', password: PASSWORD, role: 'admin' });
    expect(mkAdmin.statusCode).toBe(403);
    expect(json<Array<{ email: string }>>(await t.api('GET', '/api/users'), 200).map((x) => x.email)).not.toContain('evil@example.com');
    expect((await asA('PATCH', `/api/users/${u.a.id}`, { role: 'admin' })).statusCode).toBe(403);
    for (const [method, url] of [['GET', '/api/metadata/export'], ['GET', '/api/metadata/recycle-bin'], ['GET', '/api/audit'], ['GET', '/api/users']]) {
      const res = await asA(method, url);
      expect(res.statusCode, url).toBe(403);
      problem(res);
    }
  });

  it('other methods and spellings of the path do not get around it', async () => {
    expect((await asA('HEAD', '/api/audit')).statusCode).toBe(403);
    const slash = await asA('GET', '/api/users/');
    expect([403, 404]).toContain(slash.statusCode);
    expect(slash.body).not.toContain('victim@example.com');
    expect((await asA('GET', '/%61pi/users')).statusCode).toBe(403);
    expect((await asA('GET', '/api/users', undefined, { 'x-http-method-override': 'POST', 'x-original-url': '/api/auth/me' })).statusCode).toBe(403);
    const upper = await asA('GET', '/API/users');
    expect(upper.body).not.toContain('attacker@example.com');
    const put = await asA('PUT', '/api/users');
    expect([404, 405]).toContain(put.statusCode);
  });
});

describe('API8: security misconfiguration', () => {
  it('no CORS grant to a foreign origin, on requests or preflights', async () => {
    const res = await asA('GET', '/api/auth/me', undefined, { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/api/records/lead', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('TRACE is not served; unknown /api routes are problem+json', async () => {
    const trace = await t.app.inject({ method: 'TRACE' as 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${u.a.token}` } });
    expect(trace.statusCode).toBeGreaterThanOrEqual(400);
    expect(trace.body).not.toContain(u.a.token);
    const unknown = await asA('GET', '/api/no-such-thing');
    expect(unknown.statusCode).toBe(404);
    problem(unknown);
  });
});

describe('never a 500 for bad input', () => {
  it('garbage ids, parameters and bodies get a 4xx problem, never a stack trace', async () => {
    const ids = ['-'.repeat(36), 'f'.repeat(36), "' OR 1=1 --", '%00', '..%2f..%2fetc%2fpasswd', 'ä'.repeat(10), '1'.repeat(1000)];
    const requests: Array<[string, string, unknown?]> = [];
    for (const id of ids) {
      const e = encodeURIComponent(id);
      requests.push(['GET', `/api/records/lead/${e}`], ['PATCH', `/api/records/lead/${e}`, { last_name: 'x' }], ['DELETE', `/api/records/lead/${e}`],
        ['POST', `/api/records/lead/${e}/restore`], ['GET', `/api/records/lead/${e}/history`], ['POST', `/api/records/lead/${e}/convert`, {}],
        ['GET', `/api/records/${e}`], ['DELETE', `/api/auth/api-keys/${e}`], ['GET', `/api/metadata/objects/${e}`]);
    }
    requests.push(
      ['GET', `/api/records/lead?sort=${q('last_name;drop table x')}`], ['GET', `/api/records/lead?filter=${q({ last_name: { regex: '.*' } })}`],
      ['GET', `/api/records/lead?filter=${q({ ownerId: 'not-a-uuid' })}`], ['GET', '/api/records/lead?cursor=garbage'],
      ['GET', `/api/records/lead?fields=${q('id,(select 1)')}`], ['GET', '/api/records/lead?limit=1e2'],
      ['POST', '/api/records/lead', '[]'], ['POST', '/api/records/lead', 'null'], ['POST', '/api/records/lead', '"x"'], ['POST', '/api/records/lead', '{"last_name":'],
      ['POST', '/api/records/lead', { last_name: { $gt: '' }, phone: ['555'] }], ['POST', '/api/records/task', { subject: 'x', opportunity: 'not-a-uuid' }],
      ['POST', '/api/auth/api-keys', '[]'], ['POST', '/api/auth/mfa/enable', { totp: { $ne: null } }],
      ['PATCH', `/api/records/lead/${leadB.id}`, { last_name: 'x' }],
    );
    for (const [method, url, body] of requests) {
      const res = await asA(method, url, body);
      expect(res.statusCode, `${method} ${url.slice(0, 80)} → ${res.body.slice(0, 120)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url.slice(0, 80)} → ${res.body.slice(0, 120)}`).toBeLessThan(500);
      expect(res.body).not.toMatch(/\n\s+at |node_modules|syntax error at/);
    }
  });
});

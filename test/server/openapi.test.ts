import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.ts';
import type { OpenApiDocument } from '../../runtime/openapi/document.ts';
import { createUser } from '../../runtime/security/users.ts';
import { openApiProblems, responseValidator, schemaValidator } from '../runtime/openapi/check.ts';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t?.close(); });

async function fetchDoc(): Promise<OpenApiDocument> {
  const res = await t.api('GET', '/api/openapi.json');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/json');
  return res.json() as OpenApiDocument;
}

describe('GET /api/openapi.json', () => {
  it('needs credentials like every /api route', async () => {
    const res = await t.api('GET', '/api/openapi.json', undefined, { token: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('is a valid OpenAPI 3.1 document with paths for every deployed object', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(openApiProblems(doc)).toEqual([]);
    const objects = t.engine.registry.current.objects;
    expect(objects.length).toBeGreaterThanOrEqual(12);
    for (const o of objects) {
      expect(doc.paths[`/api/records/${o.name}`]?.get, o.name).toBeDefined();
      expect(doc.paths[`/api/records/${o.name}/{id}`]?.patch, o.name).toBeDefined();
    }
  });

  it('describes what the API really answers (records, pages, problems, inputs)', async () => {
    const doc = await fetchDoc();
    const validate = schemaValidator(doc);
    const input = { name: 'Schema Co', industry: 'retail', annual_revenue: 1200.5 };
    expect(validate('AccountInput', input)).toEqual([]);
    const created = await t.api('POST', '/api/records/account', input);
    expect(created.statusCode).toBe(201);
    expect(validate('Account', created.json())).toEqual([]);

    const opp = await t.api('POST', '/api/records/opportunity', { name: 'Deal', account: created.json().id, amount: 100 });
    expect(opp.statusCode).toBe(201);
    expect(validate('Opportunity', opp.json())).toEqual([]);
    const got = await t.api('GET', `/api/records/opportunity/${opp.json().id}?expand=account`);
    expect(validate('Opportunity', got.json())).toEqual([]);
    expect(got.headers.etag).toBe(`"${got.json().version}"`);

    const page = await t.api('GET', '/api/records/account?limit=1');
    expect(validate('AccountList', page.json())).toEqual([]);

    const problem = await t.api('POST', '/api/records/account', { bogus: true });
    expect(problem.statusCode).toBe(400);
    expect(validate('Problem', problem.json())).toEqual([]);
    expect(validate('AccountInput', { bogus: true })).not.toEqual([]);
  });

  it('describes what the platform routes really answer (the shapes the studio\'s types are generated from)', async () => {
    const doc = await fetchDoc();
    const validate = responseValidator(doc);
    const expectValid = async (method: string, url: string, path: string, body?: unknown) => {
      const res = await t.api(method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(300);
      expect(validate(method, path, res.statusCode, res.json()), `${method} ${url}`).toEqual([]);
      return res.json();
    };
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, headers: { 'x-forwarded-for': '127.9.9.9' } });
    expect(validate('POST', '/api/auth/login', login.statusCode, login.json())).toEqual([]);

    const me = await expectValid('GET', '/api/auth/me', '/api/auth/me');
    expect(me.abilities).toEqual(expect.arrayContaining(['studio']));
    await expectValid('GET', '/api/users', '/api/users');
    const meta = await expectValid('GET', '/api/metadata', '/api/metadata');
    expect(meta.packages.length).toBeGreaterThan(0);

    const account = await expectValid('POST', '/api/records/account', '/api/records/account', { name: 'History Co' });
    await expectValid('PATCH', `/api/records/account/${account.id}`, '/api/records/account/{id}', { name: 'History Co Renamed' });
    await expectValid('GET', '/api/records/account?limit=2', '/api/records/account');
    const history = await expectValid('GET', `/api/records/account/${account.id}/history`, '/api/records/account/{id}/history');
    expect(history.length).toBeGreaterThan(0);

    const bundle = { package: { name: 'dry_run_shapes', version: '1.0.0' }, objects: [{ name: 'widget', label: 'Widget', fields: [{ name: 'name', type: 'text' }] }] };
    const dry = await expectValid('POST', '/api/metadata/deploy?dryRun=true', '/api/metadata/deploy', bundle);
    expect(dry).toMatchObject({ applied: false, dryRun: true });
    expect(dry.plan.length).toBeGreaterThan(0);

    const problem = await t.api('GET', '/api/records/account/00000000-0000-4000-8000-000000000000');
    expect(problem.statusCode).toBe(404);
    expect(validate('GET', '/api/records/account/{id}', 404, problem.json())).toEqual([]);
  });

  it('is tailored to the caller\'s roles: hidden fields are absent, read-only ones not writable', async () => {
    const knownRoles = ['admin', ...t.engine.registry.current.roles.map((r) => r.name)];
    await createUser(t.engine.knex, { email: 'rep.openapi@example.com', password: 'a long openapi passphrase', role: 'sales_rep' }, knownRoles);
    const token = await t.login('rep.openapi@example.com', 'a long openapi passphrase');
    const res = await t.api('GET', '/api/openapi.json', undefined, { token });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as OpenApiDocument;
    expect(openApiProblems(doc)).toEqual([]);
    // crm-core's sales_rep: contact.birthdate none, account.annual_revenue read, products read-only
    expect(doc.components.schemas.Contact.properties?.birthdate).toBeUndefined();
    expect(doc.components.schemas.ContactInput.properties?.birthdate).toBeUndefined();
    expect(doc.components.schemas.Account.properties?.annual_revenue).toMatchObject({ readOnly: true });
    expect(doc.components.schemas.AccountInput.properties?.annual_revenue).toBeUndefined();
    expect(doc.paths['/api/records/product']?.get).toBeDefined();
    expect(doc.paths['/api/records/product']?.post).toBeUndefined();
    expect(doc.paths['/api/records/account']?.post).toBeDefined();
    // the admin's document is another one
    const admin = (await fetchDoc()) as OpenApiDocument;
    expect(admin.components.schemas.Contact.properties?.birthdate).toBeDefined();
    expect(res.headers.etag).not.toBe((await t.api('GET', '/api/openapi.json')).headers.etag);
  });

  it('is regenerated when a deploy changes the metadata', async () => {
    const before = await t.api('GET', '/api/openapi.json');
    const etag = before.headers.etag as string;
    expect((await t.api('GET', '/api/openapi.json', undefined, { headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect(before.json().paths['/api/records/gadget']).toBeUndefined();
    const result = await t.engine.deploy({
      package: { name: 'gadgets', version: '1.0.0' },
      objects: [{ name: 'gadget', label: 'Gadget', fields: [{ name: 'name', type: 'text', required: true }, { name: 'secret_code', type: 'text' }] }],
    });
    expect(result.applied).toBe(true);
    const after = await t.api('GET', '/api/openapi.json');
    expect(after.headers.etag).not.toBe(etag);
    const doc = after.json() as OpenApiDocument;
    expect(doc.paths['/api/records/gadget']?.post).toBeDefined();
    expect(doc.components.schemas.GadgetInput.required).toEqual(['name']);
    expect(openApiProblems(doc)).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('serves the interactive reference, offline: every script and style from this server', async () => {
    for (const url of ['/docs', '/docs/']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      const html = res.body;
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThanOrEqual(4);
      for (const a of assets) {
        expect(a, 'no CDN').toMatch(/^\/docs\//);
        const asset = await t.app.inject({ method: 'GET', url: a });
        expect(asset.statusCode, a).toBe(200);
      }
      expect(html).toContain('<label for="strata-email">Email</label>');
      expect(html).not.toMatch(/<script>[^<]/); // no inline script: works under the CSP
    }
    const bundle = await t.app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.headers['content-type']).toContain('javascript');
    expect(bundle.body.length).toBeGreaterThan(100_000);
    const init = await t.app.inject({ method: 'GET', url: '/docs/strata-docs.js' });
    expect(init.body).toContain('"/api/openapi.json"');
    expect(init.body).toContain("credentials = 'include'");
    expect(init.body).toContain('validatorUrl: null'); // no call to an online validator
  });

  it('serves only the files the page needs', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/docs/index.html' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/docs/package.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/docs/../package.json' })).statusCode).toBe(404);
  });
});

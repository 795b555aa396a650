/**
 * POST /api/metadata/archive: a package folder uploaded as .zip or .tar.gz comes back as a
 * bundle, ready for the usual dry run → deploy; broken, foreign, oversized or unauthorized
 * uploads get the matching problem+json.
 */
import { gzipSync, strToU8, zipSync } from 'fflate';
import { createTar } from 'nanotar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../metadata/types.ts';
import type { OpenApiDocument } from '../../runtime/openapi/document.ts';
import { createUser } from '../../runtime/security/users.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { openApiProblems } from '../runtime/openapi/check.ts';

let t: TestApp;
let repToken: string;
beforeAll(async () => {
  t = await startTestApp();
  const knownRoles = ['admin', ...t.engine.registry.current.roles.map((r) => r.name)];
  await createUser(t.engine.knex, { email: 'rep.archive@example.com', password: 'a long archive passphrase', role: 'sales_rep' }, knownRoles);
  repToken = await t.login('rep.archive@example.com', 'a long archive passphrase');
});
afterAll(async () => { await t?.close(); });

const vehicle = { name: 'vehicle', label: 'Vehicle', nameField: 'plate', fields: [{ name: 'plate', type: 'text', required: true }, { name: 'seats', type: 'integer' }] };
/** The fleet package folder, packed under its own top folder as archiving tools do. */
const fleet = (objectFile = JSON.stringify(vehicle)): Record<string, Uint8Array> => ({
  'fleet/strata-package.json': strToU8(JSON.stringify({ name: 'fleet', version: '1.0.0', label: 'Fleet' })),
  'fleet/objects/vehicle.json': strToU8(objectFile),
});

const upload = (bytes: Uint8Array, contentType = 'application/zip', token?: string | null) =>
  t.app.inject({
    method: 'POST', url: '/api/metadata/archive', payload: Buffer.from(bytes),
    headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: `Bearer ${token ?? t.adminToken}` }) },
  });

describe('POST /api/metadata/archive', () => {
  it('answers a zip of a package folder with its bundle, whose dry run shows the plan', async () => {
    const res = await upload(zipSync(fleet()));
    expect(res.statusCode, res.body).toBe(200);
    const bundle = res.json() as PackageBundle;
    expect(bundle.package).toEqual({ name: 'fleet', version: '1.0.0', label: 'Fleet' });
    expect((bundle.objects ?? []).map((o) => o.name)).toEqual(['vehicle']);

    const dry = await t.api('POST', '/api/metadata/deploy?dryRun=true', bundle);
    expect(dry.statusCode, dry.body).toBe(200);
    const result = dry.json() as { applied: boolean; plan: Array<{ kind: string; description: string }> };
    expect(result.applied).toBe(false);
    expect(result.plan.map((s) => s.description)).toContain('creates object vehicle with 2 fields');
    expect(t.engine.registry.current.objects.some((o) => o.name === 'vehicle')).toBe(false);
  });

  it('takes a .tar.gz as application/gzip and as application/octet-stream', async () => {
    const tgz = gzipSync(createTar(Object.entries(fleet()).map(([name, data]) => ({ name, data }))));
    for (const type of ['application/gzip', 'application/x-gzip', 'application/octet-stream']) {
      const res = await upload(tgz, type);
      expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
      expect((res.json() as PackageBundle).package.name).toBe('fleet');
    }
  });

  it('answers garbage with a 400 problem', async () => {
    const res = await upload(strToU8('this is not an archive at all'.repeat(40)));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, type: expect.stringContaining('invalid_package') });
    expect(problem.errors).toEqual([{ field: '', code: 'not_an_archive', message: expect.any(String) }]);
    expect(res.body).not.toMatch(/\n\s+at /);
  });

  it('lists the problems of the package inside, each naming its file in the archive', async () => {
    const res = await upload(zipSync({ ...fleet('{ "name": "vehicle", }'), 'fleet/../escape.json': strToU8('{}') }));
    expect(res.statusCode).toBe(400);
    const fields = (res.json().errors as Array<{ field: string; code: string }>).map((e) => `${e.field} ${e.code}`);
    expect(fields).toEqual(['fleet/../escape.json parent_path']);
    const broken = await upload(zipSync(fleet('{ "name": "vehicle", }')));
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors).toEqual([{ field: 'fleet/objects/vehicle.json', code: 'invalid_json', message: expect.stringMatching(/invalid JSON at line 1/) }]);
    expect(broken.body).not.toContain('strata-archive-');
  });

  it('is for holders of the studio ability only, and checks that before reading the body', async () => {
    expect((await upload(zipSync(fleet()), 'application/zip', repToken)).statusCode).toBe(403);
    expect((await upload(zipSync(fleet()), 'application/zip', null)).statusCode).toBe(401);
    const tooBig = await upload(new Uint8Array(20 * 1024 * 1024 + 1), 'application/zip', repToken);
    expect(tooBig.statusCode).toBe(403);
  });

  it('refuses an archive over 20 MB with 413', async () => {
    const res = await upload(new Uint8Array(20 * 1024 * 1024 + 1));
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a body that is not sent as an archive with 415', async () => {
    const res = await t.api('POST', '/api/metadata/archive', { package: { name: 'fleet', version: '1.0.0' } });
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await upload(zipSync(fleet()), 'image/png')).statusCode).toBe(415);
  });

  it('keeps the archive parser to this route: other routes still want JSON', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/metadata/deploy?dryRun=true', payload: Buffer.from(zipSync(fleet())),
      headers: { 'content-type': 'application/zip', authorization: `Bearer ${t.adminToken}` },
    });
    expect(res.statusCode).toBe(415);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/api/openapi.json')).json() as OpenApiDocument;
    expect(openApiProblems(doc)).toEqual([]);
    const op = doc.paths['/api/metadata/archive']?.post;
    expect(op?.operationId).toBe('readPackageArchive');
    expect(Object.keys(op?.requestBody?.content ?? {})).toEqual(expect.arrayContaining(['application/zip', 'application/gzip', 'application/x-tar']));
  });
});

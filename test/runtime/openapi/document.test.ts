import { beforeAll, describe, expect, it } from 'vitest';
import type { PackageBundle } from '../../../metadata/types.ts';
import { STANDARD_PACKAGE_DIR } from '../../../runtime/engine.ts';
import type { DeployedObject, RegistryDoc } from '../../../runtime/metadata/deployed.ts';
import { loadPackage } from '../../../runtime/metadata/load.ts';
import {
  componentNames, ERROR_RESPONSES, OpenApiCache, openApiDocument,
  type OpenApiDocument, type OperationObject, type ParameterObject, type Ref, type SchemaObject,
} from '../../../runtime/openapi/document.ts';
import { fullAccess, type AccessPolicy } from '../../../runtime/security/access.ts';
import { openApiProblems, resolvePointer, schemaValidator } from './check.ts';

/** crm-core as a deployed registry, without a database. */
function registryOf(bundle: PackageBundle, version = 1): RegistryDoc {
  const pkg = bundle.package.name;
  return {
    version,
    packages: [{ name: pkg, version: bundle.package.version, deployedAt: '2024-01-01T00:00:00.000Z' }],
    objects: (bundle.objects ?? []).map((o) => ({
      ...o,
      id: `obj-${o.name}`,
      package: pkg,
      fields: o.fields.map((f) => ({ ...f, id: `fld-${o.name}-${f.name}`, package: pkg })),
      validationRules: (o.validationRules ?? []).map((r) => ({ ...r, package: pkg })),
      indexes: (o.indexes ?? []).map((ix, i) => ({ ...ix, package: pkg, indexName: `ix_${o.name}_${i}` })),
    })),
    layouts: [], views: [], workflows: [], reports: [], dashboards: [], extensions: [],
    roles: (bundle.roles ?? []).map((r) => ({ ...r, package: pkg })),
  };
}

let registry: RegistryDoc;
let doc: OpenApiDocument;

beforeAll(async () => {
  const loaded = await loadPackage(STANDARD_PACKAGE_DIR);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  registry = registryOf(loaded.bundle);
  doc = openApiDocument(registry, fullAccess);
});

function op(d: OpenApiDocument, path: string, method: 'get' | 'post' | 'patch' | 'delete'): OperationObject {
  const o = d.paths[path]?.[method];
  if (!o) throw new Error(`no ${method} ${path}`);
  return o;
}

function params(d: OpenApiDocument, path: string, method: 'get' | 'post' | 'patch' | 'delete'): ParameterObject[] {
  const all = [...(d.paths[path].parameters ?? []), ...(op(d, path, method).parameters ?? [])];
  return all.map((p) => ('$ref' in p ? resolvePointer(d, (p as Ref).$ref) : p) as ParameterObject);
}

function schema(d: OpenApiDocument, name: string): SchemaObject {
  const s = d.components.schemas[name];
  if (!s) throw new Error(`no schema ${name}`);
  return s;
}

describe('openApiDocument on crm-core, full access', () => {
  it('is a structurally valid OpenAPI 3.1 document whose every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('has every record route of every object, with the schemas they use', () => {
    expect(registry.objects.length).toBeGreaterThanOrEqual(12);
    for (const o of registry.objects) {
      const base = `/api/records/${o.name}`;
      expect(Object.keys(doc.paths[base] ?? {}), base).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths[`${base}/{id}`] ?? {}), base).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
      expect(doc.paths[`${base}/{id}/restore`]?.post, base).toBeDefined();
      expect(doc.paths[`${base}/{id}/history`]?.get, base).toBeDefined();
      expect(doc.paths[`${base}/bulk`]?.post, base).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining([
      'Problem', 'Account', 'AccountInput', 'AccountPatch', 'AccountList', 'Order', 'OrderLine', 'OrderLineInput', 'CampaignMember', 'Case',
    ]));
  });

  it('documents list parameters, create 201, ETag, If-Match and 412, delete 204', () => {
    const names = params(doc, '/api/records/order', 'get').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['filter', 'sort', 'limit', 'cursor', 'fields', 'expand', 'q']));
    const filter = params(doc, '/api/records/order', 'get').find((p) => p.name === 'filter')!;
    expect(Object.keys(filter.content ?? {})).toEqual(['application/json']);
    const limit = params(doc, '/api/records/order', 'get').find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', maximum: 200, default: 50 });
    expect(params(doc, '/api/records/order', 'get').find((p) => p.name === 'expand')!.description).toContain('`account`');

    expect(op(doc, '/api/records/order', 'get').responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderList' } } } });
    expect(op(doc, '/api/records/order', 'post').responses['201']).toBeDefined();
    expect(op(doc, '/api/records/order', 'post').requestBody?.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OrderInput' });
    expect(op(doc, '/api/records/order/{id}', 'get').responses['200']).toMatchObject({ headers: { ETag: expect.any(Object) } });
    expect(params(doc, '/api/records/order/{id}', 'patch').map((p) => p.name)).toEqual(expect.arrayContaining(['id', 'If-Match']));
    expect(op(doc, '/api/records/order/{id}', 'patch').responses['412']).toEqual({ $ref: '#/components/responses/PreconditionFailed' });
    expect(op(doc, '/api/records/order/{id}', 'patch').requestBody?.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OrderPatch' });
    expect(op(doc, '/api/records/order/{id}', 'delete').responses['204']).toBeDefined();
    expect(op(doc, '/api/records/order/{id}', 'delete').responses['409']).toBeDefined();
  });

  it('has auth, metadata, events and openapi routes; login needs no credentials', () => {
    for (const p of ['/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/metadata', '/api/metadata/objects/{object}', '/api/metadata/deploy', '/api/metadata/export', '/api/openapi.json', '/api/events', '/api/users', '/api/auth/api-keys']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(op(doc, '/api/auth/login', 'post').security).toEqual([]);
    expect(doc.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
    expect(Object.keys(op(doc, '/api/events', 'get').responses['200'] as object)).toContain('content');
  });

  it('answers every error with a problem+json response referencing Problem', () => {
    for (const { name } of Object.values(ERROR_RESPONSES)) {
      expect(doc.components.responses[name].content?.['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
    const statuses = new Set<string>();
    for (const item of Object.values(doc.paths)) {
      for (const o of [item.get, item.post, item.patch, item.delete]) {
        if (!o) continue;
        for (const [code, r] of Object.entries(o.responses)) {
          if (Number(code) >= 400 && '$ref' in r) statuses.add(code);
        }
      }
    }
    expect([...statuses].sort()).toEqual(['400', '401', '403', '404', '409', '412', '413', '422', '429']);
  });

  it('derives read, input and patch shapes from the field metadata', () => {
    const account = schema(doc, 'Account');
    expect(account.properties?.id).toMatchObject({ format: 'uuid', readOnly: true });
    expect(account.properties?.version).toMatchObject({ type: 'integer' });
    expect(account.properties?.order_count).toMatchObject({ readOnly: true }); // a rollup
    expect(account.properties?.parent_account.anyOf).toEqual([{ type: ['string', 'null'], format: 'uuid' }, { $ref: '#/components/schemas/Account' }]);
    const input = schema(doc, 'AccountInput');
    expect(input.required).toEqual(['name']);
    expect(input.properties?.order_count).toBeUndefined();
    expect(input.properties?.ownerId).toMatchObject({ format: 'uuid' });
    expect(input.additionalProperties).toBe(false);
    expect(schema(doc, 'AccountPatch').required).toBeUndefined();
    // a required picklist with a default is not required on create
    expect(schema(doc, 'OpportunityInput').required).toEqual(['name', 'account']);
    expect(schema(doc, 'OrderLineInput').properties?.line_number).toBeUndefined(); // autonumber
  });

  it('validates real-looking values with ajv (JSON Schema 2020-12), refs included', () => {
    const validate = schemaValidator(doc);
    const id = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
    const record = { id, name: 'Acme', parent_account: null, ownerId: id, createdAt: '2024-01-01T00:00:00.000Z', createdBy: id, updatedAt: '2024-01-01T00:00:00.000Z', updatedBy: id, version: 1 };
    expect(validate('Account', record)).toEqual([]);
    expect(validate('Account', { ...record, parent_account: { ...record, name: 'Parent' } })).toEqual([]);
    expect(validate('AccountList', { data: [record], nextCursor: null })).toEqual([]);
    expect(validate('AccountInput', { name: 'Acme', industry: 'retail' })).toEqual([]);
    expect(validate('AccountInput', { industry: 'retail' }).join()).toContain("required property 'name'");
    expect(validate('AccountInput', { name: 'Acme', bogus: 1 }).join()).toContain('additional properties');
    expect(validate('Account', { ...record, industry: 'not an industry' }).join()).toContain('allowed values');
    expect(validate('Account', { ...record, parent_account: 'not a uuid' }).join()).toContain('format');
    expect(validate('Problem', { type: 'https://strata.dev/problems/x', title: 'Bad Request', status: 400, detail: 'no', errors: [{ field: 'a', code: 'b', message: 'c' }] })).toEqual([]);
  });
});

describe('openApiDocument for a restricted caller', () => {
  const byName = (o: DeployedObject) => o.name;
  const restricted: AccessPolicy = {
    canSeeObject: (o) => byName(o) !== 'case',
    canCreate: (o) => byName(o) !== 'product',
    rows: (o, action) => (byName(o) === 'product' && action !== 'read' ? 'none' : () => {}),
    field: (o, f) => (byName(o) === 'contact' && f === 'birthdate' ? 'none' : byName(o) === 'account' && f === 'annual_revenue' ? 'read' : 'edit'),
    canReassign: () => false,
    hasAbility: () => false,
  };

  it('leaves out objects, fields and operations the caller may not use, and stays valid', () => {
    const d = openApiDocument(registry, restricted);
    expect(openApiProblems(d)).toEqual([]);
    expect(d.paths['/api/records/case']).toBeUndefined();
    expect(d.components.schemas.Case).toBeUndefined();
    // task.case points at an object the caller cannot see: an id, never a $ref to it
    expect(schema(d, 'Task').properties?.case.anyOf).toEqual([{ type: ['string', 'null'], format: 'uuid' }]);
    expect(schema(d, 'Contact').properties?.birthdate).toBeUndefined();
    expect(schema(d, 'ContactInput').properties?.birthdate).toBeUndefined();
    expect(params(d, '/api/records/contact', 'get').find((p) => p.name === 'fields')!.description).not.toContain('birthdate');
    expect(schema(d, 'Account').properties?.annual_revenue).toMatchObject({ readOnly: true });
    expect(schema(d, 'AccountInput').properties?.annual_revenue).toBeUndefined();
    expect(d.paths['/api/records/product']?.get).toBeDefined();
    expect(d.paths['/api/records/product']?.post).toBeUndefined();
    expect(d.paths['/api/records/product/{id}']?.patch).toBeUndefined();
    expect(d.paths['/api/records/product/{id}']?.delete).toBeUndefined();
    expect(d.paths['/api/records/product/bulk']).toBeUndefined();
    expect(JSON.stringify(d)).not.toContain('birthdate');
  });
});

describe('component names', () => {
  const obj = (name: string): DeployedObject => ({ name, label: name, id: name, package: 'p', fields: [], validationRules: [], indexes: [] });

  it('never collide with each other or with the fixed schemas', () => {
    const names = componentNames([obj('problem'), obj('account'), obj('account_input'), obj('user'), obj('order_line')]);
    expect(names.get('problem')!.read).not.toBe('Problem');
    expect(names.get('user')!.read).not.toBe('User');
    expect(names.get('order_line')!.read).toBe('OrderLine');
    const all = [...names.values()].flatMap((n) => [n.read, n.input, n.patch, n.list, n.bulkRecord]);
    expect(new Set(all).size).toBe(all.length);
    const d = openApiDocument({ ...registry, objects: [obj('problem'), obj('account'), obj('account_input')] }, fullAccess);
    expect(openApiProblems(d)).toEqual([]);
    expect(d.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail']);
  });
});

describe('OpenApiCache', () => {
  it('keeps one document per registry version and role set, and rebuilds after a deploy', () => {
    const cache = new OpenApiCache();
    const a = cache.get(registry, ['sales_rep', 'marketing'], fullAccess);
    expect(cache.get(registry, ['marketing', 'sales_rep'], fullAccess)).toBe(a);
    const b = cache.get(registry, ['admin'], fullAccess);
    expect(b).not.toBe(a);
    expect(cache.size).toBe(2);
    const next = { ...registry, version: registry.version + 1 };
    const c = cache.get(next, ['admin'], fullAccess);
    expect(c).not.toBe(b);
    expect(c.doc.info.version).toBe(`registry-${next.version}`);
    expect(c.etag).not.toBe(b.etag);
    expect(cache.size).toBe(1); // documents of older versions are dropped
    expect(JSON.parse(c.json)).toEqual(c.doc);
  });
});

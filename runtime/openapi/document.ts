/**
 * OpenAPI 3.1 of the HTTP API (CONTRACT §2), generated from the deployed metadata and tailored
 * to one caller: only objects they may see, without fields they may not read, and with the
 * record routes their role allows. Record shapes come from metadata/record-schema.ts, the same
 * JSON Schema ajv validates with on the server, so the document never drifts from the API.
 * Pure: no database, no HTTP. `OpenApiCache` keeps one document per registry version and role set.
 *
 * This file assembles the document and caches it; the parts are types.ts, shared.ts,
 * static-components.ts, component-names.ts, object-schemas.ts, paths-records.ts and
 * paths-platform.ts.
 */
import type { RegistryDoc } from '../metadata/deployed.ts';
import type { AccessPolicy } from '../security/access.ts';
import { componentNames } from './component-names.ts';
import { bulkRecordSchema, inputSchema, listSchema, patchSchema, readSchema, viewOf } from './object-schemas.ts';
import { platformPaths } from './paths-platform.ts';
import { recordPaths } from './paths-records.ts';
import { staticParameters, staticResponses, staticSchemas } from './static-components.ts';
import type { OpenApiDocument, OpenApiOptions, PathItem, SchemaObject } from './types.ts';

export type {
  SchemaObject, Ref, MediaType, ParameterObject, HeaderObject, ResponseObject, RequestBodyObject,
  SecurityRequirement, OperationObject, HttpMethod, PathItem, SecurityScheme, OpenApiDocument, OpenApiOptions,
} from './types.ts';
export { ERROR_RESPONSES, type ErrorStatus } from './shared.ts';
export { componentNames } from './component-names.ts';

// ————————————————————————————————————————————— the document

export function openApiDocument(registry: RegistryDoc, access: AccessPolicy, opts: OpenApiOptions = {}): OpenApiDocument {
  const visible = registry.objects.filter((o) => access.canSeeObject(o));
  const names = componentNames(visible);
  const views = visible.map((o) => viewOf(o, access, names.get(o.name)!));
  const schemas: Record<string, SchemaObject> = staticSchemas();
  let paths: Record<string, PathItem> = platformPaths(visible.map((o) => o.name));
  for (const v of views) {
    schemas[v.names.read] = readSchema(v, access, names);
    schemas[v.names.input] = inputSchema(v);
    schemas[v.names.patch] = patchSchema(v);
    schemas[v.names.list] = listSchema(v);
    schemas[v.names.bulkRecord] = bulkRecordSchema(v);
    paths = { ...paths, ...recordPaths(v, access) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Strata API',
      version: `registry-${registry.version}`,
      description: 'The HTTP API of this Strata, generated from its deployed metadata (registry version '
        + `${registry.version}) for the caller's roles. Errors are \`application/problem+json\`.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: opts.serverUrl ?? '/' }],
    tags: [
      { name: 'Auth', description: 'Sign-in, API keys, MFA, users' },
      { name: 'Metadata', description: 'Deployed metadata, deploys, this document' },
      { name: 'Events', description: 'Live record events' },
      { name: 'Platform' },
      ...views.map((v) => ({ name: v.object.label, description: v.object.description ?? `Records of ${v.object.name}` })),
    ],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    paths,
    components: {
      schemas,
      responses: staticResponses(),
      parameters: staticParameters(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A session token from `POST /api/auth/login`, or an API key' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: opts.sessionCookie ?? 'strata_session', description: 'The session cookie set by sign-in' },
      },
    },
  };
}

// ————————————————————————————————————————————— cache

export interface CachedDocument { doc: OpenApiDocument; json: string; etag: string }

/**
 * One document per (registry version, role set, options): a deploy makes a new version, and
 * so a new document; entries of older versions are dropped as soon as a newer one is built.
 */
export class OpenApiCache {
  private readonly entries = new Map<string, CachedDocument & { version: number }>();
  private readonly max: number;

  constructor(max = 32) {
    this.max = max;
  }

  get(registry: RegistryDoc, roles: string[], access: AccessPolicy, opts: OpenApiOptions = {}): CachedDocument {
    const roleKey = [...new Set(roles)].sort().join(',');
    const key = JSON.stringify([registry.version, roleKey, opts.serverUrl ?? '', opts.sessionCookie ?? '']);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    const doc = openApiDocument(registry, access, opts);
    const json = JSON.stringify(doc);
    const entry = { doc, json, etag: `"r${registry.version}-${hash(key)}"`, version: registry.version };
    for (const [k, e] of this.entries) if (e.version < registry.version) this.entries.delete(k);
    this.entries.set(key, entry);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** FNV-1a, for a short ETag. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * OpenAPI 3.1 of the HTTP API (CONTRACT §2), generated from the deployed metadata and tailored
 * to one caller: only objects they may see, without fields they may not read, and with the
 * record routes their role allows. Record shapes come from metadata/record-schema.ts, the same
 * JSON Schema ajv validates with on the server, so the document never drifts from the API.
 * Pure: no database, no HTTP. `OpenApiCache` keeps one document per registry version and role set.
 */
import { fieldSchema, isComputedField, recordSchema, type JsonSchema } from '../../metadata/record-schema.ts';
import type { DeployedField, DeployedObject, RegistryDoc } from '../metadata/deployed.ts';
import type { AccessPolicy } from '../security/access.ts';

// ————————————————————————————————————————————— the document's types (the parts we produce)

export interface SchemaObject extends Omit<JsonSchema, 'items' | 'properties' | 'oneOf' | 'additionalProperties' | 'enum'> {
  $ref?: string;
  enum?: unknown[];
  const?: unknown;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: boolean | SchemaObject;
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  examples?: unknown[];
}

export interface Ref { $ref: string }

export interface MediaType { schema: SchemaObject; example?: unknown }

export interface ParameterObject {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  description?: string;
  required?: boolean;
  schema?: SchemaObject;
  content?: Record<string, MediaType>;
  example?: unknown;
}

export interface HeaderObject { description?: string; schema: SchemaObject }

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaType>;
}

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Array<ParameterObject | Ref>;
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | Ref>;
  security?: SecurityRequirement[];
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type PathItem = Partial<Record<HttpMethod, OperationObject>> & { parameters?: Array<ParameterObject | Ref> };

export type SecurityScheme =
  | { type: 'http'; scheme: 'bearer'; description?: string }
  | { type: 'apiKey'; in: 'cookie' | 'header' | 'query'; name: string; description?: string };

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description?: string }>;
  security: SecurityRequirement[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, SchemaObject>;
    responses: Record<string, ResponseObject>;
    parameters: Record<string, ParameterObject>;
    securitySchemes: Record<string, SecurityScheme>;
  };
}

export interface OpenApiOptions {
  /** Base URL of the server; default `/` (the host the document is served from). */
  serverUrl?: string;
  /** Name of the session cookie (documented as a security scheme). */
  sessionCookie?: string;
}

// ————————————————————————————————————————————— shared pieces

const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
const paramRef = (name: string): Ref => ({ $ref: `#/components/parameters/${name}` });

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';
const json = (schema: SchemaObject, example?: unknown): Record<string, MediaType> =>
  ({ [JSON_TYPE]: example === undefined ? { schema } : { schema, example } });

/** The problem responses an operation can return, by status. */
export const ERROR_RESPONSES = {
  400: { name: 'BadRequest', description: 'Malformed request: bad JSON, an unknown field, a wrong type, a bad filter or sort' },
  401: { name: 'Unauthorized', description: 'No valid session cookie or `Authorization: Bearer` token' },
  403: { name: 'Forbidden', description: 'The caller\'s role does not allow this' },
  404: { name: 'NotFound', description: 'Unknown object or record (or one the caller may not read)' },
  409: { name: 'Conflict', description: 'A unique value is taken, or a `restrict` reference blocks the delete' },
  412: { name: 'PreconditionFailed', description: '`If-Match` names a version that is no longer current' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than this route accepts' },
  422: { name: 'UnprocessableContent', description: 'A validation rule or a required field failed (`errors[].code` is the rule\'s name or `required`)' },
  429: { name: 'TooManyRequests', description: 'Rate limited: retry later' },
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

function errors(...statuses: ErrorStatus[]): Record<string, Ref> {
  return Object.fromEntries(statuses.map((s) => [String(s), responseRef(ERROR_RESPONSES[s].name)]));
}

const UUID: SchemaObject = { type: 'string', format: 'uuid' };
const ETAG_HEADER: HeaderObject = { description: 'The record\'s version, quoted (e.g. `"3"`): send it back in `If-Match`', schema: { type: 'string' } };

/** Schemas that do not depend on metadata; object schemas never take these names. */
function staticSchemas(): Record<string, SchemaObject> {
  return {
    Problem: {
      type: 'object',
      title: 'Problem (RFC 9457)',
      description: 'Every error, as `application/problem+json`. Never a stack trace.',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string', format: 'uri', description: 'Identifies the kind of problem, e.g. `https://strata.dev/problems/invalid_record`' },
        title: { type: 'string', description: 'The HTTP status\'s short text' },
        status: { type: 'integer', minimum: 400, maximum: 599 },
        detail: { type: 'string', description: 'What went wrong, for a person' },
        errors: { type: 'array', items: schemaRef('FieldProblem'), description: 'One entry per offending field' },
      },
    },
    FieldProblem: {
      type: 'object',
      required: ['field', 'code', 'message'],
      properties: {
        field: { type: 'string', description: 'Path of the field in the input, e.g. `email` or `records.3.name`' },
        code: { type: 'string', description: 'Machine-readable: `required`, `unique`, `type`, `unknown_field`, a validation rule\'s name…' },
        message: { type: 'string' },
      },
    },
    HistoryEntry: {
      type: 'object',
      required: ['at', 'by', 'field', 'from', 'to'],
      properties: {
        at: { type: 'string', format: 'date-time' },
        by: { type: ['string', 'null'], format: 'uuid', description: 'The user who made the change' },
        field: { type: 'string' },
        from: { description: 'The value before (any JSON value)' },
        to: { description: 'The value after (any JSON value)' },
      },
    },
    BulkItem: {
      type: 'object',
      description: 'The outcome for one record of a bulk request.',
      required: ['index', 'status'],
      properties: {
        index: { type: 'integer', minimum: 0, description: 'Position of the record in `records`' },
        status: { type: 'string', enum: ['created', 'updated', 'deleted', 'error'] },
        id: UUID,
        error: {
          type: 'object',
          required: ['status', 'code', 'message'],
          description: 'Why this record failed: the status, code and field problems a single-record request would have had',
          properties: { status: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' }, errors: { type: 'array', items: schemaRef('FieldProblem') } },
        },
      },
    },
    BulkResult: {
      type: 'object',
      description: 'A result per record, in request order, and the counts.',
      required: ['results', 'created', 'updated', 'deleted', 'failed'],
      properties: {
        results: { type: 'array', items: schemaRef('BulkItem') },
        created: { type: 'integer', minimum: 0 },
        updated: { type: 'integer', minimum: 0 },
        deleted: { type: 'integer', minimum: 0 },
        failed: { type: 'integer', minimum: 0 },
      },
    },
    RecordEvent: {
      type: 'object',
      description: 'The `data` of a Server-Sent Event from `GET /api/events`.',
      required: ['type', 'object', 'recordId', 'at'],
      properties: {
        type: { type: 'string', enum: ['record.created', 'record.updated', 'record.deleted', 'record.restored'] },
        object: { type: 'string', description: 'Object name' },
        recordId: UUID,
        changed: { type: 'array', items: { type: 'string' }, description: 'Fields changed (record.updated only)' },
        at: { type: 'string', format: 'date-time' },
      },
    },
    User: {
      type: 'object',
      required: ['id', 'email', 'roles'],
      properties: {
        id: UUID,
        email: { type: 'string', format: 'email' },
        name: { type: ['string', 'null'] },
        roles: { type: 'array', items: { type: 'string' } },
        managerId: { type: ['string', 'null'], format: 'uuid' },
        active: { type: 'boolean' },
        mfaEnabled: { type: 'boolean' },
      },
    },
    LoginRequest: {
      type: 'object',
      required: ['email', 'password'],
      properties: {
        email: { type: 'string', format: 'email', maxLength: 254 },
        password: { type: 'string', maxLength: 1024 },
        totp: { type: 'string', pattern: '^[0-9]{6}$', description: 'The current one-time code, once MFA is enabled' },
      },
      additionalProperties: false,
    },
    LoginResponse: {
      type: 'object',
      required: ['token', 'user'],
      properties: { token: { type: 'string', description: 'Send as `Authorization: Bearer <token>` (a session cookie is set too)' }, user: schemaRef('User') },
    },
    NewUser: {
      type: 'object',
      required: ['email', 'password', 'role'],
      properties: {
        email: { type: 'string', format: 'email' },
        password: { type: 'string' },
        role: { type: 'string', description: 'A deployed role, or `admin`' },
        name: { type: 'string', maxLength: 200 },
        manager: { type: 'string', description: 'The manager\'s user id or email' },
      },
    },
    ApiKeyRequest: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, role: { type: 'string', description: 'The key\'s role (default: the caller\'s)' } },
    },
    ApiKey: {
      type: 'object',
      required: ['id', 'key'],
      properties: { id: UUID, key: { type: 'string', description: 'Shown once: store it now' } },
    },
    MfaSetup: {
      type: 'object',
      required: ['secret', 'otpauthUrl'],
      properties: { secret: { type: 'string', description: 'Base32 TOTP secret (RFC 6238)' }, otpauthUrl: { type: 'string', format: 'uri' } },
    },
    MfaEnable: {
      type: 'object',
      required: ['totp'],
      properties: { totp: { type: 'string', pattern: '^[0-9]{6}$' } },
    },
    Metadata: {
      type: 'object',
      description: 'The deployed metadata the caller may see (CONTRACT §3 shapes).',
      required: ['objects', 'layouts', 'views', 'workflows', 'roles', 'reports', 'dashboards', 'extensions'],
      properties: {
        version: { type: 'integer', description: 'Registry version: increases with every deploy' },
        packages: { type: 'array', items: { type: 'object' } },
        objects: { type: 'array', items: schemaRef('ObjectDefinition') },
        layouts: { type: 'array', items: { type: 'object' } },
        views: { type: 'array', items: { type: 'object' } },
        workflows: { type: 'array', items: { type: 'object' } },
        roles: { type: 'array', items: { type: 'object' } },
        reports: { type: 'array', items: { type: 'object' } },
        dashboards: { type: 'array', items: { type: 'object' } },
        extensions: { type: 'array', items: { type: 'object' } },
      },
    },
    ObjectDefinition: {
      type: 'object',
      description: 'An object: `{name, label, fields, validationRules, indexes, …}` (CONTRACT §3)',
      required: ['name', 'label', 'fields'],
      properties: {
        name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
        label: { type: 'string' },
        pluralLabel: { type: 'string' },
        fields: { type: 'array', items: { type: 'object', required: ['name', 'type'], properties: { name: { type: 'string' }, type: { type: 'string' } } } },
      },
    },
    PackageBundle: {
      type: 'object',
      description: 'A metadata package as one JSON document: `{package, objects, layouts, views, workflows, roles, reports, dashboards, extensions}` (CONTRACT §3)',
      required: ['package'],
      properties: {
        package: { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' }, label: { type: 'string' }, dependsOn: { type: 'object', additionalProperties: { type: 'string' } } } },
        objects: { type: 'array', items: schemaRef('ObjectDefinition') },
        layouts: { type: 'array', items: { type: 'object' } },
        views: { type: 'array', items: { type: 'object' } },
        workflows: { type: 'array', items: { type: 'object' } },
        roles: { type: 'array', items: { type: 'object' } },
        reports: { type: 'array', items: { type: 'object' } },
        dashboards: { type: 'array', items: { type: 'object' } },
        extensions: { type: 'array', items: { type: 'object', properties: { manifest: { type: 'object' }, source: { type: 'string' } } } },
      },
    },
    DeployResult: {
      type: 'object',
      required: ['plan', 'applied'],
      properties: {
        plan: { type: 'array', items: { type: 'object' }, description: 'The steps, in order' },
        applied: { type: 'boolean', description: 'False for a dry run' },
        version: { type: 'integer', description: 'The registry version after the deploy' },
      },
    },
  };
}

function staticResponses(): Record<string, ResponseObject> {
  const out: Record<string, ResponseObject> = {};
  for (const { name, description } of Object.values(ERROR_RESPONSES)) {
    out[name] = { description, content: { [PROBLEM_TYPE]: { schema: schemaRef('Problem') } } };
  }
  out.TooManyRequests.headers = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
  return out;
}

function staticParameters(): Record<string, ParameterObject> {
  return {
    RecordId: { name: 'id', in: 'path', required: true, description: 'The record\'s id', schema: UUID },
    Limit: { name: 'limit', in: 'query', description: 'Page size', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    Cursor: { name: 'cursor', in: 'query', description: 'The `nextCursor` of the previous page', schema: { type: 'string' } },
    IfMatch: { name: 'If-Match', in: 'header', description: 'The ETag (version) you read, e.g. `"3"`; a stale one gets 412. `*` matches any version.', schema: { type: 'string' } },
    IfNoneMatch: { name: 'If-None-Match', in: 'header', description: 'The ETag you have: 304 when unchanged', schema: { type: 'string' } },
  };
}

// ————————————————————————————————————————————— names

const RESERVED = new Set(Object.keys(staticSchemas()));
const SUFFIXES = ['', 'Input', 'Patch', 'List', 'BulkRecord'] as const;

interface ObjectNames { read: string; input: string; patch: string; list: string; bulkRecord: string; op: string }

function pascal(name: string): string {
  return name.split('_').filter(Boolean).map((s) => s[0].toUpperCase() + s.slice(1)).join('');
}

/** Component names per object, unique across objects and never a static schema's name. */
export function componentNames(objects: DeployedObject[]): Map<string, ObjectNames> {
  const taken = new Set(RESERVED);
  const out = new Map<string, ObjectNames>();
  for (const o of objects) {
    const base0 = pascal(o.name);
    let base = base0;
    for (let n = 1; SUFFIXES.some((s) => taken.has(base + s)); n++) base = `${base0}Object${n > 1 ? n : ''}`;
    for (const s of SUFFIXES) taken.add(base + s);
    out.set(o.name, { read: base, input: `${base}Input`, patch: `${base}Patch`, list: `${base}List`, bulkRecord: `${base}BulkRecord`, op: base });
  }
  return out;
}

// ————————————————————————————————————————————— object schemas

interface ObjectView {
  object: DeployedObject;
  names: ObjectNames;
  /** Fields the caller may read (access read or edit). */
  readable: DeployedField[];
  /** Fields the caller may write (access edit, not computed). */
  writable: DeployedField[];
}

function viewOf(object: DeployedObject, access: AccessPolicy, names: ObjectNames): ObjectView {
  const readable = object.fields.filter((f) => access.field(object, f.name) !== 'none');
  const writable = readable.filter((f) => !isComputedField(f) && access.field(object, f.name) === 'edit');
  return { object, names, readable, writable };
}

function withFields(object: DeployedObject, fields: DeployedField[]): DeployedObject {
  return { ...object, fields };
}

function readSchema(v: ObjectView, access: AccessPolicy, visible: Map<string, ObjectNames>): SchemaObject {
  const base = recordSchema(withFields(v.object, v.readable), 'read') as SchemaObject;
  const properties: Record<string, SchemaObject> = { ...base.properties };
  for (const f of v.readable) {
    const p = properties[f.name];
    if (!p) continue;
    if (access.field(v.object, f.name) === 'read' && !p.readOnly) properties[f.name] = { ...p, readOnly: true };
    if (f.type === 'reference') {
      const target = visible.get(f.to);
      const { type: _t, pattern: _p, ...meta } = fieldSchema(f);
      properties[f.name] = {
        ...meta,
        ...(access.field(v.object, f.name) === 'read' ? { readOnly: true } : {}),
        description: `${f.helpText ? `${f.helpText} ` : ''}The id of the ${f.to}${target ? `; with \`expand=${f.name}\`, the ${f.to} record itself (null when the caller may not read it)` : ''}.`,
        anyOf: [{ type: ['string', 'null'], format: 'uuid' }, ...(target ? [schemaRef(target.read)] : [])],
      };
    }
  }
  const order = ['id', ...v.readable.map((f) => f.name), 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'];
  const ordered = Object.fromEntries(order.filter((k) => properties[k]).map((k) => [k, properties[k]]));
  ordered.ownerId = { ...ordered.ownerId, description: 'The user who owns the record' };
  ordered.version = { ...ordered.version, description: 'Increases with every update; the ETag' };
  return {
    type: 'object',
    title: v.object.label,
    ...(v.object.description ? { description: v.object.description } : {}),
    properties: ordered,
    required: ['id'],
    additionalProperties: false,
  };
}

function writeProperties(v: ObjectView): Record<string, SchemaObject> {
  const base = recordSchema(withFields(v.object, v.writable), 'input') as SchemaObject;
  return {
    ...base.properties,
    ownerId: { type: 'string', format: 'uuid', description: 'The owner (default: the caller). Giving a record to someone else needs update rights on every record of the object.' },
  };
}

function inputSchema(v: ObjectView): SchemaObject {
  const required = v.writable.filter((f) => f.required && f.default === undefined).map((f) => f.name);
  return {
    type: 'object',
    title: `New ${v.object.label}`,
    properties: writeProperties(v),
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

function patchSchema(v: ObjectView): SchemaObject {
  return { type: 'object', title: `${v.object.label} changes`, description: 'Only the fields to change; `null` empties a field.', properties: writeProperties(v), additionalProperties: false };
}

function bulkRecordSchema(v: ObjectView): SchemaObject {
  return {
    type: 'object',
    title: `${v.object.label} (bulk)`,
    description: `Field values as in \`${v.names.input}\`; \`id\` is needed for update and delete (for delete, only \`id\`); `
      + 'an update may give `version` (the version read) to be refused with 412 when it is stale.',
    properties: { id: UUID, version: { type: 'integer', minimum: 1 }, ...writeProperties(v) },
    additionalProperties: false,
  };
}

function listSchema(v: ObjectView): SchemaObject {
  return {
    type: 'object',
    title: `${v.object.pluralLabel ?? v.object.label} page`,
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: schemaRef(v.names.read) },
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page' },
    },
    additionalProperties: false,
  };
}

// ————————————————————————————————————————————— record routes

const SYSTEM_FILTERABLE = ['id', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'];
const SEARCHED_TYPES = new Set(['text', 'longtext', 'email', 'phone']);

function fieldList(names: string[]): string {
  return names.length ? names.map((n) => `\`${n}\``).join(', ') : '(none)';
}

function listParameters(v: ObjectView): Array<ParameterObject | Ref> {
  const fields = v.readable.map((f) => f.name);
  const refs = v.readable.filter((f) => f.type === 'reference').map((f) => f.name);
  const searched = v.readable.filter((f) => SEARCHED_TYPES.has(f.type)).map((f) => f.name);
  const sample = v.readable.find((f) => f.name === v.object.nameField) ?? v.readable.find((f) => SEARCHED_TYPES.has(f.type));
  return [
    {
      name: 'filter', in: 'query',
      description: 'A record filter, as JSON: `{"field": value}`, `{"field": {"eq|ne|gt|gte|lt|lte": v}}`, `{"in"|"nin": [...]}`, '
        + '`{"contains"|"startsWith": "s"}`, `{"isNull": true}`, `{"and"|"or": [...]}`, `{"not": {...}}`, reference paths such as `{"account.industry": "retail"}`, '
        + `and the values \`$user.id\`, \`$today\`${sample ? `; e.g. \`{"${sample.name}": {"contains": "acme"}}\`` : ''}. `
        + `Fields: ${fieldList([...fields, ...SYSTEM_FILTERABLE])}. An unknown field or operator is a 400.`,
      content: { [JSON_TYPE]: { schema: { type: 'object' } } },
    },
    {
      name: 'sort', in: 'query',
      description: `Comma-separated fields, \`-\` for descending, e.g. \`${sample?.name ?? 'createdAt'},-createdAt\`. Fields: ${fieldList([...fields, ...SYSTEM_FILTERABLE])}.`,
      schema: { type: 'string' },
    },
    paramRef('Limit'),
    paramRef('Cursor'),
    {
      name: 'fields', in: 'query',
      description: `Comma-separated fields to return (default: all the caller may read); \`id\` always comes. Fields: ${fieldList(fields)}.`,
      schema: { type: 'string' },
    },
    expandParameter(refs),
    { name: 'q', in: 'query', description: `Text search (every word must match) over ${fieldList(searched)}.`, schema: { type: 'string', maxLength: 200 } },
  ];
}

function expandParameter(refs: string[]): ParameterObject {
  return {
    name: 'expand', in: 'query',
    description: `Comma-separated reference fields to replace by the records they point at. Reference fields: ${fieldList(refs)}.`,
    schema: { type: 'string' },
  };
}

function recordPaths(v: ObjectView, access: AccessPolicy): Record<string, PathItem> {
  const { object, names } = v;
  const label = object.label;
  const plural = object.pluralLabel ?? object.label;
  const tags = [label];
  const base = `/api/records/${object.name}`;
  const canUpdate = access.rows(object, 'update') !== 'none';
  const canDelete = access.rows(object, 'delete') !== 'none';
  const canCreate = access.canCreate(object);
  const recordResponse = (description: string): ResponseObject => ({
    description,
    headers: { ETag: ETAG_HEADER },
    content: json(schemaRef(names.read)),
  });

  const collection: PathItem = {
    get: {
      operationId: `list${names.op}`,
      summary: `List ${plural}`,
      description: `A page of ${plural} the caller may read, filtered, sorted and paginated with a keyset cursor.`,
      tags,
      parameters: listParameters(v),
      responses: { 200: { description: `A page of ${plural}`, content: json(schemaRef(names.list)) }, ...errors(400, 401, 403, 404, 429) },
    },
  };
  if (canCreate) {
    collection.post = {
      operationId: `create${names.op}`,
      summary: `Create a ${label}`,
      tags,
      requestBody: { required: true, content: json(schemaRef(names.input)) },
      responses: {
        201: {
          description: `The ${label} as saved (defaults, formulas and autonumbers filled in)`,
          headers: { ETag: ETAG_HEADER, Location: { description: 'The URL of the new record', schema: { type: 'string' } } },
          content: json(schemaRef(names.read)),
        },
        ...errors(400, 401, 403, 404, 409, 413, 422, 429),
      },
    };
  }

  const item: PathItem = {
    parameters: [paramRef('RecordId')],
    get: {
      operationId: `get${names.op}`,
      summary: `Get a ${label}`,
      tags,
      parameters: [expandParameter(v.readable.filter((f) => f.type === 'reference').map((f) => f.name)), paramRef('IfNoneMatch')],
      responses: {
        200: recordResponse(`The ${label}; \`ETag\` is its version`),
        304: { description: 'Not modified (`If-None-Match` matched)', headers: { ETag: ETAG_HEADER } },
        ...errors(400, 401, 403, 404, 429),
      },
    },
  };
  if (canUpdate) {
    item.patch = {
      operationId: `update${names.op}`,
      summary: `Update a ${label}`,
      description: 'A partial update: only the fields sent change. With `If-Match`, a stale version is refused with 412.',
      tags,
      parameters: [paramRef('IfMatch')],
      requestBody: { required: true, content: json(schemaRef(names.patch)) },
      responses: { 200: recordResponse(`The ${label} as saved`), ...errors(400, 401, 403, 404, 409, 412, 413, 422, 429) },
    };
  }
  if (canDelete) {
    item.delete = {
      operationId: `delete${names.op}`,
      summary: `Delete a ${label}`,
      description: 'Moves the record (and what its delete cascades to) to the recycle bin; `restore` brings it back.',
      tags,
      responses: { 204: { description: 'Moved to the recycle bin' }, ...errors(401, 403, 404, 409, 429) },
    };
  }

  const paths: Record<string, PathItem> = { [base]: collection, [`${base}/{id}`]: item };
  if (canDelete) {
    paths[`${base}/{id}/restore`] = {
      parameters: [paramRef('RecordId')],
      post: {
        operationId: `restore${names.op}`,
        summary: `Restore a deleted ${label}`,
        description: 'Brings the record back from the recycle bin, with the records its delete cascaded to.',
        tags,
        responses: { 200: recordResponse(`The restored ${label}`), ...errors(401, 403, 404, 409, 429) },
      },
    };
  }
  paths[`${base}/{id}/history`] = {
    parameters: [paramRef('RecordId')],
    get: {
      operationId: `get${names.op}History`,
      summary: `Field history of a ${label}`,
      description: object.trackHistory
        ? 'Field changes, newest first (fields the caller may not read are left out).'
        : `${plural} do not track history (\`trackHistory\` is off): the list is empty.`,
      tags,
      responses: { 200: { description: 'Field changes, newest first', content: json({ type: 'array', items: schemaRef('HistoryEntry') }) }, ...errors(401, 404, 429) },
    },
  };
  if (canCreate || canUpdate || canDelete) {
    paths[`${base}/bulk`] = {
      post: {
        operationId: `bulk${names.op}`,
        summary: `Create, update, upsert or delete many ${plural}`,
        description: 'Up to 10,000 records (20 MB) in one transaction, each through the same validation and permissions as a single request. '
          + 'With `allOrNothing`, one failure rolls every record back and the request fails with that failure\'s status.',
        tags,
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['operation', 'records'],
            properties: {
              operation: { type: 'string', enum: ['create', 'update', 'upsert', 'delete'] },
              records: { type: 'array', items: schemaRef(names.bulkRecord), maxItems: 10_000 },
              upsertKey: { type: 'string', description: `For upsert: a unique or external-id field matching existing records. Fields: ${fieldList(v.writable.filter((f) => f.unique || f.externalId).map((f) => f.name))}` },
              allOrNothing: { type: 'boolean', default: false },
            },
            additionalProperties: false,
          }),
        },
        responses: {
          200: { description: 'A result per record, in request order', content: json(schemaRef('BulkResult')) },
          ...errors(400, 401, 403, 404, 409, 412, 413, 422, 429),
        },
      },
    };
  }
  return paths;
}

// ————————————————————————————————————————————— auth, metadata, events

function platformPaths(visibleObjects: string[]): Record<string, PathItem> {
  const publicOp = { security: [] as SecurityRequirement[] };
  return {
    '/health': {
      get: {
        operationId: 'health', summary: 'Liveness: the database answers', tags: ['Platform'], ...publicOp,
        responses: {
          200: { description: 'Up', content: json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }) },
          503: { description: 'The database does not answer', content: { [PROBLEM_TYPE]: { schema: schemaRef('Problem') } } },
        },
      },
    },
    '/api/auth/login': {
      post: {
        operationId: 'login', summary: 'Sign in', tags: ['Auth'], ...publicOp,
        description: 'Returns a token for `Authorization: Bearer` and sets an HttpOnly session cookie.',
        requestBody: { required: true, content: json(schemaRef('LoginRequest')) },
        responses: { 200: { description: 'Signed in', content: json(schemaRef('LoginResponse')) }, ...errors(400, 401, 429) },
      },
    },
    '/api/auth/logout': {
      post: { operationId: 'logout', summary: 'Sign out (ends the session)', tags: ['Auth'], responses: { 204: { description: 'Signed out' }, ...errors(401) } },
    },
    '/api/auth/me': {
      get: { operationId: 'me', summary: 'The signed-in user', tags: ['Auth'], responses: { 200: { description: 'The caller', content: json(schemaRef('User')) }, ...errors(401) } },
    },
    '/api/auth/api-keys': {
      post: {
        operationId: 'createApiKey', summary: 'Create an API key (shown once)', tags: ['Auth'],
        requestBody: { required: true, content: json(schemaRef('ApiKeyRequest')) },
        responses: { 201: { description: 'The key', content: json(schemaRef('ApiKey')) }, ...errors(400, 401, 403, 429) },
      },
    },
    '/api/auth/api-keys/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: UUID }],
      delete: { operationId: 'revokeApiKey', summary: 'Revoke an API key', tags: ['Auth'], responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404, 429) } },
    },
    '/api/auth/mfa/setup': {
      post: { operationId: 'setupMfa', summary: 'Start TOTP set-up', tags: ['Auth'], responses: { 200: { description: 'The secret to scan', content: json(schemaRef('MfaSetup')) }, ...errors(401, 409, 429) } },
    },
    '/api/auth/mfa/enable': {
      post: {
        operationId: 'enableMfa', summary: 'Enable TOTP with a first code', tags: ['Auth'],
        requestBody: { required: true, content: json(schemaRef('MfaEnable')) },
        responses: { 200: { description: 'Enabled; sign-in now needs `totp`' }, 204: { description: 'Enabled; sign-in now needs `totp`' }, ...errors(400, 401, 422, 429) },
      },
    },
    '/api/users': {
      get: { operationId: 'listUsers', summary: 'List users (admin)', tags: ['Auth'], responses: { 200: { description: 'Users', content: json({ type: 'array', items: schemaRef('User') }) }, ...errors(401, 403, 429) } },
      post: {
        operationId: 'createUser', summary: 'Add a user (admin)', tags: ['Auth'],
        requestBody: { required: true, content: json(schemaRef('NewUser')) },
        responses: { 201: { description: 'The user', content: json(schemaRef('User')) }, ...errors(400, 401, 403, 409, 422, 429) },
      },
    },
    '/api/metadata': {
      get: { operationId: 'getMetadata', summary: 'The deployed metadata the caller may see', tags: ['Metadata'], responses: { 200: { description: 'Metadata', content: json(schemaRef('Metadata')) }, ...errors(401, 429) } },
    },
    '/api/metadata/objects/{object}': {
      parameters: [{ name: 'object', in: 'path', required: true, schema: { type: 'string', ...(visibleObjects.length ? { enum: visibleObjects } : {}) } }],
      get: { operationId: 'getObjectDefinition', summary: 'One object definition', tags: ['Metadata'], responses: { 200: { description: 'The object', content: json(schemaRef('ObjectDefinition')) }, ...errors(401, 404, 429) } },
    },
    '/api/metadata/deploy': {
      post: {
        operationId: 'deploy', summary: 'Deploy a package (admin)', tags: ['Metadata'],
        description: 'Validates the bundle, plans, and applies the plan in one transaction. With `dryRun=true` only plans.',
        parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'boolean', default: false } }],
        requestBody: { required: true, content: json(schemaRef('PackageBundle')) },
        responses: { 200: { description: 'The plan, and whether it was applied', content: json(schemaRef('DeployResult')) }, ...errors(400, 401, 403, 409, 413, 422, 429) },
      },
    },
    '/api/metadata/export': {
      get: {
        operationId: 'exportMetadata', summary: 'The deployed metadata as one bundle (admin)', tags: ['Metadata'],
        parameters: [{ name: 'package', in: 'query', description: 'Only this package', schema: { type: 'string' } }],
        responses: { 200: { description: 'A package bundle', content: json(schemaRef('PackageBundle')) }, ...errors(401, 403, 404, 429) },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'getOpenApi', summary: 'This document', tags: ['Metadata'],
        description: 'OpenAPI 3.1, generated from the deployed metadata for the caller\'s roles; an interactive reference is at `/docs`.',
        responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object', required: ['openapi', 'paths'] }) }, ...errors(401, 429) },
      },
    },
    '/api/events': {
      get: {
        operationId: 'streamEvents', summary: 'Live record events (Server-Sent Events)', tags: ['Events'],
        description: 'A `text/event-stream` of `record.created`, `record.updated`, `record.deleted` and `record.restored` for records the caller may read, '
          + 'from every server process. Each event has `event: <type>`, `id: <event id>` and `data:` a `RecordEvent` as JSON; a comment line every 15 s keeps the '
          + 'connection open. Reconnect with `Last-Event-ID` to receive what you missed (at most the last 1000 events).',
        parameters: [
          { name: 'objects', in: 'query', description: `Only these objects, comma-separated: ${fieldList(visibleObjects)}`, schema: { type: 'string' } },
          { name: 'Last-Event-ID', in: 'header', description: 'The id of the last event received: the missed ones are sent first', schema: { type: 'string', pattern: '^[0-9]{1,18}$' } },
        ],
        responses: {
          200: { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string', description: 'Events; each `data` line is a RecordEvent' } } } },
          ...errors(400, 401, 429),
        },
      },
    },
  };
}

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

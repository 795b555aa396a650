/**
 * The components that do not depend on metadata: the problem, auth, user, metadata and bulk
 * schemas, the problem responses, and the shared parameters.
 */
import roleSchema from '../../metadata/schema/role.schema.json' with { type: 'json' };
import { ERROR_RESPONSES, PROBLEM_TYPE, schemaRef, UUID } from './shared.ts';
import type { ParameterObject, ResponseObject, SchemaObject } from './types.ts';

/** The abilities a role may grant, from the metadata format itself so the two never differ. */
const ABILITIES: string[] = roleSchema.properties.abilities.items.enum;

/** A number of stored values and what they mean for a plan step. */
const COUNTED_REASON: SchemaObject = {
  type: 'object',
  required: ['count', 'reason'],
  properties: { count: { type: 'integer', minimum: 0 }, reason: { type: 'string' } },
};

const USER: SchemaObject = {
  type: 'object',
  // Every route that answers with a user sends all of these (toUser in runtime/security/users.ts).
  required: ['id', 'email', 'name', 'roles', 'managerId', 'active', 'mfaEnabled'],
  properties: {
    id: UUID,
    email: { type: 'string', format: 'email' },
    name: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } },
    managerId: { type: ['string', 'null'], format: 'uuid' },
    active: { type: 'boolean' },
    mfaEnabled: { type: 'boolean' },
  },
};

/** Schemas that do not depend on metadata; object schemas never take these names. */
export function staticSchemas(): Record<string, SchemaObject> {
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
    User: USER,
    CurrentUser: {
      type: 'object',
      description: 'The signed-in user, with the abilities their roles grant (so a client shows only what they may do).',
      required: [...USER.required!, 'abilities'],
      properties: {
        ...USER.properties,
        abilities: { type: 'array', items: { type: 'string', enum: ABILITIES }, description: 'Abilities granted by the caller\'s roles' },
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
      required: ['version', 'packages', 'objects', 'layouts', 'views', 'workflows', 'roles', 'reports', 'dashboards', 'extensions'],
      properties: {
        version: { type: 'integer', description: 'Registry version: increases with every deploy' },
        packages: {
          type: 'array',
          description: 'The installed packages',
          items: {
            type: 'object',
            required: ['name', 'version', 'deployedAt'],
            properties: { name: { type: 'string' }, version: { type: 'string' }, label: { type: 'string' }, deployedAt: { type: 'string', format: 'date-time' } },
          },
        },
        objects: { type: 'array', items: schemaRef('ObjectDefinition') },
        layouts: { type: 'array', items: { type: 'object' } },
        views: { type: 'array', items: { type: 'object' } },
        workflows: { type: 'array', items: { type: 'object' } },
        roles: { type: 'array', items: { type: 'object' } },
        reports: { type: 'array', items: { type: 'object' } },
        dashboards: { type: 'array', items: { type: 'object' } },
        extensions: { type: 'array', items: { type: 'object' } },
        access: {
          type: 'object',
          description: 'What the caller may do, per object they may see (the server checks every operation anyway)',
          additionalProperties: schemaRef('ObjectRights'),
        },
      },
    },
    ObjectRights: {
      type: 'object',
      description: 'The caller\'s rights on one object. `some`: own, team or filtered records — GET /api/records/{object}/{id} says per record in its `Allow` header.',
      required: ['create', 'update', 'delete', 'reassign', 'readOnlyFields'],
      properties: {
        create: { type: 'boolean' },
        update: { type: 'string', enum: ['all', 'some', 'none'] },
        delete: { type: 'string', enum: ['all', 'some', 'none'] },
        reassign: { type: 'boolean', description: 'May change ownerId' },
        readOnlyFields: { type: 'array', items: { type: 'string' }, description: 'Fields the caller may read but not change' },
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
      required: ['package', 'plan', 'applied', 'dryRun', 'version', 'refusals'],
      properties: {
        package: { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
        plan: { type: 'array', items: schemaRef('PlanStep'), description: 'The steps, in order' },
        applied: { type: 'boolean', description: 'False for a dry run, and when there was nothing to change' },
        dryRun: { type: 'boolean' },
        version: { type: 'integer', description: 'The registry version live after the deploy' },
        refusals: { type: 'array', items: { type: 'string' }, description: 'Why the plan cannot be applied; a dry run lists them, a deploy is refused with 409. Empty when it can.' },
      },
    },
    PlanStep: {
      type: 'object',
      description: 'One step of a deploy plan, as the server words it.',
      required: ['kind', 'description'],
      properties: {
        kind: { type: 'string', description: 'e.g. `createObject`, `addField`, `changeFieldType`' },
        description: { type: 'string' },
        object: { type: 'string' },
        field: { type: 'string' },
        refused: { ...COUNTED_REASON, description: 'Why the step cannot run: how many stored values block it' },
        warnings: { type: 'array', items: COUNTED_REASON, description: 'What the step will do to stored values, counted' },
        needsRoleRights: { type: 'boolean', const: true, description: 'The step puts or removes a role: only an admin or a holder of manageUsers may deploy it' },
        details: { type: 'array', items: { type: 'string' }, description: 'What changes inside a role, layout or list view, one line each (e.g. `opportunity update own → all`, `field phone moved from Details to Contact`)' },
      },
    },
  };
}

export function staticResponses(): Record<string, ResponseObject> {
  const out: Record<string, ResponseObject> = {};
  for (const { name, description } of Object.values(ERROR_RESPONSES)) {
    out[name] = { description, content: { [PROBLEM_TYPE]: { schema: schemaRef('Problem') } } };
  }
  out.TooManyRequests.headers = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
  return out;
}

export function staticParameters(): Record<string, ParameterObject> {
  return {
    RecordId: { name: 'id', in: 'path', required: true, description: 'The record\'s id', schema: UUID },
    Limit: { name: 'limit', in: 'query', description: 'Page size', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    Cursor: { name: 'cursor', in: 'query', description: 'The `nextCursor` of the previous page', schema: { type: 'string' } },
    IfMatch: { name: 'If-Match', in: 'header', description: 'The ETag (version) you read, e.g. `"3"`; a stale one gets 412. `*` matches any version.', schema: { type: 'string' } },
  };
}

/**
 * The routes that are not about records: health, auth, users, metadata, this document and
 * the event stream.
 */
import { errors, fieldList, json, PROBLEM_TYPE, schemaRef, UUID } from './shared.ts';
import type { PathItem, SecurityRequirement } from './types.ts';

export function platformPaths(visibleObjects: string[]): Record<string, PathItem> {
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
      get: { operationId: 'me', summary: 'The signed-in user', tags: ['Auth'], responses: { 200: { description: 'The caller, with their abilities', content: json(schemaRef('CurrentUser')) }, ...errors(401) } },
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
        description: 'Validates the bundle, plans, and applies the plan in one transaction. With `dryRun=true` only plans. Needs the studio ability; a plan that puts or removes a role also needs the rights to manage roles (admin or manageUsers), else 403 `needs_role_rights` with the plan, even for a dry run.',
        parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'boolean', default: false } }],
        requestBody: { required: true, content: json(schemaRef('PackageBundle')) },
        responses: { 200: { description: 'The plan, and whether it was applied', content: json(schemaRef('DeployResult')) }, ...errors(400, 401, 403, 409, 413, 422, 429) },
      },
    },
    '/api/metadata/archive': {
      post: {
        operationId: 'readPackageArchive', summary: 'Read a package folder archive as a bundle (admin)', tags: ['Metadata'],
        description: 'The body is a package folder packed as .zip, .tar.gz (.tgz) or .tar: at most 20 MB, unpacking to at most 50 MB in at most 5,000 entries. '
          + 'A single top folder holding `strata-package.json` is the package. Links, absolute paths and `..` are refused. Nothing is deployed: '
          + 'the answer is the package as one bundle, to send to `POST /api/metadata/deploy` (a dry run first). Each problem in `errors` names the file inside the archive. '
          + 'A package that changes roles is refused with 403 `needs_role_rights` when the caller may not manage roles, as its deploy would be.',
        requestBody: {
          required: true,
          content: Object.fromEntries(['application/zip', 'application/gzip', 'application/x-tar', 'application/octet-stream']
            .map((type) => [type, { schema: { type: 'string', format: 'binary', description: 'The archive\'s bytes' } }])),
        },
        responses: {
          200: { description: 'The package as a bundle', content: json(schemaRef('PackageBundle')) },
          ...errors(400, 401, 403, 413, 429),
          415: { description: 'The body is not sent as an archive type', content: { [PROBLEM_TYPE]: { schema: schemaRef('Problem') } } },
        },
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
          + 'connection open. Reconnect with `Last-Event-ID` to receive what you missed (at most the last 1000 events). '
          + 'When a deploy changes the metadata, every stream gets `event: metadata.changed` (no id, not replayed) with `data: {"type":"metadata.changed","version":<registry version>}`: refetch `/api/metadata`.',
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

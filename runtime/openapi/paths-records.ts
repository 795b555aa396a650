/**
 * The record routes of one object (`/api/records/<object>…`): list, create, get, update,
 * delete, restore, history and bulk, as far as the caller's role allows them.
 */
import type { AccessPolicy } from '../security/access.ts';
import type { ObjectView } from './object-schemas.ts';
import { errors, ETAG_HEADER, ALLOW_HEADER, fieldList, json, JSON_TYPE, paramRef, schemaRef } from './shared.ts';
import type { ParameterObject, PathItem, Ref, ResponseObject } from './types.ts';

const SYSTEM_FILTERABLE = ['id', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'];
const SEARCHED_TYPES = new Set(['text', 'longtext', 'email', 'phone']);

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

export function recordPaths(v: ObjectView, access: AccessPolicy): Record<string, PathItem> {
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
      parameters: [expandParameter(v.readable.filter((f) => f.type === 'reference').map((f) => f.name))],
      responses: {
        200: { ...recordResponse(`The ${label}; \`ETag\` is its version, \`Allow\` what the caller may do with it`), headers: { ETag: ETAG_HEADER, Allow: ALLOW_HEADER } },
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
      description: 'Moves the record (and what its delete cascades to) to the recycle bin; `restore` brings it back. With `If-Match`, a record changed since is not deleted (412).',
      tags,
      parameters: [paramRef('IfMatch')],
      responses: { 204: { description: 'Moved to the recycle bin' }, ...errors(400, 401, 403, 404, 409, 412, 429) },
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

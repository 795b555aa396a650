/** The generated REST API over every deployed object (CONTRACT §2). Thin: runtime/records does the work. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { badRequest } from '../../runtime/errors.ts';
import type { RecordContext } from '../../runtime/records/context.ts';
import { createRecord } from '../../runtime/records/create.ts';
import { getRecord } from '../../runtime/records/get.ts';
import { readHistory } from '../../runtime/records/history.ts';
import { listRecords } from '../../runtime/records/list.ts';
import { objectOf } from '../../runtime/records/context.ts';
import { deleteRecord } from '../../runtime/records/remove.ts';
import { restoreRecord } from '../../runtime/records/restore.ts';
import { updateRecord } from '../../runtime/records/update.ts';
import { loadRow } from '../../runtime/records/load.ts';
import { policyFor } from '../../runtime/security/policy.ts';
import { recordMethods } from '../../runtime/security/object-rights.ts';
import { requireUser } from '../plugins/auth.ts';

type Params = { object: string; id: string };

/** The record context of a request: the registry as it is now, for the whole request. */
export function recordContext(engine: Engine, request: FastifyRequest): RecordContext {
  const user = requireUser(request);
  const registry = engine.registry.current;
  return { knex: engine.knex, registry, seams: engine.seams, user: { id: user.id, email: user.email, roles: user.roles }, access: policyFor(registry, { id: user.id, roles: user.roles, teamIds: request.teamIds }) };
}

function etag(version: unknown): string {
  return `"${String(version)}"`;
}

/** If-Match: `"3"`, `W/"3"` or `3`; `*` means any version. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw badRequest('If-Match must be the ETag of the record (its version)', [{ field: 'If-Match', code: 'format', message: 'e.g. "3"' }]);
  return Number(m[1]);
}

function sendRecord(reply: FastifyReply, record: Record<string, unknown>, code = 200) {
  return reply.code(code).header('etag', etag(record.version)).send(record);
}

export function recordRoutes(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: Params; Querystring: Record<string, unknown> }>('/api/records/:object', async (request) => {
    const q = request.query;
    return listRecords(recordContext(engine, request), request.params.object, {
      filter: q.filter, sort: q.sort, limit: q.limit, cursor: q.cursor, fields: q.fields, q: q.q, expand: q.expand,
    });
  });

  app.post<{ Params: Params }>('/api/records/:object', async (request, reply) => {
    const record = await createRecord(recordContext(engine, request), request.params.object, request.body);
    reply.header('location', `/api/records/${request.params.object}/${record.id as string}`);
    return sendRecord(reply, record, 201);
  });

  app.get<{ Params: Params; Querystring: { expand?: unknown } }>('/api/records/:object/:id', async (request, reply) => {
    const ctx = recordContext(engine, request);
    const record = await getRecord(ctx, request.params.object, request.params.id, { expand: request.query.expand });
    // What the caller may do with this record (own / team / filter rights depend on it): screens offer only that.
    reply.header('allow', (await recordMethods(ctx.knex, ctx.access, objectOf(ctx, request.params.object), record.id as string)).join(', '));
    return sendRecord(reply, record);
  });

  app.patch<{ Params: Params }>('/api/records/:object/:id', async (request, reply) => {
    const ifMatch = parseIfMatch(request.headers['if-match'] as string | undefined);
    const record = await updateRecord(recordContext(engine, request), request.params.object, request.params.id, request.body, { ifMatch });
    return sendRecord(reply, record);
  });

  app.delete<{ Params: Params }>('/api/records/:object/:id', async (request, reply) => {
    const ifMatch = parseIfMatch(request.headers['if-match'] as string | undefined);
    await deleteRecord(recordContext(engine, request), request.params.object, request.params.id, { ifMatch });
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>('/api/records/:object/:id/restore', async (request, reply) => {
    const record = await restoreRecord(recordContext(engine, request), request.params.object, request.params.id);
    return sendRecord(reply, record);
  });

  app.get<{ Params: Params }>('/api/records/:object/:id/history', async (request) => {
    const ctx = recordContext(engine, request);
    const object = objectOf(ctx, request.params.object);
    await loadRow(ctx.knex, ctx, object, request.params.id, { action: 'read' });
    return readHistory(ctx.knex, object.name, request.params.id, (f) => ctx.access.field(object, f) !== 'none');
  });
}

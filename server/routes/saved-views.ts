/**
 * `/api/views/:object`: saved list views on the server (runtime/views/saved-views.ts): the
 * caller's own and the shared ones, for objects the caller may read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { notFound } from '../../runtime/errors.ts';
import { policyFor } from '../../runtime/security/policy.ts';
import { deleteSavedView, listSavedViews, saveView, type Viewer } from '../../runtime/views/saved-views.ts';
import { requireUser } from '../plugins/auth.ts';

function viewerOf(engine: Engine, request: FastifyRequest<{ Params: { object: string } }>): Viewer {
  const user = requireUser(request);
  const registry = engine.registry.current;
  const object = registry.objects.find((o) => o.name === request.params.object);
  if (!object || !policyFor(registry, { id: user.id, roles: user.roles, teamIds: request.teamIds }).canSeeObject(object)) {
    throw notFound(`No object named ${JSON.stringify(request.params.object.slice(0, 60))}`);
  }
  return { id: user.id, admin: user.roles.includes('admin') };
}

export function savedViewRoutes(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { object: string } }>('/api/views/:object', async (request) =>
    listSavedViews(engine.knex, viewerOf(engine, request), request.params.object));

  app.post<{ Params: { object: string } }>('/api/views/:object', async (request, reply) =>
    reply.code(201).send(await saveView(engine.knex, viewerOf(engine, request), request.params.object, request.body)));

  app.delete<{ Params: { object: string; id: string } }>('/api/views/:object/:id', async (request, reply) => {
    await deleteSavedView(engine.knex, viewerOf(engine, request), request.params.object, request.params.id);
    return reply.code(204).send();
  });
}

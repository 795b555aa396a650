/** Users (admins, or holders of the `manageUsers` ability) and the audit log (admins): HTTP over runtime/security. */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { readAuditLog } from '../../runtime/security/audit.ts';
import { createUserAs, listUsersAs, updateUserAs } from '../../runtime/security/user-management.ts';
import { requireAdmin, requireUser } from '../plugins/auth.ts';
import { actorOf } from './auth.ts';

export function userRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/api/users', async (request) => listUsersAs(engine.knex, engine.registry.current, actorOf(request)));

  app.post('/api/users', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const user = await createUserAs(engine.knex, engine.registry.current, actorOf(request), {
      email: body.email, password: body.password, role: body.role ?? (body.roles ? undefined : 'read_only'), roles: body.roles, name: body.name, manager: body.manager,
    });
    return reply.code(201).send(user);
  });

  app.patch<{ Params: { id: string } }>('/api/users/:id', async (request) => {
    requireUser(request);
    return updateUserAs(engine.knex, engine.registry.current, actorOf(request), request.params.id, (request.body ?? {}) as Record<string, unknown>);
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/audit', async (request) => {
    requireAdmin(request);
    return readAuditLog(engine.knex, { limit: Number(request.query.limit ?? 100), before: request.query.before });
  });
}

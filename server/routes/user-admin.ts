/**
 * What the studio's Users screen needs beside /api/users: the roles one may give, and someone
 * else's API keys and multi-factor sign-in. The rules are runtime/security/user-credentials.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { givableRolesAs, listUserApiKeysAs, resetMfaAs, revokeUserApiKeyAs } from '../../runtime/security/user-credentials.ts';
import { actorOf } from './auth.ts';

export function userAdminRoutes(app: FastifyInstance, engine: Engine): void {
  // /api/metadata shows a non-admin only their own roles; giving roles needs them all.
  app.get('/api/users/roles', async (request) => givableRolesAs(engine.registry.current, actorOf(request)));

  app.get<{ Params: { id: string } }>('/api/users/:id/api-keys', async (request) =>
    listUserApiKeysAs(engine.knex, engine.registry.current, actorOf(request), request.params.id));

  app.delete<{ Params: { id: string; keyId: string } }>('/api/users/:id/api-keys/:keyId', async (request, reply) => {
    await revokeUserApiKeyAs(engine.knex, engine.registry.current, actorOf(request), request.params.id, request.params.keyId);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/users/:id/mfa/reset', async (request, reply) => {
    await resetMfaAs(engine.knex, engine.registry.current, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
}

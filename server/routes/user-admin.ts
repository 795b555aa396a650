/**
 * What the studio's Users screen needs beside /api/users: the roles one may give, and someone
 * else's sign-in credentials — their API keys (listed, revoked) and multi-factor sign-in (reset
 * after a lost device). For admins and holders of `manageUsers`; only an admin may touch an
 * admin's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { forbidden, notFound } from '../../runtime/errors.ts';
import { listApiKeys, revokeUserApiKey } from '../../runtime/security/api-keys.ts';
import { audit } from '../../runtime/security/audit.ts';
import { resetMfa } from '../../runtime/security/mfa.ts';
import { policyFor } from '../../runtime/security/policy.ts';
import { findUserById, type User } from '../../runtime/security/users.ts';
import { requireUser } from '../plugins/auth.ts';

function requireUserManager(engine: Engine, request: FastifyRequest): User {
  const actor = requireUser(request);
  if (!policyFor(engine.registry.current, actor).hasAbility('manageUsers')) throw forbidden('Managing users needs the manageUsers ability');
  return actor;
}

/** The caller (a user manager) and the user they act on. */
async function managedUser(engine: Engine, request: FastifyRequest<{ Params: { id: string } }>): Promise<{ actor: User; user: User }> {
  const actor = requireUserManager(engine, request);
  const user = await findUserById(engine.knex, request.params.id);
  if (!user) throw notFound('No such user');
  // Else a user manager could take over an admin's account, and so become admin.
  if (user.roles.includes('admin') && !actor.roles.includes('admin')) throw forbidden('Only an admin may change an admin');
  return { actor, user };
}

export function userAdminRoutes(app: FastifyInstance, engine: Engine): void {
  // /api/metadata shows a non-admin only their own roles; giving roles needs them all.
  app.get('/api/users/roles', async (request) => {
    const actor = requireUserManager(engine, request);
    const roles = engine.registry.current.roles.map((r) => ({ name: r.name, label: r.label ?? r.name }));
    return actor.roles.includes('admin') ? [{ name: 'admin', label: 'Admin' }, ...roles] : roles;
  });

  app.get<{ Params: { id: string } }>('/api/users/:id/api-keys', async (request) => {
    const { user } = await managedUser(engine, request);
    return listApiKeys(engine.knex, user.id);
  });

  app.delete<{ Params: { id: string; keyId: string } }>('/api/users/:id/api-keys/:keyId', async (request, reply) => {
    const { actor, user } = await managedUser(engine, request);
    await revokeUserApiKey(engine.knex, user.id, request.params.keyId);
    await audit(engine.knex, { action: 'api_key.revoke', actorId: actor.id, actorEmail: actor.email, target: user.email, ip: request.ip, detail: { key: request.params.keyId } });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/users/:id/mfa/reset', async (request, reply) => {
    const { actor, user } = await managedUser(engine, request);
    if (!(await resetMfa(engine.knex, user.id))) return reply.code(204).send();
    await audit(engine.knex, { action: 'mfa.reset', actorId: actor.id, actorEmail: actor.email, target: user.email, ip: request.ip });
    return reply.code(204).send();
  });
}

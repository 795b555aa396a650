/** Users (admins, or holders of the `manageUsers` ability) and the audit log (admins). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { forbidden } from '../../runtime/errors.ts';
import { audit } from '../../runtime/security/audit.ts';
import { policyFor } from '../../runtime/security/policy.ts';
import { createUser, findUserById, listUsers, updateUser } from '../../runtime/security/users.ts';
import { readAuditLog } from '../../runtime/security/audit.ts';
import { requireAdmin, requireUser } from '../plugins/auth.ts';

function requireUserManager(engine: Engine, request: FastifyRequest) {
  const user = requireUser(request);
  if (!policyFor(engine.registry.current, user).hasAbility('manageUsers')) throw forbidden('Managing users needs the manageUsers ability');
  return user;
}

export function userRoutes(app: FastifyInstance, engine: Engine): void {
  const knownRoles = () => ['admin', ...engine.registry.current.roles.map((r) => r.name)];

  app.get('/api/users', async (request) => {
    requireUserManager(engine, request);
    return listUsers(engine.knex);
  });

  app.post('/api/users', async (request, reply) => {
    const actor = requireUserManager(engine, request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Only an admin may hand out the admin role.
    if ((body.role === 'admin' || (Array.isArray(body.roles) && body.roles.includes('admin'))) && !actor.roles.includes('admin')) {
      throw forbidden('Only an admin may create admins');
    }
    const user = await createUser(engine.knex, { email: body.email, password: body.password, role: body.role ?? (body.roles ? undefined : 'read_only'), roles: body.roles, name: body.name, manager: body.manager }, knownRoles());
    await audit(engine.knex, { action: 'user.create', actorId: actor.id, actorEmail: actor.email, target: user.email, ip: request.ip, detail: { roles: user.roles } });
    return reply.code(201).send(user);
  });

  app.patch<{ Params: { id: string } }>('/api/users/:id', async (request) => {
    const actor = requireUserManager(engine, request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!actor.roles.includes('admin')) {
      if (body.roles !== undefined || body.role !== undefined) throw forbidden('Only an admin may change roles');
      // Else a user manager could set an admin's password, sign in as them and be admin.
      if ((await findUserById(engine.knex, request.params.id))?.roles.includes('admin')) throw forbidden('Only an admin may change an admin');
    }
    const user = await updateUser(engine.knex, request.params.id, body, knownRoles());
    await audit(engine.knex, { action: 'user.update', actorId: actor.id, actorEmail: actor.email, target: user.email, ip: request.ip, detail: body.password === undefined ? body : { ...body, password: '***' } });
    return user;
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/audit', async (request) => {
    requireAdmin(request);
    return readAuditLog(engine.knex, { limit: Number(request.query.limit ?? 100), before: request.query.before });
  });
}

/** Sign-in and sign-out. */
import { randomBytes } from 'node:crypto';
import { policyFor } from '../../runtime/security/policy.ts';

const ABILITIES = ['import', 'export', 'studio', 'manageUsers'] as const;
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { badRequest, StrataError, unauthorized } from '../../runtime/errors.ts';
import { loginRetryAfter } from '../../runtime/security/login-throttle.ts';
import { consumeTotp, enableMfa, setupMfa } from '../../runtime/security/mfa.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../runtime/security/api-keys.ts';
import { audit } from '../../runtime/security/audit.ts';
import { hashPassword, verifyPassword } from '../../runtime/security/passwords.ts';
import { createSession, endSession, SESSION_ABSOLUTE_HOURS } from '../../runtime/security/sessions.ts';
import { findUserByEmail } from '../../runtime/security/users.ts';
import { credentialOf, requireSession, requireUser, SESSION_COOKIE } from '../plugins/auth.ts';

export function authRoutes(app: FastifyInstance, engine: Engine): void {
  // Verifying against a real hash when the user is unknown keeps timing the same either way.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'));
  app.post('/api/auth/login', { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const body = request.body as { email?: unknown; password?: unknown } | undefined;
    const problems = [];
    if (typeof body?.email !== 'string' || body.email.length > 254) problems.push({ field: 'email', code: 'required', message: 'Give your email' });
    if (typeof body?.password !== 'string' || body.password.length > 1024) problems.push({ field: 'password', code: 'required', message: 'Give your password' });
    if (problems.length) throw badRequest('Email and password are required', problems);
    const email = body!.email as string;
    const wait = await loginRetryAfter(engine.knex, email);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new StrataError(429, 'too_many_attempts', `Too many failed sign-ins for this account; try again in ${wait} s`);
    }
    const user = await findUserByEmail(engine.knex, email);
    const ok = await verifyPassword(user?.passwordHash ?? await dummyHash, body!.password as string);
    if (!user || !ok || !user.active) {
      await audit(engine.knex, { action: 'login.failed', actorEmail: email, ip: request.ip });
      throw unauthorized('Wrong email or password');
    }
    if (user.mfaEnabled) {
      const totp = (body as { totp?: unknown }).totp;
      if (totp === undefined) {
        throw new StrataError(401, 'mfa_required', 'Enter the code from your authenticator app', [{ field: 'totp', code: 'required', message: 'A 6-digit code is required' }]);
      }
      if (!(await consumeTotp(engine.knex, user.id, totp))) {
        await audit(engine.knex, { action: 'login.failed', actorId: user.id, actorEmail: email, ip: request.ip, detail: { reason: 'totp' } });
        throw new StrataError(401, 'invalid_totp', 'That code is not valid', [{ field: 'totp', code: 'invalid', message: 'Wrong or reused code' }]);
      }
    }
    const token = await createSession(engine.knex, user.id, { ip: request.ip, userAgent: request.headers['user-agent'] });
    await audit(engine.knex, { action: 'login', actorId: user.id, actorEmail: user.email, ip: request.ip });
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https',
      maxAge: SESSION_ABSOLUTE_HOURS * 3600,
    });
    const { passwordHash: _h, ...publicUser } = user;
    return { token, user: publicUser };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = credentialOf(request);
    if (token) await endSession(engine.knex, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request) => {
    const user = requireUser(request);
    const policy = policyFor(engine.registry.current, user);
    return { ...user, abilities: ABILITIES.filter((a) => policy.hasAbility(a)) };
  });

  // A stolen key must not be able to put its own authenticator on the account.
  app.post('/api/auth/mfa/setup', async (request) => setupMfa(engine.knex, requireSession(request)));
  app.post('/api/auth/mfa/enable', async (request, reply) => {
    const user = requireSession(request);
    await enableMfa(engine.knex, user, (request.body as { totp?: unknown } | undefined)?.totp);
    await audit(engine.knex, { action: 'mfa.enable', actorId: user.id, actorEmail: user.email, ip: request.ip });
    return reply.code(204).send();
  });

  app.get('/api/auth/api-keys', async (request) => listApiKeys(engine.knex, requireUser(request).id));
  app.post('/api/auth/api-keys', async (request, reply) => {
    const user = requireUser(request);
    const roles = ['admin', ...engine.registry.current.roles.map((r) => r.name)];
    const created = await createApiKey(engine.knex, user, (request.body ?? {}) as { name?: unknown; role?: unknown }, roles, request.apiKeyRole ?? null);
    await audit(engine.knex, { action: 'api_key.create', actorId: user.id, actorEmail: user.email, target: created.id, ip: request.ip });
    return reply.code(201).send(created);
  });
  app.delete<{ Params: { id: string } }>('/api/auth/api-keys/:id', async (request, reply) => {
    const user = requireUser(request);
    await revokeApiKey(engine.knex, user, request.params.id);
    await audit(engine.knex, { action: 'api_key.revoke', actorId: user.id, actorEmail: user.email, target: request.params.id, ip: request.ip });
    return reply.code(204).send();
  });
}

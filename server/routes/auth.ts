/** Sign-in and sign-out, MFA set-up, API keys: HTTP over the rules in runtime/security. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import type { UserActor } from '../../runtime/security/actor.ts';
import { createApiKeyAs, listApiKeys, revokeApiKeyAs } from '../../runtime/security/api-keys.ts';
import { auditAs } from '../../runtime/security/actor.ts';
import { enableMfa, setupMfa } from '../../runtime/security/mfa.ts';
import { policyFor } from '../../runtime/security/policy.ts';
import { endSession, SESSION_ABSOLUTE_HOURS } from '../../runtime/security/sessions.ts';
import { signIn, SignInThrottled } from '../../runtime/security/sign-in.ts';
import { credentialOf, requireSession, requireUser, SESSION_COOKIE } from '../plugins/auth.ts';

const ABILITIES = ['import', 'export', 'studio', 'manageUsers'] as const;

/** The caller as the audit log and the security rules see them. */
export function actorOf(request: FastifyRequest): UserActor {
  return { kind: 'user', user: requireUser(request), ip: request.ip, apiKeyId: request.apiKeyId, apiKeyRole: request.apiKeyRole ?? null };
}

export function authRoutes(app: FastifyInstance, engine: Engine): void {
  app.post('/api/auth/login', { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const body = (request.body ?? {}) as { email?: unknown; password?: unknown; totp?: unknown };
    let signedIn;
    try {
      signedIn = await signIn(engine.knex, { email: body.email, password: body.password, totp: body.totp, ip: request.ip, userAgent: request.headers['user-agent'] });
    } catch (err) {
      if (err instanceof SignInThrottled) reply.header('retry-after', String(err.retryAfter));
      throw err;
    }
    reply.setCookie(SESSION_COOKIE, signedIn.token, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https',
      maxAge: SESSION_ABSOLUTE_HOURS * 3600,
    });
    return signedIn;
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
    await auditAs(engine.knex, actorOf(request), 'mfa.enable', null);
    return reply.code(204).send();
  });

  app.get('/api/auth/api-keys', async (request) => listApiKeys(engine.knex, requireUser(request).id));
  app.post('/api/auth/api-keys', async (request, reply) => {
    const created = await createApiKeyAs(engine.knex, engine.registry.current, actorOf(request), (request.body ?? {}) as { name?: unknown; role?: unknown });
    return reply.code(201).send(created);
  });
  app.delete<{ Params: { id: string } }>('/api/auth/api-keys/:id', async (request, reply) => {
    await revokeApiKeyAs(engine.knex, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
}

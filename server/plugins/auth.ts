/**
 * Authentication: a session cookie (HttpOnly, SameSite=Strict) or `Authorization: Bearer`.
 * Every /api route needs one, except those marked public.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { unauthorized, forbidden } from '../../runtime/errors.ts';
import { resolveSession } from '../../runtime/security/sessions.ts';
import type { User } from '../../runtime/security/users.ts';

export const SESSION_COOKIE = 'strata_session';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
  }
}

export function credentialOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length < 1000) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m) return m[1];
  }
  return request.cookies?.[SESSION_COOKIE];
}

export function registerAuth(app: FastifyInstance, engine: Engine): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    if (request.routeOptions.config?.public) return;
    const token = credentialOf(request);
    if (!token) throw unauthorized('Sign in first: send the session cookie or an Authorization: Bearer token');
    const user = await resolveSession(engine.knex, token);
    if (!user) throw unauthorized('The session or key is invalid or has expired');
    request.user = user;
  });
}

export function requireUser(request: FastifyRequest): User {
  if (!request.user) throw unauthorized();
  return request.user;
}

export function requireAdmin(request: FastifyRequest): User {
  const user = requireUser(request);
  if (!user.roles.includes('admin')) throw forbidden('Only an admin may do this');
  return user;
}

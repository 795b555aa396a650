/**
 * Authentication: a session cookie (HttpOnly, SameSite=Strict), or `Authorization: Bearer`
 * with a session token or an API key. Every /api route needs one, except those marked public.
 * Cookie-authenticated writes must come from our own origin (CSRF defence in depth).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../runtime/engine.ts';
import { forbidden, unauthorized } from '../../runtime/errors.ts';
import { audit } from '../../runtime/security/audit.ts';
import { CredentialCache, type Credential, type CredentialCacheOptions } from '../../runtime/security/credential-cache.ts';
import { requireAdmin as adminOnly } from '../../runtime/security/rights.ts';
import { teamIds, usesTeam } from '../../runtime/security/team.ts';
import type { User } from '../../runtime/security/users.ts';

export const SESSION_COOKIE = 'strata_session';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's cache of resolved sessions and keys (runtime/security/credential-cache.ts). */
    credentials: CredentialCache;
  }
  interface FastifyRequest {
    user?: User;
    /** The caller and everyone under them (only looked up when a role grants `team`). */
    teamIds?: string[];
    apiKeyId?: string;
    /** The role the API key is limited to (null: the key acts with all its owner's roles). */
    apiKeyRole?: string | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Where a write may end sessions, revoke keys or change users. */
const REVOKING_ROUTES = /^\/api\/(auth|users)(\/|$)/;

export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > 1000) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

export function credentialOf(request: FastifyRequest): string | undefined {
  return bearerOf(request) ?? request.cookies?.[SESSION_COOKIE];
}

/**
 * Whether a cookie-authenticated write comes from our own pages. Browsers send Origin on every
 * POST/PATCH/DELETE (and Sec-Fetch-Site); a request with neither comes from no browser page.
 * `same-site` is refused too: a sibling subdomain gets a SameSite=Strict cookie sent along.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    // Both sides parsed alike, so a default port written out or left off compares equal.
    return new URL(origin).host === new URL(`${request.protocol}://${request.host}`).host;
  } catch {
    return false;
  }
}

export function registerAuth(app: FastifyInstance, engine: Engine, cacheOptions: Partial<CredentialCacheOptions> = {}): void {
  const credentials = new CredentialCache(engine.knex, { url: engine.db.url, log: (message, err) => app.log.warn({ err }, message), ...cacheOptions });
  app.decorate('credentials', credentials);
  app.addHook('onReady', async () => {
    await credentials.start();
  });
  app.addHook('onClose', async () => {
    await credentials.stop();
  });
  /** Sets request.user; a promise only when the database must be asked (cache miss, team). */
  const authenticate = (request: FastifyRequest): void | Promise<void> => {
    // The route's own pattern: `/%61pi/users` reaches /api/users too, so the raw URL is not enough.
    const path = request.routeOptions.url ?? request.url;
    if (!path.startsWith('/api/')) return;
    if (request.routeOptions.config?.public) return;
    const bearer = bearerOf(request);
    const token = bearer ?? request.cookies?.[SESSION_COOKIE];
    if (!token) throw unauthorized('Sign in first: send the session cookie or an Authorization: Bearer token');
    const accept = (credential: Credential | undefined): void | Promise<void> => {
      if (!credential) throw unauthorized('The session or key is invalid or has expired');
      if (!bearer && !SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
        throw forbidden('Cross-site request refused');
      }
      const user = credential.user;
      if (credential.keyId) {
        request.apiKeyId = credential.keyId;
        request.apiKeyRole = credential.keyRole ?? null;
      }
      request.user = user;
      if (usesTeam(engine.registry.current, user.roles)) {
        return teamIds(engine.knex, user.id).then((ids) => { request.teamIds = ids; });
      }
    };
    // A session seen before answers from memory, without a promise in between.
    const cached = credentials.cached(token);
    return cached ? accept(cached) : credentials.resolve(token).then(accept);
  };
  // Callback-style hooks: most requests need no promise here at all.
  app.addHook('onRequest', (request, _reply, done) => {
    let pending: void | Promise<void>;
    try {
      pending = authenticate(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (pending) pending.then(() => done(), done);
    else done();
  });
  // Sign-out, key revocation and user changes: the answer waits until this process's cache
  // has dropped what they revoked (one round trip on the LISTEN connection), so the caller's
  // next request is already refused here, and — the notification reaching every process at
  // once — elsewhere.
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (SAFE_METHODS.has(request.method) || !REVOKING_ROUTES.test(request.routeOptions.url ?? request.url)) {
      done(null, payload);
      return;
    }
    credentials.sync().then(() => done(null, payload), done);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    // Key use is audited (who used which key for what), sampled to writes to keep the log useful.
    if (!request.apiKeyId || SAFE_METHODS.has(request.method)) {
      done();
      return;
    }
    audit(engine.knex, { action: 'api_key.use', actorId: request.user?.id, actorEmail: request.user?.email, target: request.apiKeyId, ip: request.ip, detail: { method: request.method, url: request.url.slice(0, 200) } })
      .catch(() => {})
      .finally(() => done());
  });
}

export function requireUser(request: FastifyRequest): User {
  if (!request.user) throw unauthorized();
  return request.user;
}

/** For what only a signed-in person may do (not a script holding an API key): MFA set-up. */
export function requireSession(request: FastifyRequest): User {
  const user = requireUser(request);
  if (request.apiKeyId) throw forbidden('Sign in to do this; an API key cannot');
  return user;
}

export function requireAdmin(request: FastifyRequest): User {
  return adminOnly(requireUser(request));
}

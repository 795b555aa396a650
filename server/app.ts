/**
 * The HTTP server, composed: plugins (errors, security headers, cookies, auth) and routes.
 * Thin: every rule lives in runtime/, where the CLI gets it too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Engine } from '../runtime/engine.ts';
import type { CredentialCacheOptions } from '../runtime/security/credential-cache.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerCompression } from './plugins/compress.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import { registerStudio } from './plugins/studio.ts';
import { registerInputGuard } from './plugins/input-guard.ts';
import { logLevelFromEnv, loggerOptions, registerRequestLog, type LoggingOptions } from './plugins/logging.ts';
import { clientErrorHandler, frameworkErrors, registerProblemHandler } from './plugins/problem.ts';
import { DEFAULT_RATE_LIMIT, registerRateLimit } from './plugins/rate-limit.ts';
import { authRoutes } from './routes/auth.ts';
import { bulkRoutes } from './routes/bulk.ts';
import { convertRoutes } from './routes/convert.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { recordRoutes } from './routes/records.ts';
import { savedViewRoutes } from './routes/saved-views.ts';
import { userAdminRoutes } from './routes/user-admin.ts';
import { userRoutes } from './routes/users.ts';

export interface AppOptions {
  /** The log's level and destination (STRATA_LOG; info on stdout by default). */
  log?: LoggingOptions;
  /** Requests per minute per caller on /api (0: no general limit); sign-in has its own. */
  rateLimit?: number;
  /** Tuning of the session cache (tests slow its reconnects down, for one). */
  credentialCache?: Partial<CredentialCacheOptions>;
  /**
   * Which reverse proxies to believe about the client (X-Forwarded-For, -Host, -Proto):
   * fastify's trustProxy (addresses or CIDRs, a hop count as a function, or true). Off by default: without a
   * proxy, anyone could claim any address (and dodge the sign-in throttle) or host (and pass
   * the Origin check). `strata start` takes it from STRATA_TRUST_PROXY.
   */
  trustProxy?: TrustProxy;
}

export type TrustProxy = boolean | string | string[] | ((address: string, hop: number) => boolean);

/** STRATA_TRUST_PROXY: unset, empty, `false` or `0` → off; a number → hops; `true`; else addresses/CIDRs, comma-separated. */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): TrustProxy {
  const v = env.STRATA_TRUST_PROXY?.trim();
  if (!v || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_address, hop) => hop < hops;
  }
  return v.split(',').map((a) => a.trim()).filter(Boolean);
}

export const BODY_LIMIT = 1024 * 1024;

export async function buildApp(engine: Engine, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(opts.log ?? { level: logLevelFromEnv(process.env) }),
    bodyLimit: BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    // Answers Node or the router give before a route runs are problems too (431, 414, 400).
    clientErrorHandler,
    frameworkErrors,
    // Deeply nested JSON is rejected by the record layer; the parser itself must not choke.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  registerProblemHandler(app);
  registerRequestLog(app);
  registerInputGuard(app);
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // MUI (emotion) injects style elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(cookie);
  await registerCompression(app);
  // A budget per caller on every API route; sign-in adds its per-IP limit, and per-account throttling is in the login route.
  await registerRateLimit(app, opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  registerAuth(app, engine, opts.credentialCache);
  await registerStudio(app);
  healthRoutes(app, engine);
  authRoutes(app, engine);
  metadataRoutes(app, engine);
  recordRoutes(app, engine);
  convertRoutes(app, engine);
  bulkRoutes(app, engine);
  openApiRoutes(app, engine);
  eventRoutes(app, engine);
  userRoutes(app, engine);
  userAdminRoutes(app, engine);
  savedViewRoutes(app, engine);
  return app;
}

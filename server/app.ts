/**
 * The HTTP server, composed: plugins (errors, security headers, cookies, auth) and routes.
 * Thin: every rule lives in runtime/, where the CLI gets it too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import type { Engine } from '../runtime/engine.ts';
import { registerAuth } from './plugins/auth.ts';
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
import { userRoutes } from './routes/users.ts';

export interface AppOptions {
  /** The log's level and destination (STRATA_LOG; info on stdout by default). */
  log?: LoggingOptions;
  /** Requests per minute per caller on /api (0: no general limit); sign-in has its own. */
  rateLimit?: number;
}

export const BODY_LIMIT = 1024 * 1024;

export async function buildApp(engine: Engine, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(opts.log ?? { level: logLevelFromEnv(process.env) }),
    bodyLimit: BODY_LIMIT,
    // Trust a local reverse proxy for the client IP.
    trustProxy: '127.0.0.1',
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
  await app.register(helmet, {
    global: true,
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
  // A budget per caller on every API route; sign-in adds its per-IP limit, and per-account throttling is in the login route.
  await registerRateLimit(app, opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  registerAuth(app, engine);
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
  return app;
}

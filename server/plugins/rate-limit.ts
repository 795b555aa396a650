/**
 * Resource consumption (OWASP API4): every caller of the API gets a budget of requests per
 * minute — a user's sessions share one, an API key has its own — answered beyond it with 429
 * and Retry-After. Routes with their own tighter limit (sign-in, per IP) keep it. Checked
 * after authentication, so a budget belongs to the caller, not to whoever shares their
 * network address; unauthenticated calls end at 401 before spending anything.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';

/** Requests per minute per caller when nothing else is configured (`STRATA_RATE_LIMIT`). */
export const DEFAULT_RATE_LIMIT = 3000;

function callerKey(request: FastifyRequest): string {
  if (request.apiKeyId) return `key:${request.apiKeyId}`;
  if (request.user) return `user:${request.user.id}`;
  return `ip:${request.ip}`;
}

/** `perMinute` 0 turns the general budget off (route limits such as sign-in's stay). */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: perMinute > 0,
    max: perMinute > 0 ? perMinute : 1,
    timeWindow: '1 minute',
    hook: 'preHandler',
    keyGenerator: callerKey,
    // The studio's static files are not the API.
    allowList: (request) => !(request.routeOptions.url ?? request.url).startsWith('/api/'),
  });
}

/** `STRATA_RATE_LIMIT`: a whole number of requests per minute, 0 for no general limit. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env.STRATA_RATE_LIMIT;
  if (text === undefined || text === '') return DEFAULT_RATE_LIMIT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`STRATA_RATE_LIMIT must be a whole number of requests per minute (0 = no limit), not ${text}`);
  return n;
}

/**
 * The server's log, the fastify way: pino's JSON lines on stdout, one line per request at
 * `info`, every 5xx at `error` with its stack. Each request has a random id that the log line,
 * the `x-request-id` response header and a 5xx's problem body all carry, so an operator can
 * find the stack behind a user's "it has been logged". Secrets never reach the log: request
 * bodies are not logged at all, and whatever might carry a password, token, cookie or TOTP
 * code is redacted.
 */
import { randomUUID } from 'node:crypto';
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { UsageError } from '../config.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `STRATA_LOG` (debug|info|warn|error|silent …); info when unset. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env.STRATA_LOG?.trim().toLowerCase();
  if (!raw) return 'info';
  // Older set-ups said STRATA_LOG=1 to turn the log on.
  if (raw === '1' || raw === 'true' || raw === 'on') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new UsageError(`STRATA_LOG must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(env.STRATA_LOG)}`);
}

/** Where secrets could appear in a logged object (an error's context, a header dump). */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]',
  'password', 'newPassword', 'currentPassword', 'token', 'totp', 'secret', 'apiKey', 'cookie', 'authorization',
  '*.password', '*.newPassword', '*.currentPassword', '*.token', '*.totp', '*.secret', '*.apiKey', '*.cookie', '*.authorization',
  'body', '*.body',
];

/** Query parameters whose values are never written down, whatever the route. */
const SECRET_QUERY = /^(?:token|access_token|api_key|apikey|password|totp|code|secret)$/i;

/** The URL as logged: path and query, with secret-looking query values replaced. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const shown = new URLSearchParams();
  for (const [key, value] of params) shown.append(key, SECRET_QUERY.test(key) ? '[redacted]' : value);
  return `${url.slice(0, q)}?${shown.toString()}`;
}

export interface LoggingOptions {
  level: LogLevel;
  /** Where the JSON lines go (stdout unless a test captures them). */
  stream?: { write(line: string): void };
}

/** The part of fastify's options that sets up the logger and request ids. */
export function loggerOptions(opts: LoggingOptions): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'logController'> {
  return {
    logger: {
      level: opts.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(opts.stream ? { stream: opts.stream } : {}),
      serializers: {
        req: (req: { method: string; url: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
          method: req.method, url: loggableUrl(req.url), remoteAddress: req.ip ?? req.socket?.remoteAddress,
        }),
      },
    },
    // Random ids: unique across restarts and machines, unlike fastify's counter.
    genReqId: () => randomUUID(),
    // One line per request (written on response below) instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  };
}

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const line = {
      // Through the req serializer above: method, masked URL, client address.
      req: request,
      res: { statusCode: status },
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
    };
    // 5xx were logged with their stack by the error handler; this line still closes the request.
    if (status >= 500) request.log.warn(line, 'request failed');
    else request.log.info(line, 'request completed');
  });
}

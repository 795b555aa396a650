/**
 * One error handler: every failure leaves as application/problem+json (CONTRACT §2).
 * Bad input is a precise 4xx; anything unexpected is a 500 that says nothing about internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { StrataError, type FieldProblem } from '../../runtime/errors.ts';
import { serveAppShell } from './studio.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 428: 'Precondition Required',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, status: number, code: string, detail: string, errors?: FieldProblem[], extra?: Record<string, unknown>): FastifyReply {
  const body: Problem = {
    type: `https://strata.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(errors?.length ? { errors } : {}),
    ...extra,
  };
  return reply.code(status).type('application/problem+json').send(body);
}

/** Errors from other layers that carry their own status and field list (e.g. QueryError). */
interface CarriesProblems { status?: number; statusCode?: number; code?: string; errors?: FieldProblem[]; message: string }

function fastifyCode(err: FastifyError): { status: number; code: string; detail: string } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY': case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'malformed_json', detail: 'The body is not valid JSON' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'body_too_large', detail: 'The body is larger than this route accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', detail: 'Send JSON (application/json)' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'bad_content_length', detail: 'Content-Length does not match the body' };
    default:
      return undefined;
  }
}

export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof StrataError) {
      return sendProblem(reply, err.status, err.code, err.message, err.errors, err.extra);
    }
    const known = fastifyCode(err);
    if (known) return sendProblem(reply, known.status, known.code, known.detail);
    const carried = err as unknown as CarriesProblems;
    if (err.name === 'QueryError' || err.name === 'ExpressionError') {
      return sendProblem(reply, carried.status ?? 400, 'invalid_query', err.message, carried.errors);
    }
    if (err.validation) {
      const errors = err.validation.map((v) => ({
        field: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
        code: v.keyword,
        message: v.message ?? 'invalid',
      }));
      return sendProblem(reply, 400, 'invalid_request', 'The request is not valid', errors);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = status === 429 ? 'rate_limited' : 'bad_request';
      return sendProblem(reply, status, code, err.message);
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 500, 'internal', 'Something went wrong on the server; it has been logged');
  });
  app.setNotFoundHandler((request, reply) =>
    serveAppShell(request, reply) ?? sendProblem(reply, 404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`));
}

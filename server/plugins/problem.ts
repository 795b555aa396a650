/**
 * One error handler: every failure leaves as application/problem+json (CONTRACT §2).
 * Bad input is a precise 4xx; anything unexpected is a 500 that says nothing about internals.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 428: 'Precondition Required',
  429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
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

/** A problem body for answers written straight to the socket, before fastify has a request. */
function rawProblem(status: number, code: string, detail: string): string {
  const body = JSON.stringify({ type: `https://strata.dev/problems/${code}`, title: TITLES[status] ?? STATUS_CODES[status] ?? 'Error', status, detail });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Node's HTTP parser refuses some requests before fastify sees them (headers too large, a
 * malformed request line, a slow client): they are answered as problems too.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let answer: string;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    answer = rawProblem(431, 'headers_too_large', 'The request\'s headers (cookies and URL included) are larger than the server accepts (16 KB)');
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answer = rawProblem(408, 'request_timeout', 'The request did not arrive in time');
  } else {
    answer = rawProblem(400, 'malformed_request', 'The request is not valid HTTP');
  }
  this.log.debug({ err }, 'client error');
  if (socket.writable) socket.write(answer);
  socket.destroy();
}

/** Errors the router raises before a route runs (a path parameter too long, a bad URL). */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(reply, 414, 'uri_too_long', 'A part of the URL path is longer than any name or id (100 characters at most)', [{ field: 'path', code: 'too_long', message: 'at most 100 characters per path segment' }]);
  } else if (err.code === 'FST_ERR_BAD_URL') {
    void sendProblem(reply, 400, 'malformed_url', 'The URL path is not validly encoded', [{ field: 'path', code: 'invalid_format', message: 'not a valid URL component' }]);
  } else {
    void sendProblem(reply, 400, 'bad_request', err.message);
  }
}

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
    // The id links the answer to the logged stack: one id in the log line, the header and the body.
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 500, 'internal', `Something went wrong on the server; it has been logged as request ${request.id}`, undefined,
      { requestId: request.id, instance: `urn:strata:request:${request.id}` });
  });
  app.setNotFoundHandler((request, reply) =>
    serveAppShell(request, reply) ?? sendProblem(reply, 404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`));
}

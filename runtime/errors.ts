/**
 * Errors the engine raises on purpose. Each carries the HTTP status the server answers with
 * and, where it helps, one entry per offending field (`field` is a path into the input).
 */
export interface FieldProblem { field: string; code: string; message: string }

export class StrataError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors?: FieldProblem[];
  /** Extra members of the problem+json body (e.g. a refused deploy's plan). */
  readonly extra?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, errors?: FieldProblem[], extra?: Record<string, unknown>) {
    super(message);
    this.name = 'StrataError';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.extra = extra;
  }
}

export const badRequest = (message: string, errors?: FieldProblem[]) => new StrataError(400, 'bad_request', message, errors);
export const notFound = (message: string) => new StrataError(404, 'not_found', message);
export const forbidden = (message: string) => new StrataError(403, 'forbidden', message);
export const unauthorized = (message = 'Sign in first') => new StrataError(401, 'unauthorized', message);

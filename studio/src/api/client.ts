/**
 * The one HTTP client of the front end: JSON in and out (a Blob goes out as its bytes, e.g. an
 * uploaded archive), problem+json errors as ApiError.
 */

export interface FieldError { field: string; code: string; message: string }

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.detail === 'string' ? body.detail : `Request failed (${status})`);
    this.status = status;
    this.body = body;
    this.code = typeof body.type === 'string' ? body.type.split('/').pop() ?? '' : '';
    this.errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  }
}

let onUnauthorized: (() => void) | undefined;
/** Called when the session ends (401): the app shows the sign-in screen. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON; a Blob (a File too) is sent as it is, typed by its `type` unless a content-type header says otherwise. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return (await apiResponse<T>(path, opts)).body;
}

/** The body and the response headers (e.g. a record's `Allow`). */
export async function apiResponse<T>(path: string, opts: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const raw = opts.body instanceof Blob ? opts.body : undefined;
  if (raw) headers['content-type'] ??= raw.type || 'application/octet-stream';
  else if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    credentials: 'same-origin',
    signal: opts.signal,
  });
  if (res.status === 204 || res.status === 304) return { body: undefined as T, headers: res.headers };
  const text = await res.text();
  let body: unknown = undefined;
  try { body = text ? JSON.parse(text) : undefined; } catch { body = { detail: text.slice(0, 200) }; }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthorized?.();
    throw new ApiError(res.status, (body ?? {}) as Record<string, unknown>);
  }
  return { body: body as T, headers: res.headers };
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

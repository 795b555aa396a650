/**
 * One guard for every route: text that PostgreSQL cannot store never reaches a handler.
 * PostgreSQL's text and jsonb refuse the NUL character (\u0000) outright, so a NUL anywhere
 * in a JSON body, the query string or a path parameter is answered here with a 400 that
 * names the offending value's path, instead of a 500 from deep inside a query.
 */
import type { FastifyInstance } from 'fastify';
import type { FieldProblem } from '../../runtime/errors.ts';
import { badRequest } from '../../runtime/errors.ts';

/** At most this many offending values are listed; one is enough to act on, a few help. */
const MAX_LISTED = 20;

/**
 * Paths of strings or keys that contain a NUL: a body's as the API names fields elsewhere
 * (`email`, `items.3.name`), the query's and path's with their part (`query.q`, `params.id`).
 */
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export function nulPaths(root: unknown, base: string): string[] {
  const found: string[] = [];
  // An explicit stack: a body nested thousands of levels deep must not overflow ours.
  const stack: Array<[unknown, string]> = [[root, base]];
  while (stack.length && found.length < MAX_LISTED) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push(path || 'body');
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], join(path, String(i))]);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const childPath = join(path, key.replaceAll('\u0000', '\\u0000'));
        if (key.includes('\u0000')) found.push(childPath);
        else stack.push([child, childPath]);
      }
    }
  }
  return found;
}

export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const paths = [
      ...nulPaths(request.params, 'params'),
      ...nulPaths(request.query, 'query'),
      ...nulPaths(request.body, ''),
    ].slice(0, MAX_LISTED);
    if (!paths.length) return;
    const errors: FieldProblem[] = paths.map((field) => ({ field, code: 'invalid_character', message: 'must not contain the NUL character (\\u0000)' }));
    throw badRequest(`${paths[0]} contains the NUL character (\\u0000), which text cannot hold`, errors);
  });
}

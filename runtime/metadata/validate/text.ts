/**
 * Text PostgreSQL cannot store: the NUL character (\u0000) in any string or key of a bundle.
 * The HTTP server refuses it at the door; this check covers every other way in (package
 * folders, archives, `strata deploy`), where it would otherwise fail the apply half-way.
 */
import { pointer } from './problems.ts';
import type { Problem } from './problems.ts';

const MAX_LISTED = 20;

export function nulProblems(bundle: unknown): Problem[] {
  const problems: Problem[] = [];
  // An explicit stack: a bundle nested thousands of levels deep must not overflow ours.
  const stack: Array<[unknown, string]> = [[bundle, '']];
  while (stack.length && problems.length < MAX_LISTED) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) problems.push({ path, code: 'invalid_character', message: 'must not contain the NUL character (\\u0000)' });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], pointer(path, i)]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        if (key.includes('\u0000')) problems.push({ path: pointer(path, key.replaceAll('\u0000', '\\u0000')), code: 'invalid_character', message: 'a key must not contain the NUL character (\\u0000)' });
        else stack.push([child, pointer(path, key)]);
      }
    }
  }
  return problems;
}

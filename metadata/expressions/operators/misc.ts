/**
 * Miscellaneous: `log`.
 */
import type { OpCompiler } from '../compiler.ts';

export function log(a: unknown): unknown {
  console.log(a);
  return a;
}

export const logOperator: OpCompiler = (c, args, fn) => ({ js: `${c.helper('log')}(${c.arg(args, 0, fn).js})`, kind: 'any' });

/**
 * The code template of most Strata additions: a helper call with a fixed number of arguments.
 */
import type { Kind } from '../code.ts';
import type { OpCompiler } from '../compiler.ts';
import { ExpressionError } from '../error.ts';
import type { HelperName } from './helpers.ts';

/** A Strata addition: fixed arity, checked at compile time. */
export const call = (helper: HelperName, kind: Kind, min: number, max: number): OpCompiler => (c, args, fn, op) => {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new ExpressionError(`Operator "${op}" takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`, op);
  }
  const parts = Array.from({ length: max }, (_, i) => c.arg(args, i, fn).js);
  return { js: `${c.helper(helper)}(${parts.join(', ')})`, kind };
};

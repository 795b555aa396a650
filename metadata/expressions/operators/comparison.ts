/**
 * Comparison: `==`, `===`, `!=`, `!==`, `>`, `>=`, and `<`, `<=` with their between form.
 */
import type { OpCompiler } from '../compiler.ts';
import type { HelperName } from './helpers.ts';

export function lt3(a: unknown, b: unknown, c: unknown): boolean {
  return c === undefined ? (a as number) < (b as number) : (a as number) < (b as number) && (b as number) < (c as number);
}

export function le3(a: unknown, b: unknown, c: unknown): boolean {
  return c === undefined ? (a as number) <= (b as number) : (a as number) <= (b as number) && (b as number) <= (c as number);
}

export const binary = (operator: string): OpCompiler => (c, args, fn) =>
  ({ js: `(${c.arg(args, 0, fn).js} ${operator} ${c.arg(args, 1, fn).js})`, kind: 'bool' });

export const between = (operator: string, helper: HelperName): OpCompiler => (c, args, fn) => {
  if (args.length < 3) return binary(operator)(c, args, fn, operator);
  const [a, b, x] = [0, 1, 2].map((i) => c.arg(args, i, fn).js);
  return { js: `${c.helper(helper)}(${a}, ${b}, ${x})`, kind: 'bool' };
};

/**
 * Arrays: `in` (lists and strings), `merge`, and `map`, `filter`, `reduce`, `all`, `none`,
 * `some`, whose logic runs over each item as its own function.
 */
import type { Kind } from '../code.ts';
import type { OpCompiler } from '../compiler.ts';
import { isTruthy } from '../truthy.ts';
import type { HelperName } from './helpers.ts';

export function inOp(a: unknown, b: unknown): boolean {
  if (typeof b === 'string') return b !== '' && b.indexOf(a as string) !== -1;
  return Array.isArray(b) && b.indexOf(a) !== -1;
}

type Scoped = (d: unknown) => unknown;

export function mapOp(arr: unknown, f: Scoped): unknown[] {
  if (!Array.isArray(arr)) return [];
  const out = new Array<unknown>(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = f(arr[i]);
  return out;
}

export function filterOp(arr: unknown, f: Scoped): unknown[] {
  if (!Array.isArray(arr)) return [];
  const out: unknown[] = [];
  for (let i = 0; i < arr.length; i++) if (isTruthy(f(arr[i]))) out.push(arr[i]);
  return out;
}

export function reduceOp(arr: unknown, f: Scoped, initial: unknown): unknown {
  if (!Array.isArray(arr)) return initial;
  let acc = initial;
  for (let i = 0; i < arr.length; i++) acc = f({ current: arr[i], accumulator: acc });
  return acc;
}

export function allOp(arr: unknown, f: Scoped): boolean {
  if (!Array.isArray(arr) || arr.length === 0) return false;
  for (let i = 0; i < arr.length; i++) if (!isTruthy(f(arr[i]))) return false;
  return true;
}

export function someOp(arr: unknown, f: Scoped): boolean {
  if (!Array.isArray(arr)) return false;
  for (let i = 0; i < arr.length; i++) if (isTruthy(f(arr[i]))) return true;
  return false;
}

export function noneOp(arr: unknown, f: Scoped): boolean {
  return !someOp(arr, f);
}

export const scopedOp = (helper: HelperName, kind: Kind): OpCompiler => (c, args, fn) =>
  ({ js: `${c.helper(helper)}(${c.arg(args, 0, fn).js}, ${c.scoped(args[1])})`, kind });

export const inOperator: OpCompiler = (c, args, fn) => {
  const needle = c.arg(args, 0, fn).js;
  const hay = args[1];
  // A literal list of primitives is searched through a Set built once, not rebuilt per call.
  if (Array.isArray(hay) && hay.every((x) => x === null || (typeof x !== 'object' && !Number.isNaN(x)))) {
    return { js: `${c.constant(new Set(hay))}.has(${needle})`, kind: 'bool' };
  }
  if (typeof hay === 'string') {
    return hay === '' ? { js: `(${needle}, false)`, kind: 'bool' } : { js: `(${JSON.stringify(hay)}.indexOf(${needle}) !== -1)`, kind: 'bool' };
  }
  return { js: `${c.helper('inOp')}(${needle}, ${c.arg(args, 1, fn).js})`, kind: 'bool' };
};

export const mergeOperator: OpCompiler = (c, args, fn) => ({ js: `[].concat(${args.map((a) => c.compile(a, fn).js).join(', ')})`, kind: 'array' });

export const reduceOperator: OpCompiler = (c, args, fn) => {
  const initial = args[2] !== undefined ? c.compile(args[2], fn).js : 'null';
  return { js: `${c.helper('reduce')}(${c.arg(args, 0, fn).js}, ${c.scoped(args[1])}, ${initial})`, kind: 'any' };
};

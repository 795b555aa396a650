/**
 * Logic: `if` / `?:`, `!`, `!!`, `and`, `or`, and the Strata addition `coalesce`.
 */
import { joinKinds, SCALAR_KINDS } from '../code.ts';
import type { Code } from '../code.ts';
import type { OpCompiler } from '../compiler.ts';

export const andOr = (isAnd: boolean): OpCompiler => (c, args, fn) => {
  if (args.length === 0) return { js: 'undefined', kind: 'any' };
  const codes = args.map((a) => c.compile(a, fn));
  const kind = joinKinds(codes.map((x) => x.kind));
  // Without arrays in play JavaScript's && and || already return the deciding operand.
  if (codes.every((x) => SCALAR_KINDS.has(x.kind))) {
    return { js: `(${codes.map((x) => x.js).join(isAnd ? ' && ' : ' || ')})`, kind };
  }
  let js = codes[codes.length - 1].js;
  for (let i = codes.length - 2; i >= 0; i--) {
    const t = fn.temp();
    const test = c.truthy({ js: t, kind: codes[i].kind });
    js = isAnd ? `((${t} = ${codes[i].js}), ${test} ? ${js} : ${t})` : `((${t} = ${codes[i].js}), ${test} ? ${t} : ${js})`;
  }
  return { js, kind };
};

export const ifOp: OpCompiler = (c, args, fn) => {
  // Pairs of (condition, branch), then an optional else; no else means null.
  const parts: Array<[string, Code]> = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    parts.push([c.truthy(c.compile(args[i], fn)), c.compile(args[i + 1], fn)]);
  }
  const last = args.length % 2 === 1 ? c.compile(args[args.length - 1], fn) : c.literal(null);
  let js = last.js;
  for (let i = parts.length - 1; i >= 0; i--) js = `(${parts[i][0]} ? ${parts[i][1].js} : ${js})`;
  return { js, kind: joinKinds([last, ...parts.map((p) => p[1])].map((b) => b.kind)) };
};

export const notOperator: OpCompiler = (c, args, fn) => ({ js: `!${c.truthy(c.arg(args, 0, fn))}`, kind: 'bool' });

export const doubleNotOperator: OpCompiler = (c, args, fn) => ({ js: c.truthy(c.arg(args, 0, fn)), kind: 'bool' });

export const coalesceOperator: OpCompiler = (c, args, fn) => {
  if (args.length === 0) return c.literal(null);
  // `??` is lazy and treats null and undefined alike: exactly "first non-null".
  return { js: `(${args.map((a) => c.compile(a, fn).js).join(' ?? ')} ?? null)`, kind: 'value' };
};

/**
 * Arithmetic: `+`, `-`, `*`, `/`, `%`, `min`, `max`, and the Strata additions `round`, `abs`.
 */
import { numberLiteral } from '../code.ts';
import type { Code } from '../code.ts';
import type { OpCompiler } from '../compiler.ts';
import { ExpressionError } from '../error.ts';

export function num(x: unknown): number {
  // `+ 0` turns -0 into 0 as parseFloat(String(-0)) does in json-logic-js.
  return typeof x === 'number' ? x + 0 : parseFloat(x as string);
}

export function minus(a: unknown, b: unknown): number {
  return b === undefined ? -(a as number) : (a as number) - (b as number);
}

export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/** Moves the decimal point through the exponent, so no binary rounding error creeps in. */
function shift(v: number, places: number): number {
  const [mantissa, exp = '0'] = String(v).split('e');
  return Number(`${mantissa}e${Number(exp) + places}`);
}

export function round(n: unknown, digits: unknown): number | null {
  const x = toNumber(n);
  const d = digits === undefined || digits === null ? 0 : toNumber(digits);
  if (x === null || d === null) return null;
  if (!Number.isFinite(x)) return x;
  const places = Math.trunc(d);
  return shift(Math.sign(x) * Math.round(shift(Math.abs(x), places)), -places) + 0;
}

export function abs(n: unknown): number | null {
  const x = toNumber(n);
  return x === null ? null : Math.abs(x);
}

export const arithmetic = (operator: string): OpCompiler => (c, args, fn) =>
  ({ js: `(${c.arg(args, 0, fn).js} ${operator} ${c.arg(args, 1, fn).js})`, kind: 'num' });

export const plusOperator: OpCompiler = (c, args, fn) => {
  // json-logic-js: reduce((a, b) => parseFloat(a) + parseFloat(b), 0)
  const terms = args.map((a) => {
    const code = c.compile(a, fn);
    if (code.constant) return numberLiteral(num(code.constant.value));
    return code.kind === 'num' ? code.js : `${c.helper('num')}(${code.js})`;
  });
  if (terms.length === 0) return { js: '0', kind: 'num', constant: { value: 0 } };
  return { js: `(0 + ${terms.join(' + ')})`, kind: 'num' };
};

export const timesOperator: OpCompiler = (c, args, fn, op) => {
  // json-logic-js: reduce((a, b) => parseFloat(a) * parseFloat(b)) with no initial value,
  // so one operand comes back untouched and none at all is an error.
  if (args.length === 0) throw new ExpressionError('Operator "*" needs at least one argument', op);
  const codes = args.map((a) => c.compile(a, fn));
  if (codes.length === 1) return codes[0];
  const factor = (code: Code): string => {
    if (code.constant) return numberLiteral(num(code.constant.value));
    return code.kind === 'num' ? `(${code.js} + 0)` : `${c.helper('num')}(${code.js})`;
  };
  let js = `(${factor(codes[0])} * ${factor(codes[1])})`;
  for (let i = 2; i < codes.length; i++) js = `((${js} + 0) * ${factor(codes[i])})`;
  return { js, kind: 'num' };
};

export const minusOperator: OpCompiler = (c, args, fn) => {
  const a = c.arg(args, 0, fn);
  if (args.length < 2) return { js: `(-${a.js})`, kind: 'num' };
  const b = c.arg(args, 1, fn);
  if (b.kind === 'any') return { js: `${c.helper('minus')}(${a.js}, ${b.js})`, kind: 'num' };
  return { js: `(${a.js} - ${b.js})`, kind: 'num' };
};

export const minOperator: OpCompiler = (c, args, fn) => ({ js: `Math.min(${args.map((a) => c.compile(a, fn).js).join(', ')})`, kind: 'num' });

export const maxOperator: OpCompiler = (c, args, fn) => ({ js: `Math.max(${args.map((a) => c.compile(a, fn).js).join(', ')})`, kind: 'num' });

/**
 * Strings: `cat`, `substr`, and the Strata additions `lower`, `upper`, `trim`, `length`.
 */
import type { OpCompiler } from '../compiler.ts';

export function str(x: unknown): string {
  // Array.prototype.join (json-logic-js's cat) writes null and undefined as ''.
  return x === null || x === undefined ? '' : typeof x === 'string' ? x : String(x);
}

export function substr(source: unknown, start: unknown, end: unknown): string {
  const s = String(source);
  if ((end as number) < 0) {
    // A negative length counts back from the end (PHP's substr), as json-logic-js does.
    const temp = s.substr(start as number);
    return temp.substr(0, temp.length + (end as number));
  }
  return s.substr(start as number, end as number);
}

export function lower(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).toLowerCase();
}

export function upper(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).toUpperCase();
}

export function trim(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).trim();
}

export function length(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' || Array.isArray(v) ? v.length : String(v).length;
}

export const catOperator: OpCompiler = (c, args, fn) => {
  const pieces = args.map((a) => {
    const code = c.compile(a, fn);
    if (code.constant) return JSON.stringify(str(code.constant.value));
    return code.kind === 'str' ? code.js : `${c.helper('str')}(${code.js})`;
  });
  return { js: `("" + ${pieces.join(' + ') || '""'})`, kind: 'str' };
};

export const substrOperator: OpCompiler = (c, args, fn) =>
  ({ js: `${c.helper('substr')}(${[0, 1, 2].map((i) => c.arg(args, i, fn).js).join(', ')})`, kind: 'str' });

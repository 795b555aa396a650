/**
 * A piece of generated JavaScript, and what the compiler knows of the value it computes.
 */

/**
 * What the compiler knows of a value, to skip needless conversions:
 * bool/num/str ⊂ scalar (any non-array primitive, null included); `value` is anything but
 * undefined; `any` may be undefined too. Only `any` and `value` need the truthy() helper.
 */
export type Kind = 'bool' | 'num' | 'str' | 'scalar' | 'array' | 'value' | 'any';
export interface Code {
  js: string;
  kind: Kind;
  /** Set when the code is a constant primitive, for folding. */
  constant?: { value: string | number | boolean | null };
}

export const SCALAR_KINDS: ReadonlySet<Kind> = new Set(['bool', 'num', 'str', 'scalar']);

export function joinKinds(kinds: readonly Kind[]): Kind {
  if (kinds.length === 0) return 'any';
  if (kinds.every((k) => k === kinds[0])) return kinds[0];
  if (kinds.every((k) => SCALAR_KINDS.has(k))) return 'scalar';
  return kinds.includes('any') ? 'any' : 'value';
}

export function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '(-Infinity)';
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${String(n)})` : String(n);
}

export function isLogic(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

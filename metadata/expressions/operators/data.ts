/**
 * Accessing data: `var`, `missing`, `missing_some`. Reads are own-property reads wherever a
 * built-in prototype could answer (see the header of compile.ts).
 */
import type { Code } from '../code.ts';
import type { Compiler, Fn, OpCompiler } from '../compiler.ts';

export function own(obj: unknown, key: string): unknown {
  return obj !== null && obj !== undefined && Object.hasOwn(obj, key)
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

/** `var` with a path computed at run time (rare): same walk as the inlined one, all own reads. */
export function getVar(data: unknown, path: unknown, notFound: unknown): unknown {
  const nf = notFound === undefined ? null : notFound;
  if (path === undefined || path === '' || path === null) return data;
  let cur = data;
  for (const seg of String(path).split('.')) {
    if (cur === null || cur === undefined) return nf;
    cur = own(cur, seg);
    if (cur === undefined) return nf;
  }
  return cur;
}

export function missing(data: unknown, args: readonly unknown[]): unknown[] {
  const keys: readonly unknown[] = Array.isArray(args[0]) ? args[0] : args;
  const out: unknown[] = [];
  for (const key of keys) {
    const value = Array.isArray(key) ? getVar(data, key[0], key[1]) : getVar(data, key, null);
    if (value === null || value === '') out.push(key);
  }
  return out;
}

export function missingSome(data: unknown, need: unknown, options: unknown): unknown[] {
  const list: readonly unknown[] = Array.isArray(options) ? options : [options];
  const absent = missing(data, list);
  return list.length - absent.length >= (need as number) ? [] : absent;
}

/**
 * Property names found on built-in prototypes. A `var` segment with one of these names is
 * read as an own property only; any other name is a plain (fast) property read, which can
 * only find data because no built-in prototype has it.
 */
export const INHERITED_NAMES: ReadonlySet<string> = (() => {
  const names = new Set<string>(['__proto__', 'constructor', 'prototype']);
  const protos: unknown[] = [
    Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype,
    Function.prototype, Date.prototype, RegExp.prototype, Map.prototype, Set.prototype,
    Promise.prototype, Error.prototype, Symbol.prototype, BigInt.prototype,
    Object.getPrototypeOf(Uint8Array.prototype), Uint8Array.prototype,
  ];
  for (const p of protos) for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  return names;
})();

function isPathLiteral(v: unknown): v is string | number | boolean | null | undefined {
  return v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v);
}

function isKey(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

/** `missing` over literal keys: one inlined `var` read per key. */
function staticMissing(c: Compiler, keys: ReadonlyArray<string | number>, fn: Fn): Code {
  if (keys.length === 0) return { js: '[]', kind: 'array' };
  const out = fn.temp();
  const checks = keys.map((key) => {
    const v = fn.temp();
    const read = key === '' ? 'd' : c.staticVar(key, null, fn).js; // `{"var": ""}` is the data itself
    return `((${v} = ${read}) === null || ${v} === "") && ${out}.push(${c.literal(key).js})`;
  });
  return { js: `(${out} = [], ${checks.join(', ')}, ${out})`, kind: 'array' };
}

export const varOperator: OpCompiler = (c, args, fn) => {
  const path = args[0];
  const fallback = args.length > 1 && args[1] !== undefined ? c.compile(args[1], fn) : null;
  if (!isPathLiteral(path)) {
    return { js: `${c.helper('getVar')}(d, ${c.compile(path, fn).js}, ${fallback ? fallback.js : 'null'})`, kind: 'any' };
  }
  if (path === undefined || path === null || path === '') return { js: 'd', kind: 'any' };
  return c.staticVar(path, fallback, fn);
};

export const missingOperator: OpCompiler = (c, args, fn) => {
  if (args.every(isKey)) return staticMissing(c, args, fn);
  return { js: `${c.helper('missing')}(d, [${args.map((a) => c.compile(a, fn).js).join(', ')}])`, kind: 'array' };
};

export const missingSomeOperator: OpCompiler = (c, args, fn) => {
  const options = args[1];
  if (Array.isArray(options) && options.every(isKey)) {
    // Literal keys: inline the reads as `missing` does, then json-logic-js's count test.
    const t = fn.temp();
    const need = c.arg(args, 0, fn).js;
    return { js: `((${t} = ${staticMissing(c, options, fn).js}), ${options.length} - ${t}.length >= ${need} ? [] : ${t})`, kind: 'array' };
  }
  return { js: `${c.helper('missingSome')}(d, ${c.arg(args, 0, fn).js}, ${c.arg(args, 1, fn).js})`, kind: 'array' };
};

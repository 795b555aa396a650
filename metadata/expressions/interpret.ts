/**
 * The same expressions without `new Function`, for the browser: the studio's pages run under a
 * Content-Security-Policy without 'unsafe-eval', so there a rule becomes a tree of closures
 * instead of generated code. Same operators, same run-time helpers (operators/*.ts), same
 * compile-time errors (the compiler's walk checks the rule first, without running anything),
 * and the same semantics as each code template in operators/: the browser-agreement test runs
 * the official suite and Strata's operators through both and compares every result.
 * The server keeps the generated code (4–5x faster than closures, see compile.ts).
 */
import type { JsonLogic } from '../types.ts';
import { isLogic } from './code.ts';
import { checkDepth, type CompiledExpression, type ExpressionData } from './compile.ts';
import { Compiler, Fn } from './compiler.ts';
import { ExpressionError } from './error.ts';
import { abs, minus, num, round } from './operators/arithmetic.ts';
import { allOp, filterOp, inOp, mapOp, noneOp, reduceOp, someOp } from './operators/arrays.ts';
import { le3, lt3 } from './operators/comparison.ts';
import { getVar, INHERITED_NAMES, missing, missingSome, own } from './operators/data.ts';
import { dateAdd, dateDiff, month, now, today, year } from './operators/dates.ts';
import { clone } from './operators/helpers.ts';
import { log } from './operators/misc.ts';
import { length, lower, str, substr, trim, upper } from './operators/strings.ts';
import { isTruthy } from './truthy.ts';

type Eval = (d: unknown) => unknown;
type OpBuilder = (args: readonly unknown[]) => Eval;

const undef: Eval = () => undefined;

function build(node: unknown): Eval {
  if (Array.isArray(node)) {
    const items = node.map(build);
    return (d) => items.map((f) => f(d));
  }
  if (isLogic(node)) {
    const op = Object.keys(node)[0];
    const builder = BUILDERS.get(op);
    if (!builder) throw new ExpressionError(`Unknown operator ${JSON.stringify(op)}`, op);
    const raw = node[op];
    return builder(Array.isArray(raw) ? raw : [raw]);
  }
  return literal(node);
}

function literal(value: unknown): Eval {
  if (value !== null && typeof value === 'object') return () => clone(value);
  return () => value;
}

const arg = (args: readonly unknown[], i: number): Eval => (i < args.length ? build(args[i]) : undef);

function isKey(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

/** A `var` path known up front: own reads for names a built-in prototype could answer (Compiler.staticVar). */
function readPath(d: unknown, segments: readonly string[]): unknown {
  let cur = d;
  for (const seg of segments) {
    if (INHERITED_NAMES.has(seg)) cur = own(cur, seg);
    else cur = cur === null || cur === undefined ? undefined : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function staticMissing(keys: ReadonlyArray<string | number>): Eval {
  const reads = keys.map((key) => ({ key, segments: key === '' ? null : String(key).split('.') }));
  return (d) => {
    const out: unknown[] = [];
    for (const { key, segments } of reads) {
      const v = segments ? (readPath(d, segments) ?? null) : d;
      if (v === null || v === '') out.push(key);
    }
    return out;
  };
}

const varOp: OpBuilder = (args) => {
  const path = args[0];
  const fallback = args.length > 1 && args[1] !== undefined ? build(args[1]) : null;
  const isPathLiteral = path === null || path === undefined || ['string', 'number', 'boolean'].includes(typeof path);
  if (!isPathLiteral) {
    const p = build(path);
    return (d) => getVar(d, p(d), fallback ? fallback(d) : null);
  }
  if (path === undefined || path === null || path === '') return (d) => d;
  const segments = String(path).split('.');
  // Only a missing value (undefined) falls back; a stored null stays null.
  if (!fallback) return (d) => readPath(d, segments) ?? null;
  return (d) => {
    const v = readPath(d, segments);
    return v === undefined ? (fallback(d) ?? null) : v;
  };
};

const missingOp: OpBuilder = (args) => {
  if (args.every(isKey)) return staticMissing(args);
  const items = args.map(build);
  return (d) => missing(d, items.map((f) => f(d)));
};

const missingSomeOp: OpBuilder = (args) => {
  const options = args[1];
  const need = arg(args, 0);
  if (Array.isArray(options) && options.every(isKey)) {
    const absent = staticMissing(options);
    return (d) => {
      const t = absent(d) as unknown[];
      return options.length - t.length >= (need(d) as number) ? [] : t;
    };
  }
  const opts = arg(args, 1);
  return (d) => missingSome(d, need(d), opts(d));
};

const ifOp: OpBuilder = (args) => {
  const pairs: Array<[Eval, Eval]> = [];
  for (let i = 0; i + 1 < args.length; i += 2) pairs.push([build(args[i]), build(args[i + 1])]);
  const last = args.length % 2 === 1 ? build(args[args.length - 1]) : literal(null);
  return (d) => {
    for (const [test, then] of pairs) if (isTruthy(test(d))) return then(d);
    return last(d);
  };
};

type Binary = (a: unknown, b: unknown) => unknown;
// JSON Logic's == and != are JavaScript's loose equality.
const BINARY: Record<string, Binary> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  '<': (a, b) => (a as number) < (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  '%': (a, b) => (a as number) % (b as number),
  '/': (a, b) => (a as number) / (b as number),
};

const binary = (op: string): OpBuilder => (args) => {
  const f = BINARY[op];
  const [a, b] = [arg(args, 0), arg(args, 1)];
  return (d) => f(a(d), b(d));
};

const between = (op: string, three: (a: unknown, b: unknown, c: unknown) => boolean): OpBuilder => (args) => {
  if (args.length < 3) return binary(op)(args);
  const [a, b, c] = [0, 1, 2].map((i) => arg(args, i));
  return (d) => three(a(d), b(d), c(d));
};

const andOr = (isAnd: boolean): OpBuilder => (args) => {
  if (args.length === 0) return undef;
  const items = args.map(build);
  return (d) => {
    let v: unknown;
    for (let i = 0; i < items.length; i++) {
      v = items[i](d);
      if (i < items.length - 1 && isTruthy(v) !== isAnd) return v;
    }
    return v;
  };
};

const plusOp: OpBuilder = (args) => {
  const items = args.map(build);
  return (d) => {
    let sum = 0;
    for (const f of items) sum = sum + num(f(d));
    return sum;
  };
};

const timesOp: OpBuilder = (args) => {
  if (args.length === 0) throw new ExpressionError('Operator "*" needs at least one argument', '*');
  const items = args.map(build);
  if (items.length === 1) return items[0];
  return (d) => {
    let product = num(items[0](d)) * num(items[1](d));
    for (let i = 2; i < items.length; i++) product = (product + 0) * num(items[i](d));
    return product;
  };
};

const minusOp: OpBuilder = (args) => {
  const a = arg(args, 0);
  if (args.length < 2) return (d) => -(a(d) as number);
  const b = arg(args, 1);
  return (d) => minus(a(d), b(d));
};

const spread = (f: (...xs: unknown[]) => unknown): OpBuilder => (args) => {
  const items = args.map(build);
  return (d) => f(...items.map((x) => x(d)));
};

const scoped = (f: (arr: unknown, fn: Eval) => unknown): OpBuilder => (args) => {
  const list = arg(args, 0);
  const body = build(args[1]);
  return (d) => f(list(d), body);
};

const reduceOpBuilder: OpBuilder = (args) => {
  const list = arg(args, 0);
  const body = build(args[1]);
  const initial = args[2] !== undefined ? build(args[2]) : literal(null);
  return (d) => reduceOp(list(d), body, initial(d));
};

/** A Strata addition: a helper over a fixed number of arguments (arity checked by the compiler). */
const call = (f: (...xs: unknown[]) => unknown, max: number): OpBuilder => (args) => {
  const parts = Array.from({ length: max }, (_, i) => arg(args, i));
  return (d) => f(...parts.map((p) => p(d)));
};

const dateCall = (f: (a: unknown, b: unknown, unit: unknown) => unknown): OpBuilder => (args) => {
  const [a, b] = [arg(args, 0), arg(args, 1)];
  const unit = build(args.length === 3 ? args[2] : 'days');
  return (d) => f(a(d), b(d), unit(d));
};

const coalesceOp: OpBuilder = (args) => {
  const items = args.map(build);
  return (d) => {
    for (const f of items) {
      const v = f(d);
      if (v !== null && v !== undefined) return v;
    }
    return null;
  };
};

const catOp: OpBuilder = (args) => {
  const items = args.map(build);
  return (d) => {
    let s = '';
    for (const f of items) s += str(f(d));
    return s;
  };
};

/** Every operator of operators/table.ts; the agreement test checks that the two lists match. */
export const BUILDERS: ReadonlyMap<string, OpBuilder> = new Map<string, OpBuilder>([
  ['var', varOp],
  ['missing', missingOp],
  ['missing_some', missingSomeOp],
  ['if', ifOp],
  ['?:', ifOp],
  ...['==', '===', '!=', '!==', '>', '>=', '%', '/'].map((op): [string, OpBuilder] => [op, binary(op)]),
  ['<', between('<', lt3)],
  ['<=', between('<=', le3)],
  ['!', (args) => { const a = arg(args, 0); return (d) => !isTruthy(a(d)); }],
  ['!!', (args) => { const a = arg(args, 0); return (d) => isTruthy(a(d)); }],
  ['and', andOr(true)],
  ['or', andOr(false)],
  ['+', plusOp],
  ['*', timesOp],
  ['-', minusOp],
  ['min', spread((...xs) => Math.min(...(xs as number[])))],
  ['max', spread((...xs) => Math.max(...(xs as number[])))],
  ['cat', catOp],
  ['substr', call(substr, 3)],
  ['in', call(inOp, 2)],
  ['merge', spread((...xs) => ([] as unknown[]).concat(...xs))],
  ['map', scoped(mapOp)],
  ['filter', scoped(filterOp)],
  ['all', scoped(allOp)],
  ['none', scoped(noneOp)],
  ['some', scoped(someOp)],
  ['reduce', reduceOpBuilder],
  ['log', call(log, 1)],
  ['today', call(today, 0)],
  ['now', call(now, 0)],
  ['date_diff', dateCall(dateDiff)],
  ['date_add', dateCall(dateAdd)],
  ['year', call(year, 1)],
  ['month', call(month, 1)],
  ['lower', call(lower, 1)],
  ['upper', call(upper, 1)],
  ['trim', call(trim, 1)],
  ['length', call(length, 1)],
  ['round', call(round, 2)],
  ['abs', call(abs, 1)],
  ['coalesce', coalesceOp],
]);

/**
 * A rule as a function of the data, without eval. Throws `ExpressionError` exactly where
 * compileExpression does (unknown operator, bad literal unit or argument count, too deep).
 */
export function interpretExpression(logic: JsonLogic): CompiledExpression {
  checkDepth(logic);
  new Compiler().compile(logic, new Fn()); // the compiler's checks; the source it writes is dropped
  const f = build(logic);
  return (data: ExpressionData) => f(data);
}

const byObject = new WeakMap<object, CompiledExpression>();

/** interpretExpression, remembered per rule object (metadata is immutable once loaded). */
export function getInterpreted(logic: JsonLogic): CompiledExpression {
  if (typeof logic !== 'object' || logic === null) return interpretExpression(logic);
  let f = byObject.get(logic);
  if (!f) {
    f = interpretExpression(logic);
    byObject.set(logic, f);
  }
  return f;
}

/**
 * Strata's one expression language: JSON Logic (https://jsonlogic.com), compiled once per rule
 * into a plain JavaScript function. Formulas, validation rules and workflow conditions all go
 * through here (usually via `getCompiled` in cache.ts).
 *
 * How: the rule is walked once and turned into JavaScript source, run through `new Function`.
 * Nothing from the rule is ever pasted into that source as raw text: strings, numbers and
 * property names go in only through `JSON.stringify` / a numeric literal; any other value is
 * passed in a constants array; operator names pick a code template from a fixed table and
 * are never emitted. Nested closures were measured 4–5x slower than generated code, and
 * json-logic-js's interpreter slower still.
 *
 * Semantics are json-logic-js 2.x's (the official test suite passes), with these choices:
 * - Unknown operators fail at COMPILE time with an `ExpressionError`, as does `*` with no
 *   arguments (json-logic-js throws at run time for both).
 * - `var` reads OWN properties only where it matters: `{"var": "constructor"}`,
 *   `__proto__`, `toString`… give null (json-logic-js walks the prototype chain and hands
 *   back host functions). Array indexes and `length` of strings and arrays still work.
 * - `in` searches strings and arrays only (json-logic-js would call any `indexOf` it found).
 * - Every operand is still evaluated, but a `var` default is evaluated only when needed;
 *   the difference can only be seen through `log`.
 * - `>` and `>=` ignore a third argument, exactly as json-logic-js does; only `<` and `<=`
 *   have the between form `{"<": [low, x, high]}`.
 *
 * Strata additions:
 * - `{"var": "$previous.field"}` and `{"var": "$user.id"}` are plain dotted paths: the
 *   caller puts `$previous` (the stored record, on update) and `$user` into the data.
 * - `{"today": []}` → 'YYYY-MM-DD' (UTC); `{"now": []}` → ISO 8601 datetime (UTC).
 * - `{"date_diff": [from, to, unit?]}` → whole units from `from` to `to` (to − from, truncated
 *   toward zero); unit 'days' (default) | 'hours' | 'months' (calendar months, like Excel's
 *   DATEDIF) | 'years'.
 * - `{"date_add": [date, n, unit?]}` → the date moved by n units, in the input's format:
 *   'YYYY-MM-DD' stays a date, a datetime comes back as ISO 8601 UTC. Months and years clamp
 *   to the month's end (Jan 31 + 1 month = Feb 28/29).
 * - `{"year": d}`, `{"month": d}` (1–12) of a date or datetime, in UTC.
 * - `{"lower": s}`, `{"upper": s}`, `{"trim": s}`; `{"length": s_or_array}` (null → 0).
 * - `{"round": [n, digits?]}` half away from zero, decimal-exact (1.005 → 1.01);
 *   `{"abs": n}`.
 * - `{"coalesce": [a, b, …]}` → the first operand that is not null (later ones are not
 *   evaluated), else null.
 * Dates are 'YYYY-MM-DD' or ISO 8601 strings (a datetime without an offset is read as UTC).
 * The additions return null for a null, missing or unreadable input, so a formula over an
 * empty field is empty rather than NaN. Literal bad units and wrong argument counts fail at
 * compile time.
 */
import type { JsonLogic } from '../../metadata/types.ts';

/** The data a rule runs over: the record's fields, plus `$previous` and `$user`. */
export type ExpressionData = { readonly [key: string]: unknown };
export type CompiledExpression = (data: ExpressionData) => unknown;

export class ExpressionError extends Error {
  /** The operator at fault, when there is one. */
  readonly operator: string | undefined;
  constructor(message: string, operator?: string) {
    super(message);
    this.name = 'ExpressionError';
    this.operator = operator;
  }
}

/** Deeper rules are refused: no real rule comes near, and it keeps compiling off the stack limit. */
export const MAX_EXPRESSION_DEPTH = 256;

/** JSON Logic's truthiness: like JavaScript's, except that an empty array is false. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length !== 0 : !!value;
}

// ---------------------------------------------------------------------------------------
// Run-time helpers the generated code calls. Small, so V8 inlines them.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE_UNITS = ['days', 'hours', 'months', 'years'] as const;
type DateUnit = (typeof DATE_UNITS)[number];

function own(obj: unknown, key: string): unknown {
  return obj !== null && obj !== undefined && Object.hasOwn(obj, key)
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

/** `var` with a path computed at run time (rare): same walk as the inlined one, all own reads. */
function getVar(data: unknown, path: unknown, notFound: unknown): unknown {
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

function num(x: unknown): number {
  // `+ 0` turns -0 into 0 as parseFloat(String(-0)) does in json-logic-js.
  return typeof x === 'number' ? x + 0 : parseFloat(x as string);
}

function str(x: unknown): string {
  // Array.prototype.join (json-logic-js's cat) writes null and undefined as ''.
  return x === null || x === undefined ? '' : typeof x === 'string' ? x : String(x);
}

function minus(a: unknown, b: unknown): number {
  return b === undefined ? -(a as number) : (a as number) - (b as number);
}

function lt3(a: unknown, b: unknown, c: unknown): boolean {
  return c === undefined ? (a as number) < (b as number) : (a as number) < (b as number) && (b as number) < (c as number);
}

function le3(a: unknown, b: unknown, c: unknown): boolean {
  return c === undefined ? (a as number) <= (b as number) : (a as number) <= (b as number) && (b as number) <= (c as number);
}

function inOp(a: unknown, b: unknown): boolean {
  if (typeof b === 'string') return b !== '' && b.indexOf(a as string) !== -1;
  return Array.isArray(b) && b.indexOf(a) !== -1;
}

function substr(source: unknown, start: unknown, end: unknown): string {
  const s = String(source);
  if ((end as number) < 0) {
    // A negative length counts back from the end (PHP's substr), as json-logic-js does.
    const temp = s.substr(start as number);
    return temp.substr(0, temp.length + (end as number));
  }
  return s.substr(start as number, end as number);
}

function missing(data: unknown, args: readonly unknown[]): unknown[] {
  const keys: readonly unknown[] = Array.isArray(args[0]) ? args[0] : args;
  const out: unknown[] = [];
  for (const key of keys) {
    const value = Array.isArray(key) ? getVar(data, key[0], key[1]) : getVar(data, key, null);
    if (value === null || value === '') out.push(key);
  }
  return out;
}

function missingSome(data: unknown, need: unknown, options: unknown): unknown[] {
  const list: readonly unknown[] = Array.isArray(options) ? options : [options];
  const absent = missing(data, list);
  return list.length - absent.length >= (need as number) ? [] : absent;
}

type Scoped = (d: unknown) => unknown;

function mapOp(arr: unknown, f: Scoped): unknown[] {
  if (!Array.isArray(arr)) return [];
  const out = new Array<unknown>(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = f(arr[i]);
  return out;
}

function filterOp(arr: unknown, f: Scoped): unknown[] {
  if (!Array.isArray(arr)) return [];
  const out: unknown[] = [];
  for (let i = 0; i < arr.length; i++) if (isTruthy(f(arr[i]))) out.push(arr[i]);
  return out;
}

function reduceOp(arr: unknown, f: Scoped, initial: unknown): unknown {
  if (!Array.isArray(arr)) return initial;
  let acc = initial;
  for (let i = 0; i < arr.length; i++) acc = f({ current: arr[i], accumulator: acc });
  return acc;
}

function allOp(arr: unknown, f: Scoped): boolean {
  if (!Array.isArray(arr) || arr.length === 0) return false;
  for (let i = 0; i < arr.length; i++) if (!isTruthy(f(arr[i]))) return false;
  return true;
}

function someOp(arr: unknown, f: Scoped): boolean {
  if (!Array.isArray(arr)) return false;
  for (let i = 0; i < arr.length; i++) if (isTruthy(f(arr[i]))) return true;
  return false;
}

function noneOp(arr: unknown, f: Scoped): boolean {
  return !someOp(arr, f);
}

function log(a: unknown): unknown {
  console.log(a);
  return a;
}

/** A literal object in a rule is copied per evaluation so no caller can change the rule. */
function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  // fromEntries defines properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
}

interface ParsedDate { ms: number; dateOnly: boolean }
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const NO_OFFSET = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function utcMs(y: number, m: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, m, d); // not Date.UTC, which maps years 0–99 to 1900–1999
  return date.getTime();
}

function parseDate(v: unknown): ParsedDate | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : { ms: v.getTime(), dateOnly: false };
  if (typeof v !== 'string') return null;
  const m = DATE_ONLY.exec(v);
  if (m) {
    const ms = utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Refuse 2024-02-30 rather than roll it over into March.
    return isoDate(ms) === v ? { ms, dateOnly: true } : null;
  }
  // Datetimes are UTC in Strata; one without an offset must not be read in local time.
  const ms = Date.parse(NO_OFFSET.test(v) ? `${v}Z` : v);
  return Number.isNaN(ms) ? null : { ms, dateOnly: false };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(total / 12);
  const m = ((total % 12) + 12) % 12;
  const daysInMonth = new Date(utcMs(y, m + 1, 0)).getUTCDate();
  d.setUTCFullYear(y, m, Math.min(d.getUTCDate(), daysInMonth));
  return d.getTime();
}

function monthsBetween(a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth());
  // Only complete months count: compare how far into its month each instant is.
  const intoA = a - utcMs(da.getUTCFullYear(), da.getUTCMonth(), 1);
  const intoB = b - utcMs(db.getUTCFullYear(), db.getUTCMonth(), 1);
  if (months > 0 && intoB < intoA) months--;
  else if (months < 0 && intoB > intoA) months++;
  return months;
}

function isDateUnit(u: unknown): u is DateUnit {
  return (DATE_UNITS as readonly unknown[]).includes(u);
}

function dateDiff(from: unknown, to: unknown, unit: unknown): number | null {
  const a = parseDate(from);
  const b = parseDate(to);
  if (!a || !b || !isDateUnit(unit)) return null;
  const delta = b.ms - a.ms;
  switch (unit) {
    case 'days': return Math.trunc(delta / DAY_MS) + 0;
    case 'hours': return Math.trunc(delta / HOUR_MS) + 0;
    case 'months': return monthsBetween(a.ms, b.ms);
    case 'years': return Math.trunc(monthsBetween(a.ms, b.ms) / 12) + 0;
  }
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

function dateAdd(date: unknown, n: unknown, unit: unknown): string | null {
  const p = parseDate(date);
  const k = toNumber(n);
  if (!p || k === null || !Number.isFinite(k) || !isDateUnit(unit)) return null;
  let ms: number;
  switch (unit) {
    case 'days': ms = p.ms + k * DAY_MS; break;
    case 'hours': ms = p.ms + k * HOUR_MS; break;
    case 'months': ms = addMonths(p.ms, Math.trunc(k)); break;
    case 'years': ms = addMonths(p.ms, Math.trunc(k) * 12); break;
  }
  if (Number.isNaN(new Date(ms).getTime())) return null;
  return p.dateOnly ? isoDate(ms) : new Date(ms).toISOString();
}

function year(v: unknown): number | null {
  const p = parseDate(v);
  return p ? new Date(p.ms).getUTCFullYear() : null;
}

function month(v: unknown): number | null {
  const p = parseDate(v);
  return p ? new Date(p.ms).getUTCMonth() + 1 : null;
}

function lower(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).toLowerCase();
}

function upper(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).toUpperCase();
}

function trim(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).trim();
}

function length(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' || Array.isArray(v) ? v.length : String(v).length;
}

/** Moves the decimal point through the exponent, so no binary rounding error creeps in. */
function shift(v: number, places: number): number {
  const [mantissa, exp = '0'] = String(v).split('e');
  return Number(`${mantissa}e${Number(exp) + places}`);
}

function round(n: unknown, digits: unknown): number | null {
  const x = toNumber(n);
  const d = digits === undefined || digits === null ? 0 : toNumber(digits);
  if (x === null || d === null) return null;
  if (!Number.isFinite(x)) return x;
  const places = Math.trunc(d);
  return shift(Math.sign(x) * Math.round(shift(Math.abs(x), places)), -places) + 0;
}

function abs(n: unknown): number | null {
  const x = toNumber(n);
  return x === null ? null : Math.abs(x);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function now(): string {
  return new Date().toISOString();
}

const HELPERS = {
  truthy: isTruthy, own, getVar, num, str, minus, lt3, le3, inOp, substr, missing, missingSome,
  map: mapOp, filter: filterOp, reduce: reduceOp, all: allOp, some: someOp, none: noneOp, log, clone,
  dateDiff, dateAdd, year, month, lower, upper, trim, length, round, abs, today, now,
} as const;
type HelperName = keyof typeof HELPERS;

/**
 * Property names found on built-in prototypes. A `var` segment with one of these names is
 * read as an own property only; any other name is a plain (fast) property read, which can
 * only find data because no built-in prototype has it.
 */
const INHERITED_NAMES: ReadonlySet<string> = (() => {
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

// ---------------------------------------------------------------------------------------
// The compiler.

/**
 * What the compiler knows of a value, to skip needless conversions:
 * bool/num/str ⊂ scalar (any non-array primitive, null included); `value` is anything but
 * undefined; `any` may be undefined too. Only `any` and `value` need the truthy() helper.
 */
type Kind = 'bool' | 'num' | 'str' | 'scalar' | 'array' | 'value' | 'any';
interface Code {
  js: string;
  kind: Kind;
  /** Set when the code is a constant primitive, for folding. */
  constant?: { value: string | number | boolean | null };
}

const SCALAR_KINDS: ReadonlySet<Kind> = new Set(['bool', 'num', 'str', 'scalar']);

function joinKinds(kinds: readonly Kind[]): Kind {
  if (kinds.length === 0) return 'any';
  if (kinds.every((k) => k === kinds[0])) return kinds[0];
  if (kinds.every((k) => SCALAR_KINDS.has(k))) return 'scalar';
  return kinds.includes('any') ? 'any' : 'value';
}

function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '(-Infinity)';
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${String(n)})` : String(n);
}

function isLogic(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

/** One generated function (the rule itself, or the body of a map/filter/… callback). */
class Fn {
  private temps = 0;
  temp(): string {
    return `t${this.temps++}`;
  }
  declarations(): string {
    if (this.temps === 0) return '';
    return `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};`;
  }
}

type OpCompiler = (c: Compiler, args: readonly unknown[], fn: Fn, op: string) => Code;

class Compiler {
  readonly constants: unknown[] = [];
  readonly helpersUsed = new Set<HelperName>();
  readonly subs: string[] = [];

  helper(name: HelperName): string {
    this.helpersUsed.add(name);
    return `h_${name}`;
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  compile(node: unknown, fn: Fn): Code {
    if (Array.isArray(node)) {
      // json-logic-js maps over an array, so each evaluation yields a fresh one.
      return { js: `[${node.map((n) => this.compile(n, fn).js).join(', ')}]`, kind: 'array' };
    }
    if (isLogic(node)) {
      const op = Object.keys(node)[0];
      const compileOp = OPERATORS.get(op);
      if (!compileOp) throw new ExpressionError(`Unknown operator ${JSON.stringify(op)}`, op);
      const raw = node[op];
      return compileOp(this, Array.isArray(raw) ? raw : [raw], fn, op);
    }
    return this.literal(node);
  }

  literal(value: unknown): Code {
    if (value === null) return { js: 'null', kind: 'scalar', constant: { value } };
    switch (typeof value) {
      case 'string': return { js: JSON.stringify(value), kind: 'str', constant: { value } };
      case 'number': return { js: numberLiteral(value), kind: 'num', constant: { value } };
      case 'boolean': return { js: value ? 'true' : 'false', kind: 'bool', constant: { value } };
      case 'undefined': return { js: 'undefined', kind: 'any' };
      case 'object': return { js: `${this.helper('clone')}(${this.constant(value)})`, kind: 'value' };
      default: return { js: this.constant(value), kind: 'value' };
    }
  }

  arg(args: readonly unknown[], i: number, fn: Fn): Code {
    return i < args.length ? this.compile(args[i], fn) : { js: 'undefined', kind: 'any' };
  }

  truthy(code: Code): string {
    switch (code.kind) {
      case 'bool': return code.js;
      case 'num': case 'str': case 'scalar': return `!!${code.js}`;
      case 'array': return `(${code.js}.length !== 0)`;
      default: return `${this.helper('truthy')}(${code.js})`;
    }
  }

  /** The body of a map/filter/reduce/all/none/some callback, as its own function. */
  scoped(logic: unknown): string {
    const fn = new Fn();
    const body = this.compile(logic, fn).js;
    const name = `f${this.subs.length}`;
    this.subs.push(`function ${name}(d) { ${fn.declarations()} return ${body}; }`);
    return name;
  }

  /** A `var` whose path is known at compile time: inlined property reads. */
  staticVar(path: string | number | boolean, fallback: Code | null, fn: Fn): Code {
    let chain = 'd';
    for (const seg of String(path).split('.')) {
      if (INHERITED_NAMES.has(seg)) chain = `${this.helper('own')}(${chain}, ${JSON.stringify(seg)})`;
      else chain = `${chain}?.[${/^(?:0|[1-9]\d{0,8})$/.test(seg) ? seg : JSON.stringify(seg)}]`;
    }
    // Only a missing value (undefined) falls back; a stored null stays null.
    if (!fallback || (fallback.constant && fallback.constant.value === null)) return { js: `(${chain} ?? null)`, kind: 'value' };
    const t = fn.temp();
    const def = fallback.kind === 'any' ? `(${fallback.js} ?? null)` : fallback.js;
    return { js: `((${t} = ${chain}) === undefined ? ${def} : ${t})`, kind: 'value' };
  }
}

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

const binary = (operator: string): OpCompiler => (c, args, fn) =>
  ({ js: `(${c.arg(args, 0, fn).js} ${operator} ${c.arg(args, 1, fn).js})`, kind: 'bool' });

const arithmetic = (operator: string): OpCompiler => (c, args, fn) =>
  ({ js: `(${c.arg(args, 0, fn).js} ${operator} ${c.arg(args, 1, fn).js})`, kind: 'num' });

const between = (operator: string, helper: HelperName): OpCompiler => (c, args, fn) => {
  if (args.length < 3) return binary(operator)(c, args, fn, operator);
  const [a, b, x] = [0, 1, 2].map((i) => c.arg(args, i, fn).js);
  return { js: `${c.helper(helper)}(${a}, ${b}, ${x})`, kind: 'bool' };
};

const scopedOp = (helper: HelperName, kind: Kind): OpCompiler => (c, args, fn) =>
  ({ js: `${c.helper(helper)}(${c.arg(args, 0, fn).js}, ${c.scoped(args[1])})`, kind });

/** A Strata addition: fixed arity, checked at compile time. */
const call = (helper: HelperName, kind: Kind, min: number, max: number): OpCompiler => (c, args, fn, op) => {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new ExpressionError(`Operator "${op}" takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`, op);
  }
  const parts = Array.from({ length: max }, (_, i) => c.arg(args, i, fn).js);
  return { js: `${c.helper(helper)}(${parts.join(', ')})`, kind };
};

const dateCall = (helper: HelperName, kind: Kind): OpCompiler => (c, args, fn, op) => {
  if (args.length < 2 || args.length > 3) {
    throw new ExpressionError(`Operator "${op}" takes 2 or 3 arguments, got ${args.length}`, op);
  }
  const unit = args.length === 3 ? args[2] : 'days';
  if (!isLogic(unit) && !isDateUnit(unit)) {
    throw new ExpressionError(`Operator "${op}": unknown unit ${JSON.stringify(unit)} (use ${DATE_UNITS.join(', ')})`, op);
  }
  const parts = [c.arg(args, 0, fn).js, c.arg(args, 1, fn).js, c.compile(unit, fn).js];
  return { js: `${c.helper(helper)}(${parts.join(', ')})`, kind };
};

const andOr = (isAnd: boolean): OpCompiler => (c, args, fn) => {
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

const ifOp: OpCompiler = (c, args, fn) => {
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

const OPERATORS: ReadonlyMap<string, OpCompiler> = new Map<string, OpCompiler>([
  ['var', (c, args, fn) => {
    const path = args[0];
    const fallback = args.length > 1 && args[1] !== undefined ? c.compile(args[1], fn) : null;
    if (!isPathLiteral(path)) {
      return { js: `${c.helper('getVar')}(d, ${c.compile(path, fn).js}, ${fallback ? fallback.js : 'null'})`, kind: 'any' };
    }
    if (path === undefined || path === null || path === '') return { js: 'd', kind: 'any' };
    return c.staticVar(path, fallback, fn);
  }],
  ['missing', (c, args, fn) => {
    if (args.every(isKey)) return staticMissing(c, args, fn);
    return { js: `${c.helper('missing')}(d, [${args.map((a) => c.compile(a, fn).js).join(', ')}])`, kind: 'array' };
  }],
  ['missing_some', (c, args, fn) => {
    const options = args[1];
    if (Array.isArray(options) && options.every(isKey)) {
      // Literal keys: inline the reads as `missing` does, then json-logic-js's count test.
      const t = fn.temp();
      const need = c.arg(args, 0, fn).js;
      return { js: `((${t} = ${staticMissing(c, options, fn).js}), ${options.length} - ${t}.length >= ${need} ? [] : ${t})`, kind: 'array' };
    }
    return { js: `${c.helper('missingSome')}(d, ${c.arg(args, 0, fn).js}, ${c.arg(args, 1, fn).js})`, kind: 'array' };
  }],
  ['if', ifOp],
  ['?:', ifOp],
  ['==', binary('==')],
  ['===', binary('===')],
  ['!=', binary('!=')],
  ['!==', binary('!==')],
  ['>', binary('>')],
  ['>=', binary('>=')],
  ['<', between('<', 'lt3')],
  ['<=', between('<=', 'le3')],
  ['!', (c, args, fn) => ({ js: `!${c.truthy(c.arg(args, 0, fn))}`, kind: 'bool' })],
  ['!!', (c, args, fn) => ({ js: c.truthy(c.arg(args, 0, fn)), kind: 'bool' })],
  ['and', andOr(true)],
  ['or', andOr(false)],
  ['%', arithmetic('%')],
  ['/', arithmetic('/')],
  ['+', (c, args, fn) => {
    // json-logic-js: reduce((a, b) => parseFloat(a) + parseFloat(b), 0)
    const terms = args.map((a) => {
      const code = c.compile(a, fn);
      if (code.constant) return numberLiteral(num(code.constant.value));
      return code.kind === 'num' ? code.js : `${c.helper('num')}(${code.js})`;
    });
    return { js: `(0 + ${terms.join(' + ')})`, kind: 'num' };
  }],
  ['*', (c, args, fn, op) => {
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
  }],
  ['-', (c, args, fn) => {
    const a = c.arg(args, 0, fn);
    if (args.length < 2) return { js: `(-${a.js})`, kind: 'num' };
    const b = c.arg(args, 1, fn);
    if (b.kind === 'any') return { js: `${c.helper('minus')}(${a.js}, ${b.js})`, kind: 'num' };
    return { js: `(${a.js} - ${b.js})`, kind: 'num' };
  }],
  ['min', (c, args, fn) => ({ js: `Math.min(${args.map((a) => c.compile(a, fn).js).join(', ')})`, kind: 'num' })],
  ['max', (c, args, fn) => ({ js: `Math.max(${args.map((a) => c.compile(a, fn).js).join(', ')})`, kind: 'num' })],
  ['cat', (c, args, fn) => {
    const pieces = args.map((a) => {
      const code = c.compile(a, fn);
      if (code.constant) return JSON.stringify(str(code.constant.value));
      return code.kind === 'str' ? code.js : `${c.helper('str')}(${code.js})`;
    });
    return { js: `("" + ${pieces.join(' + ') || '""'})`, kind: 'str' };
  }],
  ['substr', (c, args, fn) =>
    ({ js: `${c.helper('substr')}(${[0, 1, 2].map((i) => c.arg(args, i, fn).js).join(', ')})`, kind: 'str' })],
  ['in', (c, args, fn) => {
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
  }],
  ['merge', (c, args, fn) => ({ js: `[].concat(${args.map((a) => c.compile(a, fn).js).join(', ')})`, kind: 'array' })],
  ['map', scopedOp('map', 'array')],
  ['filter', scopedOp('filter', 'array')],
  ['all', scopedOp('all', 'bool')],
  ['none', scopedOp('none', 'bool')],
  ['some', scopedOp('some', 'bool')],
  ['reduce', (c, args, fn) => {
    const initial = args[2] !== undefined ? c.compile(args[2], fn).js : 'null';
    return { js: `${c.helper('reduce')}(${c.arg(args, 0, fn).js}, ${c.scoped(args[1])}, ${initial})`, kind: 'any' };
  }],
  ['log', (c, args, fn) => ({ js: `${c.helper('log')}(${c.arg(args, 0, fn).js})`, kind: 'any' })],
  // Strata additions (see the header).
  ['today', call('today', 'str', 0, 0)],
  ['now', call('now', 'str', 0, 0)],
  ['date_diff', dateCall('dateDiff', 'scalar')],
  ['date_add', dateCall('dateAdd', 'scalar')],
  ['year', call('year', 'scalar', 1, 1)],
  ['month', call('month', 'scalar', 1, 1)],
  ['lower', call('lower', 'scalar', 1, 1)],
  ['upper', call('upper', 'scalar', 1, 1)],
  ['trim', call('trim', 'scalar', 1, 1)],
  ['length', call('length', 'num', 1, 1)],
  ['round', call('round', 'scalar', 1, 2)],
  ['abs', call('abs', 'scalar', 1, 1)],
  ['coalesce', (c, args, fn) => {
    if (args.length === 0) return c.literal(null);
    // `??` is lazy and treats null and undefined alike: exactly "first non-null".
    return { js: `(${args.map((a) => c.compile(a, fn).js).join(' ?? ')} ?? null)`, kind: 'value' };
  }],
]);

/** Every operator name compileExpression accepts. */
export const EXPRESSION_OPERATORS: readonly string[] = [...OPERATORS.keys()];

/** Throws when the rule nests deeper than MAX_EXPRESSION_DEPTH (or refers to itself). */
export function checkDepth(node: unknown, depth = 0): void {
  if (typeof node !== 'object' || node === null) return;
  if (depth >= MAX_EXPRESSION_DEPTH) {
    throw new ExpressionError(`Expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`);
  }
  for (const child of Array.isArray(node) ? node : Object.values(node)) checkDepth(child, depth + 1);
}

/**
 * Compiles a JSON Logic rule into a function of the data. Throws `ExpressionError` for an
 * unknown operator, a bad literal unit or argument count, or a rule nested too deeply.
 */
export function compileExpression(logic: JsonLogic): CompiledExpression {
  checkDepth(logic);
  const c = new Compiler();
  const fn = new Fn();
  const body = c.compile(logic, fn).js;
  const source = [
    '"use strict";',
    ...[...c.helpersUsed].map((name) => `const h_${name} = h.${name};`),
    ...c.constants.map((_, i) => `const k${i} = k[${i}];`),
    ...c.subs,
    `return function compiledExpression(d) { ${fn.declarations()} return ${body}; };`,
  ].join('\n');
  // Safe by construction: see the header. `k` carries every non-primitive literal.
  const factory = new Function('h', 'k', source) as (h: typeof HELPERS, k: unknown[]) => CompiledExpression;
  return factory(HELPERS, c.constants);
}

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
import type { JsonLogic } from '../types.ts';
import { Compiler, Fn } from './compiler.ts';
import { ExpressionError } from './error.ts';
import { HELPERS } from './operators/helpers.ts';
import { OPERATORS } from './operators/table.ts';

export { ExpressionError } from './error.ts';
export { isTruthy } from './truthy.ts';

/** The data a rule runs over: the record's fields, plus `$previous` and `$user`. */
export type ExpressionData = { readonly [key: string]: unknown };
export type CompiledExpression = (data: ExpressionData) => unknown;

/** Deeper rules are refused: no real rule comes near, and it keeps compiling off the stack limit. */
export const MAX_EXPRESSION_DEPTH = 256;

/** Every operator name compileExpression accepts. */
export const EXPRESSION_OPERATORS: readonly string[] = [...OPERATORS.keys()];

/**
 * True when the rule nests deeper than MAX_EXPRESSION_DEPTH (or refers to itself). Iterative,
 * so a hostile depth (thousands of levels) cannot overflow the stack of whoever checks it.
 */
export function isTooDeep(logic: unknown): boolean {
  const stack: Array<[unknown, number]> = [[logic, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_EXPRESSION_DEPTH) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Throws when the rule nests deeper than MAX_EXPRESSION_DEPTH (or refers to itself). */
export function checkDepth(logic: unknown): void {
  if (isTooDeep(logic)) {
    throw new ExpressionError(`Expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`);
  }
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

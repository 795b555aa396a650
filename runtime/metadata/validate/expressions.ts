/**
 * JSON Logic expressions in metadata (formulas, validation rules, workflow conditions): that
 * the engine accepts them (known operators, a bounded depth, right argument counts) and the
 * fields they read.
 */
import { expressionProblems, isTooDeep } from '../../../metadata/expressions/index.ts';
import type { JsonLogic } from '../../../metadata/types.ts';
import type { Checker } from './checker.ts';
import { isObj, str } from './json.ts';
import type { Json } from './json.ts';
import { pointer } from './problems.ts';

/** JSON Logic operators whose later arguments run over array items, not the record. */
const SCOPED_OPERATORS = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

/** `{"var": …}` uses in a JSON Logic expression, with their JSON pointers. */
export function expressionVars(expr: unknown, path: string): Array<{ name: string; path: string }> {
  const found: Array<{ name: string; path: string }> = [];
  // Too deep is reported by checkExpression; walking it could overflow the stack.
  if (isTooDeep(expr)) return found;
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) { node.forEach((item, i) => walk(item, pointer(at, i))); return; }
    if (!isObj(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'var') {
      const arg = node.var;
      if (typeof arg === 'string') found.push({ name: arg, path: pointer(at, 'var') });
      else if (Array.isArray(arg) && typeof arg[0] === 'string') found.push({ name: arg[0], path: pointer(at, 'var', 0) });
      else walk(arg, pointer(at, 'var'));
      return;
    }
    for (const key of keys) {
      const args = node[key];
      // In {"map": [list, logic]} the logic reads the list's items: only the list is the record's.
      if (SCOPED_OPERATORS.has(key) && Array.isArray(args)) walk(args[0], pointer(at, key, 0));
      else walk(args, pointer(at, key));
    }
  };
  walk(expr, path);
  return found;
}

/**
 * The engine accepts the expression (an unknown operator such as `pg_sleep` would otherwise
 * deploy and quietly give null), and every `{"var": "field"}` names a field (or system field)
 * of the object.
 */
export function checkExpression(c: Checker, object: Json, expr: unknown, path: string): void {
  const problems = expressionProblems(expr as JsonLogic);
  for (const p of problems) c.report(pointer(path, ...p.path), p.code, p.message);
  if (problems.some((p) => p.code === 'too_deep')) return;
  for (const use of expressionVars(expr, path)) {
    // `$previous.field` is the stored value of a field on update (CONTRACT §3).
    const name = use.name.startsWith('$previous.') ? use.name.slice('$previous.'.length) : use.name;
    // `$user…` and other `$` variables belong to the expression engine, not the object.
    if (name === '' || name.startsWith('$')) continue;
    const first = name.split('.')[0];
    if (c.fieldType(object, first) === undefined) {
      c.report(use.path, 'unknown_field', `'${first}' is not a field of '${str(object.name) ?? '?'}'`);
    }
  }
}

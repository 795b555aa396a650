/**
 * Record filters in metadata (rollups, views, workflows, role permissions, reports).
 */
import type { Checker } from './checker.ts';
import { isObj } from './json.ts';
import type { Json } from './json.ts';
import { describe, pointer } from './problems.ts';

const FILTER_OPERATORS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull']);

/** Record filters (CONTRACT §4): field paths and operators must exist. */
export function checkFilter(c: Checker, object: Json, filter: unknown, path: string): void {
  if (!isObj(filter)) {
    c.report(path, 'invalid_filter', `a filter must be an object like {"field": value}, not ${describe(filter)}`);
    return;
  }
  for (const [key, value] of Object.entries(filter)) {
    const at = pointer(path, key);
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) c.report(at, 'invalid_filter', `'${key}' takes a list of filters`);
      else value.forEach((item, i) => checkFilter(c, object, item, pointer(at, i)));
      continue;
    }
    if (key === 'not') { checkFilter(c, object, value, at); continue; }
    c.resolvePath(object, key, at);
    if (!isObj(value)) continue;
    for (const [op, operand] of Object.entries(value)) {
      const opAt = pointer(at, op);
      if (!FILTER_OPERATORS.has(op)) {
        c.report(opAt, 'unknown_operator', `unknown filter operator '${op}' (use ${[...FILTER_OPERATORS].join(', ')})`);
      } else if ((op === 'in' || op === 'nin') && !Array.isArray(operand)) {
        c.report(opAt, 'invalid_filter', `'${op}' takes a list of values`);
      } else if (op === 'isNull' && typeof operand !== 'boolean') {
        c.report(opAt, 'invalid_filter', `'isNull' takes true or false`);
      }
    }
  }
}

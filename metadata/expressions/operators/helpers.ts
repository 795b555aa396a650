/**
 * Run-time helpers the generated code calls. Small, so V8 inlines them. Each lives with its
 * operator family; the generated code reaches them as `h_<name>` (see compileExpression).
 */
import { isTruthy } from '../truthy.ts';
import { abs, minus, num, round } from './arithmetic.ts';
import { allOp, filterOp, inOp, mapOp, noneOp, reduceOp, someOp } from './arrays.ts';
import { lt3, le3 } from './comparison.ts';
import { getVar, missing, missingSome, own } from './data.ts';
import { dateAdd, dateDiff, month, now, today, year } from './dates.ts';
import { log } from './misc.ts';
import { length, lower, str, substr, trim, upper } from './strings.ts';

/** A literal object in a rule is copied per evaluation so no caller can change the rule. */
export function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  // fromEntries defines properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
}

export const HELPERS = {
  truthy: isTruthy, own, getVar, num, str, minus, lt3, le3, inOp, substr, missing, missingSome,
  map: mapOp, filter: filterOp, reduce: reduceOp, all: allOp, some: someOp, none: noneOp, log, clone,
  dateDiff, dateAdd, year, month, lower, upper, trim, length, round, abs, today, now,
} as const;
export type HelperName = keyof typeof HELPERS;

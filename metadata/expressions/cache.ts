/**
 * Each distinct rule is compiled once per process. Rules are keyed by their canonical JSON
 * (object keys sorted), so equal rules from different places share one compiled function;
 * the rule object itself is also remembered, so the hot path skips serialising it.
 * Rules are treated as immutable once compiled (metadata is).
 */
import type { JsonLogic } from '../types.ts';
import { checkDepth, compileExpression, type CompiledExpression } from './compile.ts';

/** Bounds memory if ad-hoc rules keep arriving; deployed metadata holds far fewer. */
const MAX_ENTRIES = 5_000;

const byKey = new Map<string, CompiledExpression>();
let byObject = new WeakMap<object, CompiledExpression>();

/** Canonical JSON, or undefined for a value JSON cannot carry (such a rule is not cached). */
export function canonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const v of value) {
      const s = canonicalJson(v);
      if (s === undefined) return undefined;
      items.push(s);
    }
    return `[${items.join(',')}]`;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const entries: string[] = [];
    for (const k of Object.keys(value).sort()) {
      const s = canonicalJson((value as Record<string, unknown>)[k]);
      if (s === undefined) return undefined;
      entries.push(`${JSON.stringify(k)}:${s}`);
    }
    return `{${entries.join(',')}}`;
  }
  return undefined;
}

/** The compiled function for a rule, compiling it on first sight. Throws `ExpressionError`. */
export function getCompiled(logic: JsonLogic): CompiledExpression {
  const isObject = typeof logic === 'object' && logic !== null;
  if (isObject) {
    const hit = byObject.get(logic);
    if (hit) return hit;
    checkDepth(logic); // before canonicalJson recurses, so a hostile depth cannot blow the stack
  }
  const key = canonicalJson(logic);
  let compiled = key === undefined ? undefined : byKey.get(key);
  if (compiled && key !== undefined) {
    byKey.delete(key); // re-inserted below: Map order then doubles as least-recently-used order
  } else {
    compiled = compileExpression(logic);
  }
  if (key !== undefined) {
    if (byKey.size >= MAX_ENTRIES) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, compiled);
  }
  if (isObject) byObject.set(logic, compiled);
  return compiled;
}

/** Forgets every compiled rule (tests; a metadata reload does not need it). */
export function clearExpressionCache(): void {
  byKey.clear();
  byObject = new WeakMap();
}

export function expressionCacheSize(): number {
  return byKey.size;
}

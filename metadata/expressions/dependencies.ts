/**
 * What a rule reads, so that a formula is recomputed only when one of its inputs changes,
 * and in which order formulas that read other formulas must be computed.
 */
import type { JsonLogic } from '../types.ts';
import { isLogic } from './code.ts';
import { ExpressionError } from './compile.ts';

/** In `expressionFields`' answer: the rule reads the whole data or a path computed at run time. */
export const ANY_FIELD = '*';

const SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

function isLiteralKey(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

/**
 * `account.name` → `account`. `$previous.x` and `$user.id` keep two segments
 * (`$previous.x`, `$user.id`): they are not fields of the record being written, so callers
 * that only want record fields drop names starting with `$`. An empty path → `*`.
 */
function fieldOf(path: string | number): string {
  const segments = String(path).split('.');
  if (segments[0] === '') return ANY_FIELD;
  return segments[0].startsWith('$') ? segments.slice(0, 2).join('.') : segments[0];
}

function collect(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out);
    return;
  }
  if (!isLogic(node)) return;
  const op = Object.keys(node)[0];
  const raw = node[op];
  const args: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  switch (op) {
    case 'var': {
      const path = args[0];
      if (path === undefined || path === null || path === '') out.add(ANY_FIELD);
      else if (isLiteralKey(path) || typeof path === 'boolean') out.add(fieldOf(String(path)));
      else {
        out.add(ANY_FIELD);
        collect(path, out);
      }
      collect(args[1], out);
      return;
    }
    case 'missing':
      if (args.every(isLiteralKey)) for (const key of args) out.add(fieldOf(key));
      else {
        out.add(ANY_FIELD);
        collect(args, out);
      }
      return;
    case 'missing_some': {
      collect(args[0], out);
      const keys = args[1];
      if (Array.isArray(keys) && keys.every(isLiteralKey)) for (const key of keys) out.add(fieldOf(key));
      else {
        out.add(ANY_FIELD);
        collect(keys, out);
      }
      return;
    }
    default:
      if (SCOPED.has(op)) {
        // The callback (args[1]) reads the array's items, not the record.
        collect(args[0], out);
        if (op === 'reduce') collect(args[2], out);
        return;
      }
      collect(args, out);
  }
}

/**
 * The top-level names a rule reads, sorted: `{"var": "account.name"}` → `account`;
 * `$previous.x` / `$user.id` are listed as such; `*` when the rule reads the whole data
 * (`{"var": ""}`) or a path computed at run time (recompute on any change then).
 */
export function expressionFields(logic: JsonLogic): string[] {
  const out = new Set<string>();
  collect(logic, out);
  return [...out].sort();
}

export interface FormulaLike {
  readonly name: string;
  readonly expression: JsonLogic;
}

export class FormulaCycleError extends ExpressionError {
  /** The formulas around the loop, the first one repeated at the end. */
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[]) {
    super(`Formula fields depend on each other in a cycle: ${cycle.join(' → ')}`);
    this.name = 'FormulaCycleError';
    this.cycle = cycle;
  }
}

/**
 * The formulas in an order where each comes after the formulas it reads (input order kept
 * where there is a choice). A formula reading `*` goes after every formula that does not.
 * Throws `FormulaCycleError` naming the loop when formulas read each other in a circle.
 */
export function formulaOrder<T extends FormulaLike>(formulas: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const f of formulas) {
    if (byName.has(f.name)) throw new ExpressionError(`Formula field "${f.name}" is defined twice`);
    byName.set(f.name, f);
  }
  const reads = new Map(formulas.map((f) => [f.name, expressionFields(f.expression)]));
  const readsAnything = (name: string): boolean => reads.get(name)?.includes(ANY_FIELD) ?? false;
  const dependsOn = (f: T): string[] => {
    if (readsAnything(f.name)) return formulas.filter((o) => o !== f && !readsAnything(o.name)).map((o) => o.name);
    return (reads.get(f.name) ?? []).filter((n) => byName.has(n));
  };

  const done = new Set<string>();
  const path: string[] = [];
  const ordered: T[] = [];
  const visit = (f: T): void => {
    if (done.has(f.name)) return;
    const at = path.indexOf(f.name);
    if (at !== -1) throw new FormulaCycleError([...path.slice(at), f.name]);
    path.push(f.name);
    for (const dep of dependsOn(f)) visit(byName.get(dep) as T);
    path.pop();
    done.add(f.name);
    ordered.push(f);
  };
  for (const f of formulas) visit(f);
  return ordered;
}

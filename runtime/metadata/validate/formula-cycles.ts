/**
 * Formula fields that depend on themselves, directly or through other formulas.
 */
import type { Checker } from './checker.ts';
import { expressionVars } from './expressions.ts';
import { str } from './json.ts';
import type { Json } from './json.ts';

/** Formulas computed from formulas must not go round in a circle. */
export function checkFormulaCycles(c: Checker, fields: Array<[Json, number]>, base: string): void {
  const formulas = new Map<string, { deps: Set<string>; index: number }>();
  for (const [field, j] of fields) {
    const name = str(field.name);
    if (field.type !== 'formula' || name === undefined || formulas.has(name)) continue;
    const deps = new Set<string>();
    for (const { name: v } of expressionVars(field.expression, '')) {
      if (!v.startsWith('$')) deps.add(v.split('.')[0]);
    }
    formulas.set(name, { deps, index: j });
  }
  for (const [name, { index }] of formulas) {
    const cycle = findCycle(name, formulas);
    if (cycle) {
      c.report(`${base}/fields/${index}/expression`, 'formula_cycle', `formula '${name}' depends on itself: ${cycle.join(' → ')}`);
    }
  }
}

function findCycle(start: string, graph: Map<string, { deps: Set<string> }>): string[] | undefined {
  const visit = (node: string, trail: string[], seen: Set<string>): string[] | undefined => {
    for (const dep of graph.get(node)?.deps ?? []) {
      if (dep === start) return [...trail, dep];
      if (!graph.has(dep) || seen.has(dep)) continue;
      seen.add(dep);
      const found = visit(dep, [...trail, dep], seen);
      if (found) return found;
    }
    return undefined;
  };
  return visit(start, [start], new Set());
}

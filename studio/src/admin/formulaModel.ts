/**
 * The formula builder's model: a calculation read left to right (Amount × Quantity − Discount),
 * or text joined from fields and words. Other JSON Logic stays in the raw JSON tab.
 */
import type { JsonLogic, JsonValue } from '../../../metadata/types.ts';

export type Term = { kind: 'field'; field: string } | { kind: 'number'; value: number } | { kind: 'text'; value: string };
export type MathOp = '+' | '-' | '*' | '/';

export type FormulaModel =
  | { mode: 'math'; first: Term; rest: Array<{ op: MathOp; term: Term }> }
  | { mode: 'join'; parts: Term[] };

export const MATH_OPS: Array<{ op: MathOp; label: string }> = [
  { op: '+', label: 'plus' }, { op: '-', label: 'minus' }, { op: '*', label: 'times' }, { op: '/', label: 'divided by' },
];

function termLogic(t: Term): JsonLogic {
  return t.kind === 'field' ? { var: t.field } : t.value;
}

export function toFormula(m: FormulaModel): JsonLogic {
  if (m.mode === 'join') return { cat: m.parts.map(termLogic) };
  let acc = termLogic(m.first);
  for (const { op, term } of m.rest) acc = { [op]: [acc, termLogic(term)] };
  return acc;
}

function termOf(x: JsonValue): Term | undefined {
  if (typeof x === 'number') return { kind: 'number', value: x };
  if (typeof x === 'string') return { kind: 'text', value: x };
  if (x && typeof x === 'object' && !Array.isArray(x)) {
    const keys = Object.keys(x);
    if (keys.length === 1 && keys[0] === 'var' && typeof x.var === 'string' && x.var && !x.var.startsWith('$')) return { kind: 'field', field: x.var };
  }
  return undefined;
}

function mathOf(x: JsonValue): { first: Term; rest: Array<{ op: MathOp; term: Term }> } | undefined {
  const t = termOf(x);
  if (t) return t.kind === 'text' ? undefined : { first: t, rest: [] };
  if (!x || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const keys = Object.keys(x);
  if (keys.length !== 1 || !['+', '-', '*', '/'].includes(keys[0])) return undefined;
  const op = keys[0] as MathOp;
  const args = x[op];
  if (!Array.isArray(args) || args.length < 2 || ((op === '-' || op === '/') && args.length !== 2)) return undefined;
  const left = mathOf(args[0]);
  if (!left) return undefined;
  const rest = [...left.rest];
  for (const a of args.slice(1)) {
    const term = termOf(a);
    if (!term || term.kind === 'text') return undefined;
    rest.push({ op, term });
  }
  return { first: left.first, rest };
}

/** The builder's model of a formula, or undefined when the builder cannot show it. */
export function fromFormula(expr: JsonLogic | undefined, returns: string): FormulaModel | undefined {
  if (expr === undefined || expr === null) return returns === 'text' ? { mode: 'join', parts: [] } : { mode: 'math', first: { kind: 'number', value: 0 }, rest: [] };
  if (expr && typeof expr === 'object' && !Array.isArray(expr) && Object.keys(expr).length === 1 && Array.isArray(expr.cat)) {
    const parts = expr.cat.map(termOf);
    if (parts.every((p): p is Term => !!p)) return { mode: 'join', parts };
    return undefined;
  }
  const m = mathOf(expr);
  return m ? { mode: 'math', ...m } : undefined;
}

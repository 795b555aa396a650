/**
 * What the engine would refuse in a rule, found before anyone runs it (a deploy refuses such a
 * rule with the path of the offending part): nesting deeper than MAX_EXPRESSION_DEPTH, an
 * operator the engine does not know, and the compile-time errors (argument counts, literal
 * units). Pure, no eval: the compiler only writes source text here, it does not run it.
 */
import type { JsonLogic } from '../types.ts';
import { isLogic } from './code.ts';
import { isTooDeep, MAX_EXPRESSION_DEPTH } from './compile.ts';
import { Compiler, Fn } from './compiler.ts';
import { ExpressionError } from './error.ts';
import { OPERATORS } from './operators/table.ts';

export interface ExpressionProblem {
  /** Where in the rule, as JSON pointer segments from the rule itself ([] = the whole rule). */
  path: Array<string | number>;
  code: 'too_deep' | 'unknown_operator' | 'invalid_expression';
  message: string;
}

/** Every unknown operator, walked the way the compiler reads a rule (a one-key object is an operation). */
function unknownOperators(node: unknown, at: Array<string | number>, out: ExpressionProblem[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => unknownOperators(item, [...at, i], out));
    return;
  }
  if (!isLogic(node)) return; // a literal: several keys (or none) make an object data, not an operation
  const op = Object.keys(node)[0];
  if (!OPERATORS.has(op)) {
    out.push({ path: [...at, op], code: 'unknown_operator', message: `${JSON.stringify(op).slice(0, 60)} is not an operator of Strata's expressions` });
  }
  unknownOperators(node[op], [...at, op], out);
}

/** The problems that keep a rule from running; an empty list means the engine accepts it. */
export function expressionProblems(logic: JsonLogic): ExpressionProblem[] {
  if (isTooDeep(logic)) {
    return [{ path: [], code: 'too_deep', message: `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels` }];
  }
  const problems: ExpressionProblem[] = [];
  unknownOperators(logic, [], problems);
  if (problems.length) return problems;
  try {
    new Compiler().compile(logic, new Fn());
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    problems.push({ path: [], code: 'invalid_expression', message: err.message });
  }
  return problems;
}

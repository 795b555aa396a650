/** Strata's expression language (JSON Logic, compiled): see compile.ts for the semantics. */
export {
  compileExpression, isTruthy, isTooDeep, ExpressionError, EXPRESSION_OPERATORS, MAX_EXPRESSION_DEPTH,
  type CompiledExpression, type ExpressionData,
} from './compile.ts';
export { getCompiled, clearExpressionCache, expressionCacheSize, canonicalJson } from './cache.ts';
export { expressionFields, formulaOrder, FormulaCycleError, ANY_FIELD, type FormulaLike } from './dependencies.ts';
export { expressionProblems, type ExpressionProblem } from './check.ts';
export { interpretExpression, getInterpreted } from './interpret.ts';
export { computeFormulaValues, formulaValue, inYearRange, type FormulaContext } from './formulas.ts';

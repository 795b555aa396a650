/**
 * The object's JSON Logic in the browser, for instant feedback: validation rules checked as
 * people type (the server checks them again on save and stays the authority), and formulas
 * previewed before saving. Both run Strata's one expression engine (metadata/expressions), in
 * its closure form because the page's CSP forbids eval; formulas go through the very function
 * the server's record pipeline uses (dependency order, the columns' coercions).
 */
import {
  ANY_FIELD, computeFormulaValues, expressionFields as fieldsRead, getInterpreted, isTruthy,
} from '../../../metadata/expressions/index.ts';
import type { JsonLogic, ObjectDef, ValidationRule } from '../../../metadata/types.ts';

type Values = Record<string, unknown>;

export function evaluate(logic: JsonLogic, data: Values): unknown {
  return getInterpreted(logic)(data);
}

/** The record fields an expression reads (`$previous.x` and `$user.x` are not the record's). */
export function expressionFields(logic: JsonLogic): Set<string> {
  return new Set(fieldsRead(logic).filter((name) => name !== ANY_FIELD && !name.startsWith('$')));
}

export interface RuleContext {
  /** The stored record on update (`$previous`); undefined on create. */
  previous?: Values;
  user?: { id: string; email?: string };
}

export interface RuleProblem { rule: string; field: string; message: string; reads: Set<string> }

/** The rules `values` break, as the server would report them (a rule that cannot run is skipped). */
export function failingRules(rules: ValidationRule[] | undefined, values: Values, ctx: RuleContext = {}): RuleProblem[] {
  const isCreate = !ctx.previous;
  const data: Values = { ...values, $previous: ctx.previous ?? {}, $user: ctx.user ?? {} };
  const out: RuleProblem[] = [];
  for (const rule of rules ?? []) {
    if (rule.on && !rule.on.includes(isCreate ? 'create' : 'update')) continue;
    let failed = false;
    try {
      failed = isTruthy(evaluate(rule.when, data));
    } catch {
      failed = false; // the server decides
    }
    if (failed) out.push({ rule: rule.name, field: rule.field ?? '', message: rule.message, reads: expressionFields(rule.when) });
  }
  return out;
}

/** Formula values for the record as edited (a preview: the server computes the stored ones, the same way). */
export function previewFormulas(object: Pick<ObjectDef, 'fields'>, values: Values, ctx: RuleContext = {}): Values {
  try {
    return computeFormulaValues(object.fields, values, { user: ctx.user, previous: ctx.previous }, getInterpreted);
  } catch {
    return values; // formulas in a cycle: refused at deploy, so only a draft gets here
  }
}

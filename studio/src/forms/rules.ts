/**
 * The object's JSON Logic in the browser, for instant feedback: validation rules checked as
 * people type (the server checks them again on save and stays the authority), and formulas
 * previewed before saving. json-logic-js interprets (no eval, so the page's CSP holds), with
 * Strata's additions (metadata/expressions/compile.ts) added as operations.
 */
import * as jsonLogic from 'json-logic-js';
import type { FieldDef, FormulaField, JsonLogic, ObjectDef, ValidationRule } from '../../../metadata/types.ts';

type Values = Record<string, unknown>;
type Logic = Parameters<typeof jsonLogic.apply>[0];

function isoDay(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

let extended = false;
/** Strata's operations beyond standard JSON Logic, as the server has them. */
function extend(): void {
  if (extended) return;
  extended = true;
  jsonLogic.add_operation('today', () => new Date().toISOString().slice(0, 10));
  jsonLogic.add_operation('now', () => new Date().toISOString());
  jsonLogic.add_operation('lower', (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : null));
  jsonLogic.add_operation('upper', (s: unknown) => (typeof s === 'string' ? s.toUpperCase() : null));
  jsonLogic.add_operation('trim', (s: unknown) => (typeof s === 'string' ? s.trim() : null));
  jsonLogic.add_operation('length', (s: unknown) => (typeof s === 'string' || Array.isArray(s) ? s.length : 0));
  jsonLogic.add_operation('abs', (n: unknown) => (typeof n === 'number' ? Math.abs(n) : null));
  jsonLogic.add_operation('coalesce', (...args: unknown[]) => args.find((a) => a !== null && a !== undefined) ?? null);
  jsonLogic.add_operation('round', (n: unknown, digits?: unknown) => {
    if (typeof n !== 'number') return null;
    const f = 10 ** (typeof digits === 'number' ? digits : 0);
    return Math.sign(n) * Math.round(Math.abs(n) * f + Number.EPSILON) / f;
  });
  jsonLogic.add_operation('year', (v: unknown) => isoDay(v)?.getUTCFullYear() ?? null);
  jsonLogic.add_operation('month', (v: unknown) => { const d = isoDay(v); return d ? d.getUTCMonth() + 1 : null; });
  jsonLogic.add_operation('date_diff', (from: unknown, to: unknown, unit?: unknown) => {
    const a = isoDay(from);
    const b = isoDay(to);
    if (!a || !b) return null;
    const ms = b.getTime() - a.getTime();
    switch (unit ?? 'days') {
      case 'hours': return Math.trunc(ms / 3_600_000);
      case 'months': case 'years': {
        let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
        if (months > 0 && b.getUTCDate() < a.getUTCDate()) months -= 1;
        if (months < 0 && b.getUTCDate() > a.getUTCDate()) months += 1;
        return unit === 'years' ? Math.trunc(months / 12) : months;
      }
      default: return Math.trunc(ms / 86_400_000);
    }
  });
  jsonLogic.add_operation('date_add', (date: unknown, n: unknown, unit?: unknown) => {
    const d = isoDay(date);
    if (!d || typeof n !== 'number') return null;
    const u = unit ?? 'days';
    if (u === 'days') d.setUTCDate(d.getUTCDate() + n);
    else if (u === 'hours') d.setUTCHours(d.getUTCHours() + n);
    else {
      const day = d.getUTCDate();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + (u === 'years' ? 12 * n : n));
      d.setUTCDate(Math.min(day, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()));
    }
    return typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? d.toISOString().slice(0, 10) : d.toISOString();
  });
}

export function evaluate(logic: JsonLogic, data: Values): unknown {
  extend();
  return jsonLogic.apply(logic as Logic, data);
}

/** The record fields an expression reads (`$previous.x` and `$user.x` are not the record's). */
export function expressionFields(logic: JsonLogic, out = new Set<string>()): Set<string> {
  if (Array.isArray(logic)) {
    for (const x of logic) expressionFields(x, out);
  } else if (logic && typeof logic === 'object') {
    for (const [op, arg] of Object.entries(logic)) {
      if (op === 'var') {
        const name = Array.isArray(arg) ? arg[0] : arg;
        if (typeof name === 'string' && name && !name.startsWith('$')) out.add(name.split('.')[0]);
        else if (typeof name !== 'string') expressionFields(name, out);
      } else {
        expressionFields(arg, out);
      }
    }
  }
  return out;
}

export interface RuleContext {
  /** The stored record on update (`$previous`); undefined on create. */
  previous?: Values;
  user?: { id: string; email?: string };
}

export interface RuleProblem { rule: string; field: string; message: string; reads: Set<string> }

function truthy(v: unknown): boolean {
  extend();
  return jsonLogic.truthy(v);
}

/** The rules `values` break, as the server would report them (a rule that cannot run is skipped). */
export function failingRules(rules: ValidationRule[] | undefined, values: Values, ctx: RuleContext = {}): RuleProblem[] {
  const isCreate = !ctx.previous;
  const data: Values = { ...values, $previous: ctx.previous ?? {}, $user: ctx.user ?? {} };
  const out: RuleProblem[] = [];
  for (const rule of rules ?? []) {
    if (rule.on && !rule.on.includes(isCreate ? 'create' : 'update')) continue;
    let failed = false;
    try {
      failed = truthy(evaluate(rule.when, data));
    } catch {
      failed = false; // the server decides
    }
    if (failed) out.push({ rule: rule.name, field: rule.field ?? '', message: rule.message, reads: expressionFields(rule.when) });
  }
  return out;
}

function toReturnType(f: FormulaField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (f.returns) {
    case 'text': return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'boolean': return truthy(v);
    case 'date': case 'datetime': {
      if (typeof v !== 'string') return null;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) return null;
      return f.returns === 'date' ? d.toISOString().slice(0, 10) : d.toISOString();
    }
    default: {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      if (f.returns === 'integer') return Math.round(n);
      const scale = f.scale ?? (f.returns === 'currency' || f.returns === 'percent' ? 2 : undefined);
      return scale === undefined ? n : Math.round(n * 10 ** scale) / 10 ** scale;
    }
  }
}

/** Formula values for the record as edited (a preview: the server computes the stored ones). */
export function previewFormulas(object: Pick<ObjectDef, 'fields'>, values: Values, ctx: RuleContext = {}): Values {
  const formulas = object.fields.filter((f): f is FieldDef & FormulaField => f.type === 'formula');
  if (!formulas.length) return values;
  const data: Values = { ...values, $previous: ctx.previous ?? {}, $user: ctx.user ?? {} };
  const out: Values = { ...values };
  // Formulas may read formulas: a few passes settle any order (cycles are refused at deploy).
  for (let pass = 0; pass < Math.min(formulas.length, 4); pass++) {
    for (const f of formulas) {
      let v: unknown;
      try {
        v = toReturnType(f, evaluate(f.expression, data));
      } catch {
        v = null;
      }
      out[f.name] = v;
      data[f.name] = v;
    }
  }
  return out;
}

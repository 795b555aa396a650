/**
 * Formula fields of a record, computed: each formula after the formulas it reads (their
 * dependency order), its result coerced to the field's return type the way the column stores
 * it. One function for the server's record pipeline and the studio's form preview, so what
 * the form shows is what the server stores. The caller passes how a rule runs: generated code
 * on the server (getCompiled), closures in the browser (getInterpreted), same semantics.
 */
import type { FieldDef, FormulaField, JsonLogic } from '../types.ts';
import type { CompiledExpression } from './compile.ts';
import { formulaOrder } from './dependencies.ts';
import { isTruthy } from './truthy.ts';

type Values = Record<string, unknown>;

/** Years PostgreSQL and JavaScript both read the same way (1 to 9999). */
export function inYearRange(iso: string): boolean {
  return /^\d{4}-/.test(iso) && !iso.startsWith('0000');
}

/** A formula's raw result as its column holds it; null when the column could not. */
export function formulaValue(f: Pick<FormulaField, 'returns' | 'scale'>, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (f.returns) {
    case 'text': return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'boolean': return isTruthy(v);
    case 'date': case 'datetime': {
      if (typeof v !== 'string') return null;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) return null;
      const iso = d.toISOString();
      // Out of PostgreSQL's range the column could not take it: empty, not a failed save.
      if (!inYearRange(iso)) return null;
      return f.returns === 'date' ? iso.slice(0, 10) : iso;
    }
    default: {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      if (f.returns === 'integer') return Number.isSafeInteger(Math.round(n)) ? Math.round(n) : null;
      const scale = f.scale ?? (f.returns === 'currency' || f.returns === 'percent' ? 2 : undefined);
      if (scale === undefined) return n;
      // The column is numeric(18, scale): a result it cannot hold is empty.
      if (Math.abs(n) >= 10 ** (18 - scale)) return null;
      return Math.round(n * 10 ** scale) / 10 ** scale;
    }
  }
}

type Formula = FieldDef & FormulaField;
const orderCache = new WeakMap<readonly FieldDef[], Formula[]>();

/** The object's formulas in dependency order (remembered per fields array). Throws FormulaCycleError. */
function orderedFormulas(fields: readonly FieldDef[]): Formula[] {
  let order = orderCache.get(fields);
  if (!order) {
    order = formulaOrder(fields.filter((f): f is Formula => f.type === 'formula'));
    orderCache.set(fields, order);
  }
  return order;
}

export interface FormulaContext {
  /** `$user` in the rules. */
  user?: { id: string | null; email?: string };
  /** The stored record on update (`$previous`); none on create. */
  previous?: Values;
}

/**
 * The record with every formula field computed. A formula that fails on this record's values
 * is empty, never a failed save.
 */
export function computeFormulaValues(
  fields: readonly FieldDef[], record: Values, context: FormulaContext, run: (logic: JsonLogic) => CompiledExpression,
): Values {
  const order = orderedFormulas(fields);
  if (!order.length) return record;
  const data: Values = { ...record, $user: context.user ?? {}, $previous: context.previous ?? {} };
  const out = { ...record };
  for (const f of order) {
    let v: unknown;
    try {
      v = run(f.expression)(data);
    } catch {
      v = null;
    }
    const value = formulaValue(f, v);
    out[f.name] = value;
    data[f.name] = value;
  }
  return out;
}

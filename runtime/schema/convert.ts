/**
 * How a column converts when a field's type changes: the `USING` expression, and the checks
 * that count records whose value would not convert (the deploy is then refused with that
 * count). Pure. SQL here uses `??` for the column and `?` for values: knex binds both.
 */
import type { FieldDef } from '../../metadata/types.ts';
import { SYSTEM_SCHEMA } from '../db/names.ts';
import { columnFamily, columnType, numericScale } from './column-type.ts';
import type { DataCheck, SqlValue } from './steps.ts';

export interface Conversion {
  using: string;
  usingBindings: SqlValue[];
  checks: DataCheck[];
}

/** An SQL expression over one row of the object's table, with its bindings. */
export interface ValueExpr { sql: string; bindings: SqlValue[] }

// knex expands array bindings into lists, so arrays travel as one JSON text binding.
const JSON_TEXT_ARRAY = `ARRAY(SELECT jsonb_array_elements_text(?::jsonb))`;
const EMAIL_RE = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

/** Values the server computes (formulas, rollups, autonumbers), never typed in. */
export function isComputedType(f: FieldDef): boolean {
  return f.type === 'formula' || f.type === 'rollup' || f.type === 'autonumber';
}

/**
 * Checks that apply when values must satisfy the target field beyond its column type.
 * `value` is the value each record will have after the change: the column itself, or the
 * `USING` expression of a type change (these checks only concern text-like targets, whose
 * conversions never fail, so evaluating that expression is safe).
 */
export function valueChecks(from: FieldDef | undefined, to: FieldDef, value: ValueExpr = { sql: '??', bindings: [to.name] }): DataCheck[] {
  const checks: DataCheck[] = [];
  const v = `(${value.sql})`;
  const vb = value.bindings;
  const wasSameKind = from && from.type === to.type;
  if (to.type === 'picklist') {
    const values = to.options.map((o) => o.value);
    const prior = from?.type === 'picklist' ? from.options.map((o) => o.value) : undefined;
    const removedOnly = prior && prior.some((x) => !values.includes(x));
    if (!prior || removedOnly) {
      checks.push({
        where: `${v} IS NOT NULL AND NOT (${v}::text = ANY(${JSON_TEXT_ARRAY}))`,
        bindings: [...vb, ...vb, JSON.stringify(values)],
        reason: `have a ${to.name} that is not one of its options`,
        // A removed option only warns: the records keep their value, as inactive values do in
        // every CRM; new text converted to a picklist must fit.
        refuse: !prior,
      });
    }
  }
  if (to.type === 'multipicklist') {
    const values = to.options.map((o) => o.value);
    const prior = from?.type === 'multipicklist' ? from.options.map((o) => o.value) : undefined;
    if (!prior || prior.some((x) => !values.includes(x))) {
      checks.push({
        where: `${v} IS NOT NULL AND NOT (${v}::text[] <@ ${JSON_TEXT_ARRAY})`,
        bindings: [...vb, ...vb, JSON.stringify(values)],
        reason: `have a ${to.name} value that is not one of its options`,
        refuse: !prior,
      });
    }
  }
  if (to.type === 'email' && !wasSameKind) {
    checks.push({ where: `${v} IS NOT NULL AND ${v}::text !~ ?`, bindings: [...vb, ...vb, EMAIL_RE], reason: 'have text that is not an email address', refuse: true });
  }
  if ('maxLength' in to && to.maxLength !== undefined) {
    const prevMax = from && 'maxLength' in from ? from.maxLength : undefined;
    if (prevMax === undefined || prevMax > to.maxLength || !wasSameKind) {
      checks.push({ where: `char_length(${v}::text) > ?`, bindings: [...vb, to.maxLength], reason: `have a ${to.name} longer than ${to.maxLength} characters`, refuse: true });
    }
  }
  return checks;
}

/** Digits before and after the point a numeric column type holds (undefined: unlimited). */
function numericShape(type: string): { whole?: number; scale?: number } {
  if (type === 'bigint') return { whole: 19, scale: 0 };
  const m = /^numeric\((\d+),(\d+)\)$/.exec(type);
  return m ? { whole: Number(m[1]) - Number(m[2]), scale: Number(m[2]) } : {};
}

/** Checks that numbers stored as `fromType` fit `toType` without rounding or overflowing. */
function numericFitChecks(v: ValueExpr, fromType: string, toType: string, col: string): DataCheck[] {
  const checks: DataCheck[] = [];
  const from = numericShape(fromType);
  const to = numericShape(toType);
  if (to.scale !== undefined && !(from.scale !== undefined && from.scale <= to.scale)) {
    checks.push({
      where: `(${v.sql}) <> round((${v.sql})::numeric, ?)`, bindings: [...v.bindings, ...v.bindings, to.scale],
      reason: to.scale === 0 ? `have a ${col} that is not a whole number` : `have more than ${to.scale} decimal places in ${col}`, refuse: true,
    });
  }
  if (to.whole !== undefined && !(from.whole !== undefined && from.whole <= to.whole)) {
    if (toType === 'bigint') {
      checks.push({
        where: `round((${v.sql})::numeric) NOT BETWEEN -9223372036854775808 AND 9223372036854775807`, bindings: [...v.bindings],
        reason: `have a ${col} too large for an integer`, refuse: true,
      });
      return checks;
    }
    checks.push({
      where: `abs(round((${v.sql})::numeric, ?)) >= power(10::numeric, ?)`, bindings: [...v.bindings, to.scale ?? 0, to.whole],
      reason: `have a ${col} too large for ${to.whole} digits before the point`, refuse: true,
    });
  }
  return checks;
}

/**
 * Text (or JSON) that casts to numeric(p,s) may still be rounded by the cast: count it. Text
 * that is no number, or too large, fails `can_cast` and is counted by the caller's check.
 */
function textRoundingCheck(text: ValueExpr, toType: string, col: string): DataCheck[] {
  const scale = numericScale(toType);
  if (scale === undefined) return [];
  const n = `(CASE WHEN ${SYSTEM_SCHEMA}.can_cast(${text.sql}, 'numeric') THEN (${text.sql})::numeric END)`;
  return [{
    where: `${n} <> round(${n}, ?)`,
    bindings: [...text.bindings, ...text.bindings, ...text.bindings, ...text.bindings, scale],
    reason: `have more than ${scale} decimal places in ${col}`,
    refuse: true,
  }];
}

function describeFamily(t: string): string {
  switch (t) {
    case 'integer': return 'a whole number';
    case 'numeric': return 'a number';
    case 'boolean': return 'yes or no';
    case 'date': return 'a date';
    case 'timestamptz': return 'a date and time';
    default: return `a valid ${t}`;
  }
}

/**
 * The conversion of column `from` to `to` (same name: renames happen before).
 * Returns undefined when the column needs no conversion.
 */
export function conversion(from: FieldDef, to: FieldDef): Conversion | undefined {
  const fromType = columnType(from);
  const toType = columnType(to);
  const col = to.name;
  const checks: DataCheck[] = [];
  const cannot = (reason: string) => checks.push({ where: `?? IS NOT NULL`, bindings: [col], reason, refuse: true });
  const cleared = (): Conversion => ({ using: `NULL::${toType}`, usingBindings: [], checks });

  // Values computed by the server (formulas, rollups, autonumbers) must not replace data typed
  // in; computed values themselves are recomputed (or renumbered), so they need no check.
  if (isComputedType(to)) {
    if (!isComputedType(from)) {
      cannot(`have a ${from.name} that a computed field would overwrite`);
      return cleared();
    }
    const startsNumbering = to.type === 'autonumber' && from.type !== 'autonumber';
    if (fromType === toType && !startsNumbering) return undefined;
    return cleared();
  }

  const sameTarget = from.type === 'reference' && to.type === 'reference' ? from.to === to.to : true;
  if (fromType === toType && sameTarget) return undefined;
  const f = columnFamily(fromType);
  const t = columnFamily(toType);
  if (from.type === 'reference' || to.type === 'reference') {
    if (!(from.type === 'reference' && t === 'text')) {
      cannot(`have a ${from.name} that cannot point at the new target`);
      return cleared();
    }
  }

  let using = `??::${toType}`;
  let usingBindings: SqlValue[] = [col];
  if (t === 'text') {
    if (f === 'text[]') { using = `array_to_string(??, ';')`; }
    else if (f === 'jsonb') { using = `??#>>'{}'`; }
    else { using = `??::text`; }
  } else if (t === 'jsonb') {
    using = `to_jsonb(??)`;
  } else if (f === 'text' && t === 'text[]') {
    using = `CASE WHEN ?? IS NULL OR btrim(??) = '' THEN NULL ELSE string_to_array(??, ';') END`;
    usingBindings = [col, col, col];
  } else if (f === 'text[]') {
    cannot(`have a ${from.type} value that cannot become ${to.type}`);
    return cleared();
  } else if (f === 'text') {
    // Text converts when PostgreSQL can cast it; blank text becomes empty (null).
    checks.push({
      where: `?? IS NOT NULL AND btrim(??) <> '' AND NOT ${SYSTEM_SCHEMA}.can_cast(btrim(??), ?)`,
      bindings: [col, col, col, toType],
      reason: `have text that is not ${describeFamily(t)}`,
      refuse: true,
    });
    if (t === 'numeric') checks.push(...textRoundingCheck({ sql: 'btrim(??)', bindings: [col] }, toType, col));
    using = `NULLIF(btrim(??), '')::${toType}`;
  } else if (f === 'numeric' && (t === 'integer' || t === 'numeric')) {
    checks.push(...numericFitChecks({ sql: '??', bindings: [col] }, fromType, toType, col));
    using = `??::${toType}`;
  } else if (f === 'integer' && t === 'numeric') {
    checks.push(...numericFitChecks({ sql: '??', bindings: [col] }, fromType, toType, col));
    using = `??::${toType}`;
  } else if ((f === 'integer' || f === 'numeric') && t === 'boolean') {
    using = `(?? <> 0)`;
  } else if (f === 'boolean' && (t === 'integer' || t === 'numeric')) {
    using = `(??::int)::${toType}`;
  } else if (f === 'date' && t === 'timestamptz') {
    using = `(??::timestamp AT TIME ZONE 'UTC')`;
  } else if (f === 'timestamptz' && t === 'date') {
    checks.push({ where: `?? <> date_trunc('day', ?? AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`, bindings: [col, col], reason: `have a time of day in ${col} that a date would lose`, refuse: true });
    using = `(?? AT TIME ZONE 'UTC')::date`;
  } else if (f === 'jsonb') {
    checks.push({
      where: `?? IS NOT NULL AND NOT ${SYSTEM_SCHEMA}.can_cast(??#>>'{}', ?)`,
      bindings: [col, col, toType],
      reason: `have JSON that is not ${describeFamily(t)}`,
      refuse: true,
    });
    if (t === 'numeric') checks.push(...textRoundingCheck({ sql: `??#>>'{}'`, bindings: [col] }, toType, col));
    using = `(??#>>'{}')::${toType}`;
  } else {
    cannot(`have a ${from.type} value that cannot become ${to.type}`);
    return cleared();
  }
  return { using, usingBindings, checks };
}

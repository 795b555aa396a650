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

const TEXT_TYPES = new Set(['text', 'longtext', 'richtext', 'email', 'phone', 'url', 'picklist', 'autonumber']);
// knex expands array bindings into lists, so arrays travel as one JSON text binding.
const JSON_TEXT_ARRAY = `ARRAY(SELECT jsonb_array_elements_text(?::jsonb))`;
const EMAIL_RE = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

/** Checks that apply when values must satisfy the target field beyond its column type. */
export function valueChecks(from: FieldDef | undefined, to: FieldDef): DataCheck[] {
  const checks: DataCheck[] = [];
  const wasSameKind = from && from.type === to.type;
  if (to.type === 'picklist') {
    const values = to.options.map((o) => o.value);
    const prior = from?.type === 'picklist' ? from.options.map((o) => o.value) : undefined;
    const removedOnly = prior && prior.some((v) => !values.includes(v));
    if (!prior || removedOnly) {
      checks.push({
        where: `?? IS NOT NULL AND NOT (??::text = ANY(${JSON_TEXT_ARRAY}))`,
        bindings: [to.name, to.name, JSON.stringify(values)],
        reason: `have a ${to.name} that is not one of its options`,
        // A removed option only warns: the records keep their value, as inactive values do in
        // every CRM; new text converted to a picklist must fit.
        refuse: !prior,
      });
    }
  }
  if (to.type === 'multipicklist') {
    const values = to.options.map((o) => o.value);
    checks.push({
      where: `?? IS NOT NULL AND NOT (??::text[] <@ ${JSON_TEXT_ARRAY})`,
      bindings: [to.name, to.name, JSON.stringify(values)],
      reason: `have a ${to.name} value that is not one of its options`,
      refuse: !(from?.type === 'multipicklist'),
    });
  }
  if (to.type === 'email' && !wasSameKind) {
    checks.push({ where: `?? IS NOT NULL AND ??::text !~ ?`, bindings: [to.name, to.name, EMAIL_RE], reason: 'have text that is not an email address', refuse: true });
  }
  if ('maxLength' in to && to.maxLength !== undefined) {
    const prevMax = from && 'maxLength' in from ? from.maxLength : undefined;
    if (prevMax === undefined || prevMax > to.maxLength || !wasSameKind) {
      checks.push({ where: `char_length(??::text) > ?`, bindings: [to.name, to.maxLength], reason: `have a ${to.name} longer than ${to.maxLength} characters`, refuse: true });
    }
  }
  return checks;
}

/**
 * The conversion of column `from` to `to` (same name: renames happen before).
 * Returns undefined when the column type does not change.
 */
export function conversion(from: FieldDef, to: FieldDef): Conversion | undefined {
  const fromType = columnType(from);
  const toType = columnType(to);
  const sameTarget = from.type === 'reference' && to.type === 'reference' ? from.to === to.to : true;
  if (fromType === toType && sameTarget) return undefined;
  const col = to.name;
  const f = columnFamily(fromType);
  const t = columnFamily(toType);
  const checks: DataCheck[] = [];
  const cannot = (reason: string) => checks.push({ where: `?? IS NOT NULL`, bindings: [col], reason, refuse: true });

  // Values computed by the server (formulas, rollups, autonumbers) must not replace data typed in.
  const computed = (x: FieldDef) => x.type === 'formula' || x.type === 'rollup' || x.type === 'autonumber';
  if (computed(to) && !computed(from)) {
    cannot(`have a ${from.name} that a computed field would overwrite`);
    return { using: 'NULL', usingBindings: [], checks };
  }
  if (from.type === 'reference' || to.type === 'reference') {
    if (!(from.type === 'reference' && to.type === 'text')) {
      cannot(`have a ${from.name} that cannot point at the new target`);
      return { using: `NULL::${toType}`, usingBindings: [], checks };
    }
  }

  let using = `??::${toType}`;
  let usingBindings: SqlValue[] = [col];
  if (t === 'text') {
    if (f === 'text[]') { using = `array_to_string(??, ';')`; }
    else if (f === 'jsonb') { using = `??#>>'{}'`; }
    else { using = `??::text`; }
  } else if (f === 'text' && t === 'text[]') {
    using = `CASE WHEN ?? IS NULL OR btrim(??) = '' THEN NULL ELSE string_to_array(??, ';') END`;
    usingBindings = [col, col, col];
  } else if (f === 'text[]' && t !== 'text[]') {
    checks.push({ where: `cardinality(??) > 1`, bindings: [col], reason: `hold more than one ${col} value`, refuse: true });
    using = `(??)[1]::${toType}`;
  } else if (f === 'text') {
    // Text converts when PostgreSQL can cast it; blank text becomes empty (null).
    checks.push({
      where: `?? IS NOT NULL AND btrim(??) <> '' AND NOT ${SYSTEM_SCHEMA}.can_cast(btrim(??), ?)`,
      bindings: [col, col, col, toType],
      reason: `have text that is not ${t === 'integer' || t === 'numeric' ? 'a number' : t === 'boolean' ? 'yes or no' : t === 'date' ? 'a date' : t === 'timestamptz' ? 'a date and time' : `a valid ${t}`}`,
      refuse: true,
    });
    using = `NULLIF(btrim(??), '')::${toType}`;
  } else if (f === 'numeric' && (t === 'integer' || t === 'numeric')) {
    const scale = t === 'integer' ? 0 : numericScale(toType);
    if (scale !== undefined) {
      checks.push({ where: `?? <> round(??, ?)`, bindings: [col, col, scale], reason: `have more than ${scale} decimal places in ${col}`, refuse: true });
    }
    using = `??::${toType}`;
  } else if (f === 'integer' && t === 'numeric') {
    using = `??::${toType}`;
  } else if ((f === 'integer' || f === 'numeric') && t === 'boolean') {
    using = `(?? <> 0)`;
  } else if (f === 'boolean' && (t === 'integer' || t === 'numeric')) {
    using = `(??::int)::${toType}`;
  } else if (f === 'date' && t === 'timestamptz') {
    using = `??::timestamptz`;
  } else if (f === 'timestamptz' && t === 'date') {
    checks.push({ where: `?? <> date_trunc('day', ?? AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`, bindings: [col, col], reason: `have a time of day in ${col} that a date would lose`, refuse: true });
    using = `(?? AT TIME ZONE 'UTC')::date`;
  } else if (t === 'jsonb') {
    using = `to_jsonb(??)`;
  } else if (f === 'jsonb') {
    checks.push({
      where: `?? IS NOT NULL AND NOT ${SYSTEM_SCHEMA}.can_cast(??#>>'{}', ?)`,
      bindings: [col, col, toType],
      reason: `have JSON that is not a ${t}`,
      refuse: true,
    });
    using = `(??#>>'{}')::${toType}`;
  } else {
    cannot(`have a ${from.type} value that cannot become ${to.type}`);
    using = `NULL::${toType}`;
    usingBindings = [];
  }
  if (!using.includes('??')) usingBindings = [];
  return { using, usingBindings, checks };
}

export function isTextType(type: string): boolean {
  return TEXT_TYPES.has(type);
}

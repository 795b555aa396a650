/**
 * The filter builder's model and the record filter language (CONTRACT §4), both ways.
 *
 * The builder edits a flat list of conditions joined by AND or OR. A filter that does not fit
 * that shape (an OR inside an AND, a `not`, …) is kept whole as the `locked` part, shown
 * read-only and ANDed with the conditions, so no view filter is ever lost or rewritten.
 */
import type { JsonValue, RecordFilter } from '../../../../metadata/types.ts';
import type { Kind, ListField } from './fields.ts';

export type RuleOp =
  | 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'contains' | 'startsWith'
  | 'isNull' | 'notNull';

export type RuleValue = string | number | boolean | null | string[];

export interface FilterRule { field: string; op: RuleOp; value: RuleValue }

export interface FilterModel {
  match: 'and' | 'or';
  rules: FilterRule[];
  /** A part the builder cannot show as conditions; ANDed as it is. */
  locked?: RecordFilter;
}

/** Values the server resolves. */
export const TODAY = '$today';
export const ME = '$user.id';

const LEAF_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull']);

/** The operators offered for a kind of field, in the order shown. */
export function operatorsFor(kind: Kind): RuleOp[] {
  switch (kind) {
    case 'text': case 'longtext': case 'richtext': case 'email': case 'phone': case 'url':
      return ['contains', 'startsWith', 'eq', 'ne', 'isNull', 'notNull'];
    case 'integer': case 'decimal': case 'currency': case 'percent': case 'date': case 'datetime':
      return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'isNull', 'notNull'];
    case 'picklist': return ['in', 'nin', 'isNull', 'notNull'];
    case 'multipicklist': return ['in', 'isNull', 'notNull'];
    case 'boolean': return ['eq', 'isNull'];
    case 'reference': case 'user': return ['eq', 'ne', 'isNull', 'notNull'];
    case 'json': return ['isNull', 'notNull'];
  }
}

/** Words for an operator on a kind of field ("is after" for dates, "is greater than" for numbers). */
export function operatorLabel(op: RuleOp, kind: Kind): string {
  const dated = kind === 'date' || kind === 'datetime';
  switch (op) {
    case 'eq': return 'is';
    case 'ne': return 'is not';
    case 'gt': return dated ? 'is after' : 'is greater than';
    case 'gte': return dated ? 'is on or after' : 'is at least';
    case 'lt': return dated ? 'is before' : 'is less than';
    case 'lte': return dated ? 'is on or before' : 'is at most';
    case 'in': return kind === 'multipicklist' ? 'has any of' : 'is any of';
    case 'nin': return 'is none of';
    case 'contains': return 'contains';
    case 'startsWith': return 'starts with';
    case 'isNull': return 'is empty';
    case 'notNull': return 'is not empty';
  }
}

/** The value a new condition starts with, for an operator on a kind. */
export function initialValue(op: RuleOp, kind: Kind): RuleValue {
  if (op === 'isNull' || op === 'notNull') return null;
  if (op === 'in' || op === 'nin') return [];
  if (kind === 'boolean') return true;
  if (kind === 'user') return ME;
  return '';
}

/** A condition with everything it needs (an empty value box does not filter yet). */
export function isComplete(rule: FilterRule): boolean {
  if (!rule.field) return false;
  if (rule.op === 'isNull' || rule.op === 'notNull') return true;
  if (rule.op === 'in' || rule.op === 'nin') return Array.isArray(rule.value) && rule.value.length > 0;
  return rule.value !== null && rule.value !== '' && !Array.isArray(rule.value);
}

const NUMERIC: ReadonlySet<Kind> = new Set(['integer', 'decimal', 'currency', 'percent']);

/** The JSON value of a scalar, typed by the field (numbers typed as text become numbers). */
function typed(value: RuleValue, kind: Kind | undefined): JsonValue {
  if (kind && NUMERIC.has(kind) && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return value;
}

function leaf(rule: FilterRule, kind: Kind | undefined): RecordFilter {
  switch (rule.op) {
    case 'isNull': return { [rule.field]: { isNull: true } };
    case 'notNull': return { [rule.field]: { isNull: false } };
    case 'in': case 'nin': return { [rule.field]: { [rule.op]: (rule.value as string[]).map((v) => typed(v, kind)) } };
    default: return { [rule.field]: { [rule.op]: typed(rule.value, kind) } };
  }
}

function andAll(parts: RecordFilter[]): RecordFilter | undefined {
  const flat = parts.flatMap((p) => (Object.keys(p).length === 1 && Array.isArray(p.and) ? (p.and as RecordFilter[]) : [p]));
  if (flat.length === 0) return undefined;
  return flat.length === 1 ? flat[0] : { and: flat };
}

/**
 * The model as a §4 filter, or undefined when nothing filters. Incomplete conditions are left
 * out. `kinds` types the values (a number field's "100" is sent as 100).
 */
export function toFilter(model: FilterModel, kinds: Record<string, Kind> = {}): RecordFilter | undefined {
  const leaves = model.rules.filter(isComplete).map((r) => leaf(r, kinds[r.field]));
  let mine: RecordFilter | undefined;
  if (leaves.length === 1) mine = leaves[0];
  else if (leaves.length > 1) mine = { [model.match]: leaves };
  return andAll([...(model.locked ? [model.locked] : []), ...(mine ? [mine] : [])]);
}

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Conditions of one `{field: …}` entry, or undefined when the builder cannot show them. */
function rulesOfEntry(field: string, value: JsonValue): FilterRule[] | undefined {
  if (field === 'and' || field === 'or' || field === 'not') return undefined;
  if (!isObject(value)) {
    if (value === null) return [{ field, op: 'isNull', value: null }];
    if (isScalar(value)) return [{ field, op: 'eq', value }];
    return undefined; // an array: multipicklist equality, not a builder condition
  }
  const ops = Object.keys(value);
  if (ops.length === 0 || ops.some((op) => !LEAF_OPS.has(op))) return undefined;
  const out: FilterRule[] = [];
  for (const op of ops) {
    const v = value[op];
    if (op === 'isNull') {
      if (typeof v !== 'boolean') return undefined;
      out.push({ field, op: v ? 'isNull' : 'notNull', value: null });
    } else if (op === 'in' || op === 'nin') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) return undefined;
      out.push({ field, op, value: v.map(String) });
    } else {
      if (!isScalar(v) || v === null) return undefined;
      out.push({ field, op: op as RuleOp, value: v });
    }
  }
  return out;
}

/** Conditions of a filter object whose keys all are fields (ANDed), or undefined. */
function rulesOfObject(f: RecordFilter): FilterRule[] | undefined {
  const out: FilterRule[] = [];
  for (const [field, v] of Object.entries(f)) {
    const r = rulesOfEntry(field, v);
    if (!r) return undefined;
    out.push(...r);
  }
  return out;
}

/** Reads a §4 filter into the builder's model; what does not fit becomes `locked`. */
export function fromFilter(filter: RecordFilter | undefined | null): FilterModel {
  if (!filter || Object.keys(filter).length === 0) return { match: 'and', rules: [] };
  const keys = Object.keys(filter);
  if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or') && Array.isArray(filter[keys[0]])) {
    const match = keys[0] as 'and' | 'or';
    const items = filter[match] as JsonValue[];
    if (!items.every(isObject)) return { match: 'and', rules: [], locked: filter };
    if (match === 'or') {
      // An OR of single conditions only.
      const rules: FilterRule[] = [];
      for (const item of items as RecordFilter[]) {
        const r = rulesOfObject(item);
        if (!r || r.length !== 1) return { match: 'and', rules: [], locked: filter };
        rules.push(r[0]);
      }
      return { match: 'or', rules };
    }
    // An AND: conditions where it can, the rest locked.
    const rules: FilterRule[] = [];
    const locked: RecordFilter[] = [];
    for (const item of items as RecordFilter[]) {
      const r = rulesOfObject(item);
      if (r) rules.push(...r);
      else locked.push(item);
    }
    return locked.length ? { match: 'and', rules, locked: andAll(locked) } : { match: 'and', rules };
  }
  const rules = rulesOfObject(filter);
  return rules ? { match: 'and', rules } : { match: 'and', rules: [], locked: filter };
}

/** How many conditions filter (the badge on the Filter button). */
export function countConditions(model: FilterModel): number {
  return model.rules.filter(isComplete).length + (model.locked ? 1 : 0);
}

/** Plain words for a condition: `Stage is any of Closed won, Proposal`. */
export function describeRule(rule: FilterRule, field: ListField | undefined, valueText: (v: string | number | boolean) => string): string {
  const kind = field?.kind ?? 'text';
  const name = field?.label ?? rule.field;
  const op = operatorLabel(rule.op, kind);
  if (rule.op === 'isNull' || rule.op === 'notNull') return `${name} ${op}`;
  if (kind === 'boolean' && rule.op === 'eq') return `${name} is ${rule.value === true ? 'yes' : 'no'}`;
  const v = Array.isArray(rule.value) ? rule.value.map(valueText).join(', ') : rule.value === null ? '' : valueText(rule.value);
  return `${name} ${op} ${v}`;
}

/**
 * Conditions as the builder offers them for each kind: a picklist's `is x` becomes
 * `is any of [x]` (the same records).
 */
export function normalizeModel(model: FilterModel, kinds: Record<string, Kind>): FilterModel {
  const rules = model.rules.map((r): FilterRule => {
    const kind = kinds[r.field];
    if (kind === 'picklist' && (r.op === 'eq' || r.op === 'ne') && typeof r.value === 'string') {
      return { field: r.field, op: r.op === 'eq' ? 'in' : 'nin', value: [r.value] };
    }
    return r;
  });
  return { ...model, rules };
}

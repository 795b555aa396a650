/**
 * The filter builder's model and the record filter language of CONTRACT §4, both ways.
 * Used by list views (default filter), roles (access by filter) and rollups.
 */
import type { JsonValue, RecordFilter } from '../../../metadata/types.ts';

export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'contains' | 'startsWith' | 'isNull' | 'notNull';

export interface FilterCondition {
  kind: 'condition';
  /** A field, or a path through references (`account.industry`). */
  field: string;
  op: FilterOp;
  value?: JsonValue;
  values?: JsonValue[];
}

export interface FilterGroup {
  kind: 'group';
  op: 'and' | 'or';
  children: FilterNode[];
}

export type FilterNode = FilterCondition | FilterGroup;

export const FILTER_OP_LABELS: Record<FilterOp, string> = {
  eq: 'is', ne: 'is not', gt: 'is greater than', gte: 'is at least', lt: 'is less than', lte: 'is at most',
  in: 'is one of', nin: 'is none of', contains: 'contains', startsWith: 'starts with', isNull: 'is empty', notNull: 'is not empty',
};

/** Values that stand for the caller and the day (§4). */
export const SPECIAL_VALUES: Record<string, string> = { '$user.id': 'the current user', $today: 'today' };

export type FilterKind = 'text' | 'number' | 'date' | 'boolean' | 'choice' | 'choices' | 'reference' | 'user' | 'other';

export function filterOpsFor(kind: FilterKind): FilterOp[] {
  switch (kind) {
    case 'number': case 'date': return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'isNull', 'notNull'];
    case 'boolean': return ['eq', 'ne', 'isNull'];
    case 'choice': return ['eq', 'ne', 'in', 'nin', 'isNull', 'notNull'];
    case 'choices': return ['contains', 'isNull', 'notNull'];
    case 'text': return ['eq', 'ne', 'contains', 'startsWith', 'in', 'isNull', 'notNull'];
    case 'reference': case 'user': return ['eq', 'ne', 'isNull', 'notNull'];
    default: return ['isNull', 'notNull'];
  }
}

export function filterOpShape(op: FilterOp): 'one' | 'list' | 'none' {
  if (op === 'in' || op === 'nin') return 'list';
  if (op === 'isNull' || op === 'notNull') return 'none';
  return 'one';
}

export function emptyFilterGroup(op: 'and' | 'or' = 'and'): FilterGroup {
  return { kind: 'group', op, children: [] };
}

function conditionFilter(c: FilterCondition): RecordFilter | undefined {
  if (!c.field) return undefined;
  switch (c.op) {
    case 'isNull': return { [c.field]: { isNull: true } };
    case 'notNull': return { [c.field]: { isNull: false } };
    case 'in': case 'nin': return (c.values ?? []).length ? { [c.field]: { [c.op]: c.values ?? [] } } : undefined;
    case 'eq':
      if (c.value === undefined || c.value === '') return undefined;
      return c.value === null ? { [c.field]: { isNull: true } } : { [c.field]: c.value };
    default:
      if (c.value === undefined || c.value === '') return undefined;
      return { [c.field]: { [c.op]: c.value } };
  }
}

/** The §4 filter of the model; undefined when it says nothing (no complete condition). */
export function toFilter(node: FilterNode): RecordFilter | undefined {
  if (node.kind === 'condition') return conditionFilter(node);
  const parts = node.children.map(toFilter).filter((x): x is RecordFilter => x !== undefined);
  if (!parts.length) return undefined;
  if (parts.length === 1) return parts[0];
  return { [node.op]: parts };
}

const OPS = new Set<string>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull']);

function isObj(x: unknown): x is Record<string, JsonValue> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function keyNodes(field: string, value: JsonValue): FilterNode[] | undefined {
  if (!isObj(value)) {
    if (Array.isArray(value)) return undefined;
    return [value === null ? { kind: 'condition', field, op: 'isNull' } : { kind: 'condition', field, op: 'eq', value }];
  }
  const out: FilterNode[] = [];
  for (const [op, operand] of Object.entries(value)) {
    if (!OPS.has(op)) return undefined;
    if (op === 'isNull') out.push({ kind: 'condition', field, op: operand === false ? 'notNull' : 'isNull' });
    else if (op === 'in' || op === 'nin') {
      if (!Array.isArray(operand)) return undefined;
      out.push({ kind: 'condition', field, op, values: operand });
    } else {
      if (isObj(operand) || Array.isArray(operand)) return undefined;
      out.push({ kind: 'condition', field, op: op as FilterOp, value: operand });
    }
  }
  return out;
}

function nodesOf(filter: JsonValue): FilterNode[] | undefined {
  if (!isObj(filter)) return undefined;
  const out: FilterNode[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k === 'and' || k === 'or') {
      if (!Array.isArray(v)) return undefined;
      const children: FilterNode[] = [];
      for (const item of v) {
        const n = nodesOf(item);
        if (!n) return undefined;
        children.push(n.length === 1 ? n[0] : { kind: 'group', op: 'and', children: n });
      }
      out.push({ kind: 'group', op: k, children });
      continue;
    }
    if (k === 'not') return undefined;
    const n = keyNodes(k, v);
    if (!n) return undefined;
    out.push(...n);
  }
  return out;
}

/** The builder's model of a §4 filter, or undefined when the builder cannot show it (e.g. `not`). */
export function fromFilter(filter: RecordFilter | undefined): FilterGroup | undefined {
  if (!filter || !Object.keys(filter).length) return emptyFilterGroup();
  const nodes = nodesOf(filter);
  if (!nodes) return undefined;
  if (nodes.length === 1 && nodes[0].kind === 'group') return nodes[0];
  return { kind: 'group', op: 'and', children: nodes };
}

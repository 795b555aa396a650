/**
 * The visual rule builder's model and JSON Logic, both ways.
 *
 * A rule is a group (all / any) of conditions and nested groups. A condition compares a field
 * of the record with a value, another field, the field's stored value (`$previous`, on update)
 * or today. JSON Logic the builder did not write may still read back; anything else stays in
 * the raw JSON tab (`fromJsonLogic` gives undefined).
 */
import type { JsonLogic, JsonValue } from '../../../metadata/types.ts';

export type Operator =
  | 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'
  | 'empty' | 'notEmpty'
  | 'contains' | 'notContains'
  | 'in' | 'notIn'
  | 'changed' | 'changedFrom';

export type Operand =
  | { kind: 'value'; value: JsonValue }
  | { kind: 'field'; field: string }
  | { kind: 'previous'; field: string }
  | { kind: 'today' };

export interface Condition {
  kind: 'condition';
  field: string;
  operator: Operator;
  /** For comparisons, contains, changedFrom. */
  operand?: Operand;
  /** For in / notIn. */
  values?: JsonValue[];
}

export interface Group {
  kind: 'group';
  op: 'and' | 'or';
  children: RuleNode[];
}

export type RuleNode = Condition | Group;

/** What kind of value a field holds, as far as comparisons go. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'date' | 'choice' | 'choices' | 'reference' | 'other';

export const OPERATOR_LABELS: Record<Operator, string> = {
  eq: 'is', ne: 'is not', gt: 'is greater than', gte: 'is at least', lt: 'is less than', lte: 'is at most',
  empty: 'is empty', notEmpty: 'is not empty', contains: 'contains', notContains: 'does not contain',
  in: 'is one of', notIn: 'is none of', changed: 'changed', changedFrom: 'changed from',
};

/** Operators that make sense for a kind of field, in menu order. */
export function operatorsFor(kind: ValueKind): Operator[] {
  switch (kind) {
    case 'number': return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'empty', 'notEmpty', 'changed', 'changedFrom'];
    case 'date': return ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'empty', 'notEmpty', 'changed', 'changedFrom'];
    case 'boolean': return ['eq', 'ne', 'changed'];
    case 'choice': return ['eq', 'ne', 'in', 'notIn', 'empty', 'notEmpty', 'changed', 'changedFrom'];
    case 'choices': return ['contains', 'notContains', 'empty', 'notEmpty', 'changed'];
    case 'text': return ['eq', 'ne', 'contains', 'notContains', 'empty', 'notEmpty', 'changed', 'changedFrom'];
    case 'reference': return ['empty', 'notEmpty', 'eq', 'ne', 'changed'];
    default: return ['empty', 'notEmpty', 'changed'];
  }
}

/** Whether an operator takes an operand, a list, or nothing. */
export function operandShape(op: Operator): 'one' | 'list' | 'none' {
  if (op === 'in' || op === 'notIn') return 'list';
  if (op === 'empty' || op === 'notEmpty' || op === 'changed') return 'none';
  return 'one';
}

export function emptyGroup(op: 'and' | 'or' = 'and'): Group {
  return { kind: 'group', op, children: [] };
}

const v = (field: string): JsonLogic => ({ var: field });
const prev = (field: string): JsonLogic => ({ var: `$previous.${field}` });

function operandLogic(o: Operand | undefined): JsonLogic {
  if (!o) return null;
  switch (o.kind) {
    case 'value': return o.value;
    case 'field': return v(o.field);
    case 'previous': return prev(o.field);
    case 'today': return { today: [] };
  }
}

/** Problems that keep a condition from becoming JSON Logic, in words; empty when it is complete. */
export function conditionProblems(c: Condition): string[] {
  const out: string[] = [];
  if (!c.field) out.push('Pick a field');
  const shape = operandShape(c.operator);
  if (shape === 'one') {
    const o = c.operand;
    if (!o || (o.kind === 'value' && (o.value === '' || o.value === undefined))) out.push('Give a value');
    if (o && (o.kind === 'field' || o.kind === 'previous') && !o.field) out.push('Pick the field to compare with');
  }
  if (shape === 'list' && !(c.values ?? []).length) out.push('Pick at least one value');
  return out;
}

/** Every problem of the rule, with where it is ("Condition 2: Give a value"). */
export function ruleProblems(root: Group): string[] {
  const out: string[] = [];
  const walk = (g: Group, prefix: string) => {
    if (!g.children.length) out.push(`${prefix || 'The rule'}: add a condition`);
    g.children.forEach((n, i) => {
      const at = `${prefix ? `${prefix}, ` : ''}${n.kind === 'group' ? 'group' : 'condition'} ${i + 1}`;
      if (n.kind === 'group') walk(n, at);
      else for (const p of conditionProblems(n)) out.push(`${at[0].toUpperCase()}${at.slice(1)}: ${p}`);
    });
  };
  walk(root, '');
  return out;
}

function conditionLogic(c: Condition, kind: ValueKind): JsonLogic {
  const f = v(c.field);
  const rhs = operandLogic(c.operand);
  const nullable = kind === 'number' || kind === 'boolean';
  switch (c.operator) {
    case 'eq': return { '==': [f, rhs] };
    case 'ne': return { '!=': [f, rhs] };
    case 'gt': return { '>': [f, rhs] };
    case 'gte': return { '>=': [f, rhs] };
    case 'lt': return { '<': [f, rhs] };
    case 'lte': return { '<=': [f, rhs] };
    // 0 and false are values, not emptiness; for text "" and null both are, for lists [] too.
    case 'empty': return nullable ? { '==': [f, null] } : { '!': f };
    case 'notEmpty': return nullable ? { '!=': [f, null] } : { '!!': f };
    case 'contains': return { in: [rhs, f] };
    case 'notContains': return { '!': { in: [rhs, f] } };
    case 'in': return { in: [f, c.values ?? []] };
    case 'notIn': return { '!': { in: [f, c.values ?? []] } };
    case 'changed': return { '!=': [f, prev(c.field)] };
    case 'changedFrom': return { and: [{ '==': [prev(c.field), rhs] }, { '!=': [f, prev(c.field)] }] };
  }
}

/**
 * JSON Logic of the rule: true when the conditions hold (a validation rule then refuses the
 * save). `kindOf` tells each field's kind. A group of one is that one; an empty group is
 * undefined (nothing to say yet).
 */
export function toJsonLogic(node: RuleNode, kindOf: (field: string) => ValueKind): JsonLogic | undefined {
  if (node.kind === 'condition') return conditionLogic(node, kindOf(node.field));
  const parts = node.children.map((c) => toJsonLogic(c, kindOf)).filter((x): x is JsonLogic => x !== undefined);
  if (!parts.length) return undefined;
  if (parts.length === 1) return parts[0];
  return { [node.op]: parts };
}

// ── reading JSON Logic back ──

type Obj = { [key: string]: JsonValue };

function isObj(x: JsonValue | undefined): x is Obj {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function single(x: JsonValue | undefined): [string, JsonValue] | undefined {
  if (!isObj(x)) return undefined;
  const keys = Object.keys(x);
  return keys.length === 1 ? [keys[0], x[keys[0]]] : undefined;
}

/** `{"var": "f"}` → "f" (also `{"var": ["f"]}`). */
function varName(x: JsonValue | undefined): string | undefined {
  const s = single(x);
  if (!s || s[0] !== 'var') return undefined;
  const name = Array.isArray(s[1]) ? (s[1].length === 1 ? s[1][0] : undefined) : s[1];
  return typeof name === 'string' && name ? name : undefined;
}

function fieldVar(x: JsonValue | undefined): string | undefined {
  const n = varName(x);
  return n && !n.startsWith('$') ? n : undefined;
}

function previousVar(x: JsonValue | undefined): string | undefined {
  const n = varName(x);
  return n?.startsWith('$previous.') ? n.slice('$previous.'.length) : undefined;
}

function operandOf(x: JsonValue | undefined): Operand | undefined {
  if (x === undefined) return undefined;
  const p = previousVar(x);
  if (p) return { kind: 'previous', field: p };
  const f = fieldVar(x);
  if (f) return { kind: 'field', field: f };
  const s = single(x);
  if (s && s[0] === 'today') return { kind: 'today' };
  if (isObj(x) || Array.isArray(x)) return undefined;
  return { kind: 'value', value: x };
}

const COMPARE: Record<string, Operator> = { '==': 'eq', '===': 'eq', '!=': 'ne', '!==': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
const MIRROR: Record<string, Operator> = { gt: 'lt', gte: 'lte', lt: 'gt', lte: 'gte', eq: 'eq', ne: 'ne' };

function conditionOf(x: JsonValue): Condition | undefined {
  const s = single(x);
  if (!s) return undefined;
  const [op, args] = s;
  if (op === '!' || op === '!!') {
    const arg = Array.isArray(args) && args.length === 1 ? args[0] : args;
    const negate = op === '!';
    const f = fieldVar(arg);
    if (f) return { kind: 'condition', field: f, operator: negate ? 'empty' : 'notEmpty' };
    const inner = single(arg);
    if (negate && inner && inner[0] === 'in') {
      const c = conditionOf(arg as JsonValue);
      if (c?.operator === 'contains') return { ...c, operator: 'notContains' };
      if (c?.operator === 'in') return { ...c, operator: 'notIn' };
    }
    return undefined;
  }
  if (op in COMPARE && Array.isArray(args) && args.length === 2) {
    let operator = COMPARE[op];
    let [a, b] = args;
    if (!fieldVar(a) && fieldVar(b) && !previousVar(a)) {
      [a, b] = [b, a];
      operator = MIRROR[operator];
    }
    const field = fieldVar(a);
    if (!field) return undefined;
    if (b === null && (operator === 'eq' || operator === 'ne')) return { kind: 'condition', field, operator: operator === 'eq' ? 'empty' : 'notEmpty' };
    if (operator === 'ne' && previousVar(b) === field) return { kind: 'condition', field, operator: 'changed' };
    const operand = operandOf(b);
    return operand ? { kind: 'condition', field, operator, operand } : undefined;
  }
  if (op === 'in' && Array.isArray(args) && args.length === 2) {
    const [a, b] = args;
    const field = fieldVar(a);
    if (field && Array.isArray(b) && b.every((x) => !isObj(x) && !Array.isArray(x))) return { kind: 'condition', field, operator: 'in', values: b };
    const container = fieldVar(b);
    const operand = operandOf(a);
    if (container && operand) return { kind: 'condition', field: container, operator: 'contains', operand };
    return undefined;
  }
  if (op === 'and' && Array.isArray(args) && args.length === 2) {
    // changed from: {"and": [{"==": [$previous.f, X]}, {"!=": [f, $previous.f]}]}
    const [first, second] = args;
    const a = single(first);
    const b = single(second);
    if (a?.[0] === '==' && b?.[0] === '!=' && Array.isArray(a[1]) && Array.isArray(b[1])) {
      const field = previousVar(a[1][0]);
      const operand = operandOf(a[1][1]);
      if (field && operand && fieldVar(b[1][0]) === field && previousVar(b[1][1]) === field) {
        return { kind: 'condition', field, operator: 'changedFrom', operand };
      }
    }
  }
  return undefined;
}

function nodeOf(x: JsonValue): RuleNode | undefined {
  const s = single(x);
  if (s && (s[0] === 'and' || s[0] === 'or') && Array.isArray(s[1])) {
    if (s[0] === 'and') {
      const c = conditionOf(x);
      if (c) return c;
    }
    const children = s[1].map(nodeOf);
    if (children.some((c) => !c)) return undefined;
    return { kind: 'group', op: s[0], children: children as RuleNode[] };
  }
  return conditionOf(x);
}

/** The builder's model of a JSON Logic rule, or undefined when the builder cannot show it. */
export function fromJsonLogic(logic: JsonLogic | undefined): Group | undefined {
  if (logic === undefined || logic === null) return emptyGroup();
  const n = nodeOf(logic);
  if (!n) return undefined;
  return n.kind === 'group' ? n : { kind: 'group', op: 'and', children: [n] };
}

/** Fields the rule reads (of the record; `$previous.f` counts as f). */
export function fieldsUsed(node: RuleNode): string[] {
  const out = new Set<string>();
  const walk = (n: RuleNode) => {
    if (n.kind === 'group') { n.children.forEach(walk); return; }
    if (n.field) out.add(n.field);
    if (n.operand && (n.operand.kind === 'field' || n.operand.kind === 'previous') && n.operand.field) out.add(n.operand.field);
  };
  walk(node);
  return [...out];
}

/** Whether the rule reads stored values: then it only means something on update. */
export function usesPrevious(node: RuleNode): boolean {
  if (node.kind === 'group') return node.children.some(usesPrevious);
  return node.operator === 'changed' || node.operator === 'changedFrom' || node.operand?.kind === 'previous';
}

/** The rule in words: "Year is less than 1900 and Make is empty". */
export function describeRule(node: RuleNode, labelOf: (field: string) => string, valueText: (field: string, v: JsonValue) => string): string {
  if (node.kind === 'group') {
    const parts = node.children.map((c) => {
      const s = describeRule(c, labelOf, valueText);
      return c.kind === 'group' && c.children.length > 1 ? `(${s})` : s;
    }).filter(Boolean);
    return parts.join(node.op === 'and' ? ' and ' : ' or ');
  }
  const field = node.field ? labelOf(node.field) : '…';
  const operand = (o: Operand | undefined): string => {
    if (!o) return '…';
    switch (o.kind) {
      case 'value': return o.value === '' || o.value === undefined ? '…' : valueText(node.field, o.value);
      case 'field': return o.field ? labelOf(o.field) : '…';
      case 'previous': return `the stored ${o.field ? labelOf(o.field) : '…'}`;
      case 'today': return 'today';
    }
  };
  const op = OPERATOR_LABELS[node.operator];
  switch (operandShape(node.operator)) {
    case 'none': return `${field} ${op}`;
    case 'list': return `${field} ${op} ${(node.values ?? []).map((v) => valueText(node.field, v)).join(', ') || '…'}`;
    default: return `${field} ${op} ${operand(node.operand)}`;
  }
}

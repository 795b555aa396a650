import { describe, expect, it } from 'vitest';
import jsonLogic from 'json-logic-js';
import { testRule } from '../../../studio/src/admin/ruleTester.ts';
import {
  describeRule, fromJsonLogic, ruleProblems, toJsonLogic, usesPrevious, fieldsUsed, operatorsFor,
  type Group, type ValueKind,
} from '../../../studio/src/admin/ruleModel.ts';

const kinds: Record<string, ValueKind> = { year: 'number', make: 'text', status: 'choice', active: 'boolean', tags: 'choices', sold_on: 'date', bought_on: 'date' };
const kindOf = (f: string) => kinds[f] ?? 'other';
const run = (g: Group, data: Record<string, unknown>) => jsonLogic.apply(toJsonLogic(g, kindOf) as jsonLogic.RulesLogic, data);

describe('rule model → JSON Logic', () => {
  it('writes one condition as itself and groups as and/or', () => {
    const one: Group = { kind: 'group', op: 'and', children: [{ kind: 'condition', field: 'year', operator: 'lt', operand: { kind: 'value', value: 1900 } }] };
    expect(toJsonLogic(one, kindOf)).toEqual({ '<': [{ var: 'year' }, 1900] });
    const two: Group = { kind: 'group', op: 'or', children: [one.children[0], { kind: 'condition', field: 'make', operator: 'empty' }] };
    expect(toJsonLogic(two, kindOf)).toEqual({ or: [{ '<': [{ var: 'year' }, 1900] }, { '!': { var: 'make' } }] });
    expect(toJsonLogic({ kind: 'group', op: 'and', children: [] }, kindOf)).toBeUndefined();
  });

  it('treats 0 as a value, not emptiness, for numbers', () => {
    const g: Group = { kind: 'group', op: 'and', children: [{ kind: 'condition', field: 'year', operator: 'empty' }] };
    expect(toJsonLogic(g, kindOf)).toEqual({ '==': [{ var: 'year' }, null] });
    expect(run(g, { year: 0 })).toBe(false);
    expect(run(g, { year: null })).toBe(true);
  });

  it('compares with another field, the stored value and today', () => {
    const g: Group = { kind: 'group', op: 'and', children: [{ kind: 'condition', field: 'sold_on', operator: 'lt', operand: { kind: 'field', field: 'bought_on' } }] };
    expect(run(g, { sold_on: '2024-01-01', bought_on: '2024-02-01' })).toBe(true);
    expect(run(g, { sold_on: '2024-03-01', bought_on: '2024-02-01' })).toBe(false);
    const t: Group = { kind: 'group', op: 'and', children: [{ kind: 'condition', field: 'sold_on', operator: 'gt', operand: { kind: 'today' } }] };
    expect(toJsonLogic(t, kindOf)).toEqual({ '>': [{ var: 'sold_on' }, { today: [] }] });
  });

  it('says "changed from" with $previous, false on create', () => {
    const g: Group = { kind: 'group', op: 'and', children: [
      { kind: 'condition', field: 'status', operator: 'changedFrom', operand: { kind: 'value', value: 'sold' } },
    ] };
    const logic = toJsonLogic(g, kindOf);
    expect(logic).toEqual({ and: [{ '==': [{ var: '$previous.status' }, 'sold'] }, { '!=': [{ var: 'status' }, { var: '$previous.status' }] }] });
    expect(run(g, { status: 'new', $previous: { status: 'sold' } })).toBe(true);
    expect(run(g, { status: 'sold', $previous: { status: 'sold' } })).toBe(false);
    expect(run(g, { status: 'new' })).toBe(false);
    expect(usesPrevious(g)).toBe(true);
  });

  it('contains works on text and on multipicklists; is one of on picklists', () => {
    const c: Group = { kind: 'group', op: 'and', children: [{ kind: 'condition', field: 'tags', operator: 'contains', operand: { kind: 'value', value: 'red' } }] };
    expect(run(c, { tags: ['blue', 'red'] })).toBe(true);
    expect(run(c, { tags: ['blue'] })).toBe(false);
    const i: Group = { kind: 'group', op: 'and', children: [{ kind: 'condition', field: 'status', operator: 'notIn', values: ['a', 'b'] }] };
    expect(run(i, { status: 'c' })).toBe(true);
    expect(run(i, { status: 'a' })).toBe(false);
  });

  it('lists what is missing', () => {
    const g: Group = { kind: 'group', op: 'and', children: [
      { kind: 'condition', field: '', operator: 'eq' },
      { kind: 'group', op: 'or', children: [] },
    ] };
    expect(ruleProblems(g)).toEqual(['Condition 1: Pick a field', 'Condition 1: Give a value', 'group 2: add a condition']);
  });

  it('offers operators that fit the field type', () => {
    expect(operatorsFor('boolean')).not.toContain('gt');
    expect(operatorsFor('number')).toContain('gte');
    expect(operatorsFor('choices')).toContain('contains');
  });
});

describe('JSON Logic → rule model', () => {
  const roundTrip = (logic: unknown) => {
    const model = fromJsonLogic(logic as never);
    expect(model).toBeDefined();
    expect(toJsonLogic(model!, kindOf)).toEqual(logic);
  };

  it('reads back everything the builder writes', () => {
    roundTrip({ '<': [{ var: 'year' }, 1900] });
    roundTrip({ or: [{ '<': [{ var: 'year' }, 1900] }, { '!': { var: 'make' } }] });
    roundTrip({ and: [{ '==': [{ var: 'status' }, 'sold'] }, { or: [{ '!!': { var: 'make' } }, { '>': [{ var: 'year' }, { var: 'year' }] }] }] });
    roundTrip({ and: [{ '==': [{ var: '$previous.status' }, 'sold'] }, { '!=': [{ var: 'status' }, { var: '$previous.status' }] }] });
    roundTrip({ '!=': [{ var: 'status' }, { var: '$previous.status' }] });
    roundTrip({ in: [{ var: 'status' }, ['a', 'b']] });
    roundTrip({ '!': { in: ['x', { var: 'make' }] } });
    roundTrip({ '==': [{ var: 'year' }, null] });
  });

  it('reads the crm-core case rule', () => {
    const m = fromJsonLogic({ and: [{ in: [{ var: 'status' }, ['resolved', 'closed']] }, { '!': { var: 'resolution' } }] });
    expect(m).toEqual({ kind: 'group', op: 'and', children: [
      { kind: 'condition', field: 'status', operator: 'in', values: ['resolved', 'closed'] },
      { kind: 'condition', field: 'resolution', operator: 'empty' },
    ] });
    expect(fieldsUsed(m!)).toEqual(['status', 'resolution']);
  });

  it('mirrors a value on the left', () => {
    expect(fromJsonLogic({ '>': [5, { var: 'year' }] })?.children[0]).toEqual({ kind: 'condition', field: 'year', operator: 'lt', operand: { kind: 'value', value: 5 } });
  });

  it('gives undefined for what it cannot show', () => {
    expect(fromJsonLogic({ if: [{ var: 'a' }, 1, 2] })).toBeUndefined();
    expect(fromJsonLogic({ '>': [{ '+': [{ var: 'a' }, 1] }, 3] })).toBeUndefined();
    expect(fromJsonLogic({ and: [{ var: 'a' }, { bogus: [] }] })).toBeUndefined();
  });
});

describe('rule in words and the live tester', () => {
  it('reads like a sentence', () => {
    const g: Group = { kind: 'group', op: 'and', children: [
      { kind: 'condition', field: 'year', operator: 'lt', operand: { kind: 'value', value: 1900 } },
      { kind: 'group', op: 'or', children: [
        { kind: 'condition', field: 'status', operator: 'changedFrom', operand: { kind: 'value', value: 'sold' } },
        { kind: 'condition', field: 'make', operator: 'empty' },
      ] },
    ] };
    const label = (f: string) => f[0].toUpperCase() + f.slice(1);
    expect(describeRule(g, label, (_f, v) => JSON.stringify(v))).toBe('Year is less than 1900 and (Status changed from "sold" or Make is empty)');
  });

  it('tests a rule on a record as the server would, with $previous and Strata additions', () => {
    expect(testRule({ '<': [{ var: 'year' }, 1900] }, { year: 1850 })).toEqual({ fires: true });
    expect(testRule({ '!=': [{ var: 'status' }, { var: '$previous.status' }] }, { status: 'a' }, { previous: { status: 'a' } })).toEqual({ fires: false });
    expect(testRule({ '==': [{ lower: { var: 'make' } }, 'ford'] }, { make: 'FORD' }).fires).toBe(true);
    expect(testRule({ '==': [{ var: '$user.id' }, 'u1'] }, {}, { userId: 'u1' }).fires).toBe(true);
    expect(testRule({ bogus_op: [] }, {}).error).toMatch(/bogus_op/);
    // an empty list is false, as on the server
    expect(testRule({ var: 'tags' }, { tags: [] }).fires).toBe(false);
  });
});

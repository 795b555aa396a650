import { describe, expect, it } from 'vitest';
import {
  expressionFields, formulaOrder, FormulaCycleError, ExpressionError, ANY_FIELD,
} from '../../../metadata/expressions/index.ts';
import type { JsonLogic } from '../../../metadata/types.ts';

describe('expressionFields', () => {
  it('lists the top-level fields a rule reads, sorted and unique', () => {
    const net: JsonLogic = { '*': [{ var: 'amount' }, { '-': [1, { '/': [{ var: 'discount_pct' }, 100] }] }] };
    expect(expressionFields(net)).toEqual(['amount', 'discount_pct']);
    expect(expressionFields({ and: [{ '==': [{ var: 'account.name' }, 'x'] }, { var: 'account.industry' }, { var: ['stage'] }] }))
      .toEqual(['account', 'stage']);
    expect(expressionFields(42)).toEqual([]);
    expect(expressionFields({ cat: ['a', 'b'] })).toEqual([]);
  });

  it('lists $previous and $user paths as such', () => {
    expect(expressionFields({ '!=': [{ var: 'stage' }, { var: '$previous.stage' }] })).toEqual(['$previous.stage', 'stage']);
    expect(expressionFields({ '==': [{ var: 'ownerId' }, { var: '$user.id' }] })).toEqual(['$user.id', 'ownerId']);
  });

  it('counts var defaults, missing and missing_some', () => {
    expect(expressionFields({ var: ['nick', { var: 'first_name' }] })).toEqual(['first_name', 'nick']);
    expect(expressionFields({ missing: ['email', 'address.city'] })).toEqual(['address', 'email']);
    expect(expressionFields({ missing_some: [1, ['phone', 'email']] })).toEqual(['email', 'phone']);
  });

  it('does not mistake the items of map/filter/reduce/all/none/some for record fields', () => {
    expect(expressionFields({ map: [{ var: 'lines' }, { '*': [{ var: 'qty' }, { var: 'price' }] }] })).toEqual(['lines']);
    expect(expressionFields({ reduce: [{ var: 'lines' }, { '+': [{ var: 'current.qty' }, { var: 'accumulator' }] }, { var: 'base' }] }))
      .toEqual(['base', 'lines']);
    expect(expressionFields({ some: [{ var: 'tags' }, { '==': [{ var: '' }, 'vip'] }] })).toEqual(['tags']);
  });

  it('answers * when the rule reads the whole data or a computed path', () => {
    expect(expressionFields({ var: '' })).toEqual([ANY_FIELD]);
    expect(expressionFields({ var: { cat: ['a', { var: 'suffix' }] } })).toEqual([ANY_FIELD, 'suffix']);
    expect(expressionFields({ missing: { merge: ['vin', { if: [{ var: 'financing' }, ['apr'], []] }] } }))
      .toEqual([ANY_FIELD, 'financing']);
  });
});

const f = (name: string, expression: JsonLogic): { name: string; expression: JsonLogic } => ({ name, expression });

describe('formulaOrder', () => {
  it('puts each formula after the formulas it reads, keeping input order otherwise', () => {
    const total = f('total', { '+': [{ var: 'net' }, { var: 'tax' }] });
    const tax = f('tax', { '*': [{ var: 'net' }, 0.2] });
    const net = f('net', { '*': [{ var: 'amount' }, { var: 'qty' }] });
    const label = f('label', { cat: [{ var: 'name' }] });
    expect(formulaOrder([total, tax, net, label]).map((x) => x.name)).toEqual(['net', 'tax', 'total', 'label']);
    expect(formulaOrder([label, net]).map((x) => x.name)).toEqual(['label', 'net']);
    expect(formulaOrder([])).toEqual([]);
  });

  it('ignores $previous: the stored value is not this write’s formula', () => {
    const a = f('a', { var: '$previous.b' });
    const b = f('b', { var: 'a' });
    expect(formulaOrder([a, b]).map((x) => x.name)).toEqual(['a', 'b']);
  });

  it('puts a formula that reads anything after the others', () => {
    const dyn = f('dyn', { var: { cat: ['x', '_', 'y'] } });
    const x = f('x_y', { var: 'amount' });
    expect(formulaOrder([dyn, x]).map((v) => v.name)).toEqual(['x_y', 'dyn']);
  });

  it('reports a cycle with the loop spelled out', () => {
    const a = f('a', { '+': [{ var: 'b' }, 1] });
    const b = f('b', { '+': [{ var: 'c' }, 1] });
    const c = f('c', { '*': [{ var: 'a' }, 2] });
    let error: unknown;
    try {
      formulaOrder([a, b, c]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FormulaCycleError);
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as FormulaCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect((error as Error).message).toBe('Formula fields depend on each other in a cycle: a → b → c → a');
  });

  it('reports a formula that reads itself, and a name defined twice', () => {
    expect(() => formulaOrder([f('n', { '+': [{ var: 'n' }, 1] })])).toThrow(/cycle: n → n/);
    expect(() => formulaOrder([f('n', 1), f('n', 2)])).toThrow(/"n" is defined twice/);
  });
});

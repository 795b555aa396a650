import { describe, expect, it } from 'vitest';
import { fromFormula, toFormula } from '../../../studio/src/admin/formulaModel.ts';

describe('formula builder model', () => {
  it('calculates left to right', () => {
    const m = { mode: 'math' as const, first: { kind: 'field' as const, field: 'price' }, rest: [
      { op: '*' as const, term: { kind: 'field' as const, field: 'quantity' } },
      { op: '-' as const, term: { kind: 'number' as const, value: 5 } },
    ] };
    const logic = toFormula(m);
    expect(logic).toEqual({ '-': [{ '*': [{ var: 'price' }, { var: 'quantity' }] }, 5] });
    expect(fromFormula(logic, 'currency')).toEqual(m);
  });

  it('joins text', () => {
    const logic = { cat: [{ var: 'make' }, ' ', { var: 'model' }] };
    expect(toFormula(fromFormula(logic, 'text')!)).toEqual(logic);
  });

  it('reads variadic sums and leaves the rest to raw JSON', () => {
    expect(fromFormula({ '+': [{ var: 'a' }, { var: 'b' }, 1] }, 'decimal')).toEqual({ mode: 'math', first: { kind: 'field', field: 'a' }, rest: [
      { op: '+', term: { kind: 'field', field: 'b' } }, { op: '+', term: { kind: 'number', value: 1 } }] });
    expect(fromFormula({ if: [{ var: 'a' }, 1, 2] }, 'integer')).toBeUndefined();
    expect(fromFormula({ '*': [2, { '+': [1, 2] }] }, 'integer')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { RecordFilter } from '../../../metadata/types.ts';
import { fromFilter, toFilter, type FilterGroup } from '../../../studio/src/admin/filterModel.ts';

describe('filter model ↔ §4 filters', () => {
  it('writes equals as {field: value} and operators as {field: {op: v}}', () => {
    const g: FilterGroup = { kind: 'group', op: 'and', children: [
      { kind: 'condition', field: 'status', op: 'eq', value: 'open' },
      { kind: 'condition', field: 'amount', op: 'gte', value: 100 },
      { kind: 'condition', field: 'account.industry', op: 'in', values: ['retail'] },
      { kind: 'condition', field: 'closed_at', op: 'notNull' },
    ] };
    expect(toFilter(g)).toEqual({ and: [
      { status: 'open' }, { amount: { gte: 100 } }, { 'account.industry': { in: ['retail'] } }, { closed_at: { isNull: false } },
    ] });
  });

  it('drops incomplete conditions and says nothing for an empty group', () => {
    expect(toFilter({ kind: 'group', op: 'and', children: [] })).toBeUndefined();
    expect(toFilter({ kind: 'group', op: 'or', children: [{ kind: 'condition', field: 'a', op: 'eq', value: '' }, { kind: 'condition', field: 'b', op: 'eq', value: '$user.id' }] }))
      .toEqual({ b: '$user.id' });
  });

  it('reads filters back, with several keys as an and', () => {
    expect(fromFilter({ status: 'open', ownerId: '$user.id' })).toEqual({ kind: 'group', op: 'and', children: [
      { kind: 'condition', field: 'status', op: 'eq', value: 'open' },
      { kind: 'condition', field: 'ownerId', op: 'eq', value: '$user.id' },
    ] });
    const or: RecordFilter = { or: [{ priority: 'high' }, { sla_due: { lt: '$today' }, status: { ne: 'closed' } }] };
    const model = fromFilter(or)!;
    expect(model.op).toBe('or');
    expect(toFilter(model)).toEqual({ or: [{ priority: 'high' }, { and: [{ sla_due: { lt: '$today' } }, { status: { ne: 'closed' } }] }] });
    expect(fromFilter({ a: null })?.children[0]).toEqual({ kind: 'condition', field: 'a', op: 'isNull' });
    expect(fromFilter(undefined)).toEqual({ kind: 'group', op: 'and', children: [] });
  });

  it('gives undefined for what it cannot show', () => {
    expect(fromFilter({ not: { a: 1 } })).toBeUndefined();
    expect(fromFilter({ a: { between: [1, 2] } })).toBeUndefined();
  });
});

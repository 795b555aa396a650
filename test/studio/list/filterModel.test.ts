import { describe, expect, it } from 'vitest';
import type { RecordFilter } from '../../../metadata/types.ts';
import type { Kind } from '../../../studio/src/app/list/fields.ts';
import {
  countConditions, describeRule, fromFilter, isComplete, ME, normalizeModel, operatorsFor, TODAY, toFilter,
  type FilterModel,
} from '../../../studio/src/app/list/filterModel.ts';

const kinds: Record<string, Kind> = {
  name: 'text', stage: 'picklist', amount: 'currency', probability: 'percent', close_date: 'date',
  account: 'reference', ownerId: 'user', active: 'boolean', tags: 'multipicklist', createdAt: 'datetime',
};

describe('filter model → §4 filter', () => {
  it('writes nothing for no conditions, and leaves incomplete ones out', () => {
    expect(toFilter({ match: 'and', rules: [] })).toBeUndefined();
    expect(toFilter({ match: 'and', rules: [{ field: 'name', op: 'contains', value: '' }, { field: 'stage', op: 'in', value: [] }] })).toBeUndefined();
  });

  it('writes one condition as a bare leaf and several under the chosen junction', () => {
    expect(toFilter({ match: 'and', rules: [{ field: 'stage', op: 'in', value: ['closed_won'] }] })).toEqual({ stage: { in: ['closed_won'] } });
    expect(toFilter({
      match: 'or',
      rules: [{ field: 'name', op: 'startsWith', value: 'Acme' }, { field: 'close_date', op: 'lt', value: TODAY }],
    })).toEqual({ or: [{ name: { startsWith: 'Acme' } }, { close_date: { lt: '$today' } }] });
  });

  it('types numbers typed as text by the field kind, and writes emptiness as isNull', () => {
    expect(toFilter({
      match: 'and',
      rules: [
        { field: 'amount', op: 'gte', value: '1500.5' },
        { field: 'account', op: 'isNull', value: null },
        { field: 'probability', op: 'notNull', value: null },
        { field: 'name', op: 'eq', value: '42' },
      ],
    }, kinds)).toEqual({ and: [{ amount: { gte: 1500.5 } }, { account: { isNull: true } }, { probability: { isNull: false } }, { name: { eq: '42' } }] });
  });

  it('ANDs a locked part with the conditions, flattening nested ands', () => {
    const locked: RecordFilter = { and: [{ ownerId: '$user.id' }, { or: [{ a: 1 }, { b: 2 }] }] };
    expect(toFilter({ match: 'and', rules: [{ field: 'active', op: 'eq', value: true }], locked })).toEqual({
      and: [{ ownerId: '$user.id' }, { or: [{ a: 1 }, { b: 2 }] }, { active: { eq: true } }],
    });
    expect(toFilter({ match: 'or', rules: [{ field: 'name', op: 'contains', value: 'x' }, { field: 'name', op: 'contains', value: 'y' }], locked: { not: { a: 1 } } }))
      .toEqual({ and: [{ not: { a: 1 } }, { or: [{ name: { contains: 'x' } }, { name: { contains: 'y' } }] }] });
  });
});

describe('§4 filter → filter model', () => {
  it('reads bare equality, operator objects, several keys and several operators', () => {
    expect(fromFilter({ status: 'confirmed' })).toEqual({ match: 'and', rules: [{ field: 'status', op: 'eq', value: 'confirmed' }] });
    expect(fromFilter({ account: null })).toEqual({ match: 'and', rules: [{ field: 'account', op: 'isNull', value: null }] });
    expect(fromFilter({ amount: { gt: 1, lte: 5 }, active: true })).toEqual({
      match: 'and',
      rules: [{ field: 'amount', op: 'gt', value: 1 }, { field: 'amount', op: 'lte', value: 5 }, { field: 'active', op: 'eq', value: true }],
    });
    expect(fromFilter({ probability: { isNull: false } }).rules).toEqual([{ field: 'probability', op: 'notNull', value: null }]);
  });

  it('reads the crm-core view filters into conditions', () => {
    expect(fromFilter({ and: [{ ownerId: '$user.id' }, { stage: { nin: ['closed_won', 'closed_lost'] } }] })).toEqual({
      match: 'and',
      rules: [{ field: 'ownerId', op: 'eq', value: ME }, { field: 'stage', op: 'nin', value: ['closed_won', 'closed_lost'] }],
    });
    expect(fromFilter({ and: [{ status: { nin: ['resolved', 'closed'] } }, { sla_due: { lt: '$today' } }] }).rules).toHaveLength(2);
  });

  it('reads an OR of single conditions', () => {
    expect(fromFilter({ or: [{ name: { contains: 'a' } }, { stage: { in: ['x'] } }] })).toEqual({
      match: 'or', rules: [{ field: 'name', op: 'contains', value: 'a' }, { field: 'stage', op: 'in', value: ['x'] }],
    });
  });

  it('keeps what the builder cannot show as a locked part, never dropping it', () => {
    const nested: RecordFilter = { or: [{ a: 1, b: 2 }, { c: 3 }] };
    expect(fromFilter(nested)).toEqual({ match: 'and', rules: [], locked: nested });
    expect(fromFilter({ not: { a: 1 } })).toEqual({ match: 'and', rules: [], locked: { not: { a: 1 } } });
    expect(fromFilter({ 'account.industry': { regex: 'x' } })).toEqual({ match: 'and', rules: [], locked: { 'account.industry': { regex: 'x' } } });
    // An AND keeps its plain conditions editable and locks the rest.
    expect(fromFilter({ and: [{ a: 1 }, { or: [{ b: 1 }, { c: 1 }] }, { tags: ['x', 'y'] }] })).toEqual({
      match: 'and', rules: [{ field: 'a', op: 'eq', value: 1 }],
      locked: { and: [{ or: [{ b: 1 }, { c: 1 }] }, { tags: ['x', 'y'] }] },
    });
  });
});

describe('round trips', () => {
  const models: FilterModel[] = [
    { match: 'and', rules: [{ field: 'stage', op: 'in', value: ['closed_won'] }] },
    { match: 'and', rules: [{ field: 'name', op: 'contains', value: 'acme' }, { field: 'amount', op: 'gt', value: 1000 }, { field: 'account', op: 'isNull', value: null }] },
    { match: 'or', rules: [{ field: 'close_date', op: 'lt', value: TODAY }, { field: 'probability', op: 'notNull', value: null }, { field: 'active', op: 'eq', value: false }] },
    { match: 'and', rules: [{ field: 'ownerId', op: 'ne', value: ME }], locked: { or: [{ a: 1, b: 2 }, { c: 3 }] } },
    { match: 'and', rules: [] },
  ];
  it.each(models.map((m, i) => [i, m] as const))('model %i → filter → the same model', (_, m) => {
    expect(fromFilter(toFilter(m, kinds))).toEqual(m);
  });

  const filters: RecordFilter[] = [
    { stage: { in: ['closed_won', 'negotiation'] } },
    { and: [{ name: { startsWith: 'Deal' } }, { amount: { lte: 5000 } }, { close_date: { gte: '2025-01-01' } }] },
    { or: [{ account: { eq: '6f1c2a4e-0000-4000-8000-000000000001' } }, { account: { isNull: true } }] },
    { and: [{ or: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, { stage: { nin: ['closed_lost'] } }] },
  ];
  it.each(filters.map((f, i) => [i, f] as const))('filter %i → model → the same filter', (_, f) => {
    expect(toFilter(fromFilter(f), kinds)).toEqual(f);
  });

  it('bare equality comes back as the explicit eq form (same records)', () => {
    expect(toFilter(fromFilter({ and: [{ ownerId: '$user.id' }, { active: true }] }), kinds)).toEqual({ and: [{ ownerId: { eq: '$user.id' } }, { active: { eq: true } }] });
  });
});

describe('operators and words', () => {
  it('offers operators by field kind', () => {
    expect(operatorsFor('text')).toEqual(expect.arrayContaining(['contains', 'startsWith', 'eq']));
    expect(operatorsFor('currency')).toEqual(expect.arrayContaining(['eq', 'gt', 'lt']));
    expect(operatorsFor('date')).toEqual(expect.arrayContaining(['gt', 'lt']));
    expect(operatorsFor('picklist')[0]).toBe('in');
    expect(operatorsFor('reference')).toEqual(expect.arrayContaining(['eq', 'isNull']));
    expect(operatorsFor('boolean')).toContain('eq');
    expect(operatorsFor('text')).not.toContain('gt');
  });

  it('shows a picklist equality as "is any of" one option', () => {
    const m = normalizeModel(fromFilter({ status: 'confirmed', name: 'x' }), { status: 'picklist', name: 'text' });
    expect(m.rules).toEqual([{ field: 'status', op: 'in', value: ['confirmed'] }, { field: 'name', op: 'eq', value: 'x' }]);
    expect(toFilter(m, {})).toEqual({ and: [{ status: { in: ['confirmed'] } }, { name: { eq: 'x' } }] });
  });

  it('counts and describes conditions', () => {
    const m: FilterModel = { match: 'and', rules: [{ field: 'stage', op: 'in', value: ['a', 'b'] }, { field: 'name', op: 'contains', value: '' }], locked: { x: 1 } };
    expect(countConditions(m)).toBe(2);
    expect(isComplete(m.rules[1])).toBe(false);
    const stage = { name: 'stage', label: 'Stage', kind: 'picklist' as const, required: false, editable: true, system: false };
    expect(describeRule(m.rules[0], stage, (v) => String(v).toUpperCase())).toBe('Stage is any of A, B');
    expect(describeRule({ field: 'close_date', op: 'lt', value: '2025-01-01' }, { ...stage, name: 'close_date', label: 'Close date', kind: 'date' }, String)).toBe('Close date is before 2025-01-01');
    expect(describeRule({ field: 'account', op: 'isNull', value: null }, undefined, String)).toBe('account is empty');
  });
});

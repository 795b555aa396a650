import { describe, expect, it } from 'vitest';
import { parseSort, sortSignature } from '../../../runtime/query/sort.ts';
import { cursorCondition, decodeCursor, encodeCursor } from '../../../runtime/query/cursor.ts';
import { QueryError, type QueryIssue } from '../../../runtime/query/errors.ts';
import { JoinPlan } from '../../../runtime/query/joins.ts';
import { ctxFor, order, USER_ID } from './fixtures.ts';

const ctx = ctxFor(order);

function issuesOf(fn: () => unknown): QueryIssue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof QueryError) return e.errors;
    throw e;
  }
  throw new Error('expected a QueryError');
}

const brief = (s: unknown) => parseSort(s, ctx).map((k) => `${k.direction === 'desc' ? '-' : ''}${k.field}`).join(',');

describe('parseSort', () => {
  it.each([
    [undefined, 'id'],
    ['', 'id'],
    ['name,-amount', 'name,-amount,id'],
    [' name , -amount ', 'name,-amount,id'],
    ['+name', 'name,id'],
    [['-placed_at', 'name'], '-placed_at,name,id'],
    ['-id', '-id'],
    ['name,-id,amount', 'name,-id'],
    ['createdAt,version,ownerId', 'createdAt,version,ownerId,id'],
    ['contact.account.name,-contact.last_name', 'contact.account.name,-contact.last_name,id'],
  ])('%j → %s', (input, expected) => {
    expect(brief(input)).toBe(expected);
  });

  it('resolves columns through the shared join plan', () => {
    const joins = new JoinPlan(order);
    const keys = parseSort('contact.account.name,amount', ctx, { joins });
    expect(keys.map((k) => k.column.ref)).toEqual(['t1.name', 'r.amount', 'r.id']);
    expect(joins.joins.map((j) => j.path)).toEqual(['contact', 'contact.account']);
  });

  it.each([
    ['nope', 'unknown_field', 'sort'],
    [['name', 'nope'], 'unknown_field', 'sort[1]'],
    ['tags', 'invalid_sort', 'sort'],
    ['name,name', 'invalid_sort', 'sort'],
    ['name,', 'invalid_sort', 'sort'],
    ['-', 'invalid_sort', 'sort'],
    [123, 'invalid_sort', 'sort'],
    [{ name: 1 }, 'invalid_sort', 'sort'],
    [['name', 1], 'invalid_sort', 'sort'],
    ['a,b,c,d,e,f,g,h,i', 'invalid_sort', 'sort'],
    ['name.x', 'invalid_path', 'sort'],
    ['name;drop table x', 'unknown_field', 'sort'],
    ['__proto__', 'unknown_field', 'sort'],
  ])('%j is refused: %s', (input, code, field) => {
    expect(issuesOf(() => parseSort(input, ctx))[0]).toMatchObject({ code, field });
  });

  it('treats hidden fields as unknown', () => {
    const hidden = ctxFor(order, { fieldVisible: (_o, f) => f !== 'amount' });
    expect(issuesOf(() => parseSort('-amount', hidden))[0]).toMatchObject({ code: 'unknown_field', message: 'Unknown field "amount" on object "order"' });
  });
});

describe('cursors', () => {
  const keys = parseSort('name,-amount,-ship_date,placed_at,paid,quantity', ctx);
  const values = ['Ann', '12.50', '2024-01-31', '2024-01-01T10:00:00.123456Z', 'true', '-7', USER_ID];

  it('round-trip', () => {
    const c = encodeCursor('order', keys, values);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 'order', keys)).toEqual(values);
    const withNulls = [null, null, null, null, null, null, USER_ID];
    expect(decodeCursor(encodeCursor('order', keys, withNulls), 'order', keys)).toEqual(withNulls);
  });

  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const good = { v: 1, o: 'order', s: sortSignature(keys), k: values };
  const withValue = (i: number, v: unknown) => b64({ ...good, k: values.map((x, j) => (j === i ? v : x)) });
  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=='],
    ['not a string', 42],
    ['an object', { v: 1 }],
    ['garbage bytes', 'AAAA____'],
    ['JSON null', b64('null')],
    ['JSON array', b64([1, 2])],
    ['another version', b64({ ...good, v: 2 })],
    ['another object', b64({ ...good, o: 'account' })],
    ['another sort', b64({ ...good, s: 'name,id' })],
    ['too few values', b64({ ...good, k: values.slice(1) })],
    ['k not an array', b64({ ...good, k: 'x' })],
    ['text with NUL', withValue(0, 'a\u0000')],
    ['number for text', withValue(0, 5)],
    ['not a numeric', withValue(1, '12,50')],
    ['SQL as numeric', withValue(1, "1; drop table crm.order")],
    ['impossible date', withValue(2, '2024-02-30')],
    ['not a timestamp', withValue(3, 'now')],
    ['not a boolean', withValue(4, 'yes')],
    ['fraction for bigint', withValue(5, '1.5')],
    ['bigint out of range', withValue(5, '9223372036854775808')],
    ['not a uuid', withValue(6, 'x')],
    ['null id', withValue(6, null)],
    ['huge', 'A'.repeat(70_000)],
  ])('refuses %s', (_name, cursor) => {
    expect(issuesOf(() => decodeCursor(cursor, 'order', keys))[0]).toMatchObject({ code: 'invalid_cursor', field: 'cursor' });
  });

  it('builds the "after" condition for mixed directions', () => {
    const k = parseSort('name,-amount', ctx);
    const c = cursorCondition(k, ['Ann', '5', USER_ID]);
    expect(c.sql).toBe(
      '((?? > ? or ?? is null) or (?? = ? and ?? < ?) or (?? = ? and ?? = ? and ?? > ?))',
    );
    expect(c.bindings).toEqual([
      'r.name', 'Ann', 'r.name', 'r.name', 'Ann', 'r.amount', '5', 'r.name', 'Ann', 'r.amount', '5', 'r.id', USER_ID,
    ]);
  });

  it('orders null as the largest value', () => {
    const k = parseSort('name,-amount', ctx);
    // asc null: nothing is after null, only ties; desc null: every non-null value is after it.
    const c = cursorCondition(k, [null, null, USER_ID]);
    expect(c.sql).toBe('((?? is null and ?? is not null) or (?? is null and ?? is null and ?? > ?))');
  });
});

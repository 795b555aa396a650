import { describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import { buildListQuery, listPage, parseFields, parseLimit, searchCondition } from '../../../runtime/query/list.ts';
import { compileFilter } from '../../../runtime/query/filter.ts';
import { QueryError, type QueryIssue } from '../../../runtime/query/errors.ts';
import { account, contact, ctxFor, order, USER_ID } from './fixtures.ts';

const knex = knexFactory({ client: 'pg' });
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

describe('parseLimit', () => {
  it.each([[undefined, 50], ['', 50], [1, 1], ['10', 10], [200, 200]])('%j → %d', (v, n) => expect(parseLimit(v)).toBe(n));
  it.each([0, 201, -1, 1.5, '1.5', 'abc', '0x10', true, [10], '1e2'])('%j is refused', (v) => {
    expect(issuesOf(() => parseLimit(v))[0]).toMatchObject({ field: 'limit', code: 'invalid_limit' });
  });
});

describe('parseFields', () => {
  it('validates, dedupes and always includes id', () => {
    expect(parseFields('name, amount,name', ctx)).toEqual(['id', 'name', 'amount']);
    expect(parseFields(['createdAt'], ctx)).toEqual(['id', 'createdAt']);
  });
  it('refuses unknown, hidden and dotted names', () => {
    const hidden = ctxFor(order, { fieldVisible: (_o, f) => f !== 'amount' });
    expect(issuesOf(() => parseFields('name,amount', hidden))[0]).toMatchObject({ field: 'fields', code: 'unknown_field' });
    expect(issuesOf(() => parseFields(['name', 'contact.email'], ctx))[0]).toMatchObject({ field: 'fields[1]', code: 'unknown_field' });
    expect(issuesOf(() => parseFields(5, ctx))[0].code).toBe('invalid_fields');
  });
  it('defaults to every visible field', () => {
    const hidden = ctxFor(order, { fieldVisible: (_o, f) => f !== 'amount' });
    const all = parseFields(undefined, hidden);
    expect(all).toContain('name');
    expect(all).toContain('ownerId');
    expect(all).not.toContain('amount');
    expect(all).not.toContain('_deletedAt');
  });
});

describe('searchCondition', () => {
  it('needs every word in one of the search fields (name, email, phone), with wildcards escaped', () => {
    const c = searchCondition(' 50%  off ', ctxFor(contact));
    expect(c?.sql).toBe('((?? ilike ? or ?? ilike ? or ?? ilike ?) and (?? ilike ? or ?? ilike ? or ?? ilike ?))');
    expect(c?.bindings).toEqual(['r.last_name', '%50\\%%', 'r.email', '%50\\%%', 'r.phone', '%50\\%%', 'r.last_name', '%off%', 'r.email', '%off%', 'r.phone', '%off%']);
    // Other text (first_name, notes) is not searched: it has no search index.
    expect(searchCondition('x', ctx)?.bindings).toEqual(['r.name', '%x%']);
  });
  it('ignores blank q and refuses huge or odd ones', () => {
    expect(searchCondition('   ', ctx)).toBeUndefined();
    expect(issuesOf(() => searchCondition('x'.repeat(201), ctx))[0].code).toBe('invalid_search');
    expect(issuesOf(() => searchCondition({ q: 1 }, ctx))[0].code).toBe('invalid_search');
    expect(issuesOf(() => searchCondition('a b c d e f g h i', ctx))[0].code).toBe('invalid_search');
  });
  it('skips hidden fields', () => {
    const hidden = ctxFor(contact, { fieldVisible: (_o, f) => f !== 'email' });
    expect(searchCondition('x', hidden)?.bindings).toEqual(['r.last_name', '%x%', 'r.phone', '%x%']);
  });
});

describe('buildListQuery', () => {
  it('puts it all together, values only in bindings', () => {
    const q = buildListQuery(knex, ctx, {
      filter: JSON.stringify({ 'contact.account.industry': 'retail' }),
      sort: '-contact.last_name', limit: '10', fields: 'name', q: 'ann',
    }, (qb, scope) => {
      qb.where(`${scope.rootAlias}.ownerId`, USER_ID).orWhere(compileFilter({ 'contact.email': 'a@b.c' }, scope.ctx, { joins: scope.joins }).applyWhere);
    });
    const { sql, bindings } = q.toSQL();
    expect(sql).toBe(
      'select "r"."id", "r"."name", "t0"."last_name"::text as "_k0", "r"."id"::text as "_k1"'
      + ' from "crm"."order" as "r"'
      + ' left join "crm"."contact" as "t0" on "t0"."id" = "r"."contact" and "t0"."_deletedAt" is null'
      + ' left join "crm"."account" as "t1" on "t1"."id" = "t0"."account" and "t1"."_deletedAt" is null'
      + ' where "r"."_deletedAt" is null and ("t1"."industry" = ?)'
      + ` and ("r"."name" ilike ?)`
      + ' and ("r"."ownerId" = ? or (("t0"."email" = ?)))'
      + ' order by "t0"."last_name" desc nulls first, "r"."id" asc nulls last limit ?',
    );
    expect(bindings).toEqual(['retail', '%ann%', USER_ID, 'a@b.c', 11]);
  });

  it('defaults to newest first, 50 rows (+1 to see the next page)', () => {
    const { sql, bindings } = buildListQuery(knex, ctxFor(account), {}).toSQL();
    expect(sql).toContain('order by "r"."createdAt" desc nulls first, "r"."id" desc nulls first limit ?');
    expect(bindings).toEqual([51]);
  });

  it('reports every bad parameter in one error', () => {
    const found = issuesOf(() => buildListQuery(knex, ctx, {
      filter: '{"nope": 1', sort: 'nope', limit: 500, fields: 'nope', cursor: '!!', q: 'x'.repeat(300),
    }));
    expect(found.map((i) => `${i.field}:${i.code}`).sort()).toEqual(
      ['fields:unknown_field', 'filter:invalid_json', 'limit:invalid_limit', 'q:invalid_search', 'sort:unknown_field'],
    );
    expect(issuesOf(() => buildListQuery(knex, ctx, { cursor: '!!' }))[0]).toMatchObject({ field: 'cursor', code: 'invalid_cursor' });
  });

  it('listPage trims to the limit, hides key columns and makes a cursor only when there is more', () => {
    const rows = [1, 2, 3].map((i) => ({ id: `${USER_ID.slice(0, -1)}${i}`, name: `n${i}`, _k0: `n${i}`, _k1: `${USER_ID.slice(0, -1)}${i}` }));
    const page = listPage(rows, ctx, { sort: 'name', limit: 2 });
    expect(page.data).toEqual([{ id: rows[0].id, name: 'n1' }, { id: rows[1].id, name: 'n2' }]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(listPage(rows, ctx, { sort: 'name', limit: 3 }).nextCursor).toBeNull();
    // The cursor is accepted by the next request for the same sort, refused for another.
    expect(() => buildListQuery(knex, ctx, { sort: 'name', cursor: page.nextCursor })).not.toThrow();
    expect(issuesOf(() => buildListQuery(knex, ctx, { sort: '-name', cursor: page.nextCursor }))[0].code).toBe('invalid_cursor');
  });
});

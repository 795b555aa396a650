/**
 * Property tests against a real database:
 *  - hundreds of hostile or malformed filters and list parameters: each is a clean
 *    QueryError or a query that runs, and the data is unchanged afterwards;
 *  - hundreds of random valid filters: the database returns exactly the rows a small
 *    in-memory evaluator of the documented semantics selects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { compileFilter, OPERATORS } from '../../../runtime/query/filter.ts';
import { buildListQuery, listPage, type ListParams } from '../../../runtime/query/list.ts';
import { QueryError } from '../../../runtime/query/errors.ts';
import { ctxFor, order, USER_ID } from './fixtures.ts';
import { A, C, createTables, fingerprint, O, OTHER_USER, seed } from './seed.ts';

let db: TestDatabase;
let before: Record<string, string>;

beforeAll(async () => {
  db = await freshDatabase();
  await createTables(db.knex);
  await seed(db.knex);
  before = await fingerprint(db.knex);
});
afterAll(async () => {
  await db?.drop();
});

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = 'error' | 'ran';

/** Either a well-formed QueryError or a query PostgreSQL runs; anything else fails. */
async function attempt(params: ListParams): Promise<Outcome> {
  const ctx = ctxFor(order);
  let rows: Array<Record<string, unknown>>;
  try {
    const q = buildListQuery(db.knex, ctx, params);
    // A filter that compiles must also compile alone (the same code path the API takes).
    const f = params.filter;
    compileFilter(typeof f === 'string' ? (f.trim() ? JSON.parse(f) : undefined) : f, ctx);
    rows = await q;
  } catch (e) {
    if (!(e instanceof QueryError)) throw new Error(`not a QueryError for ${safeJson(params)}: ${String(e)}`);
    expect(e.errors.length).toBeGreaterThan(0);
    for (const i of e.errors) {
      expect(typeof i.field).toBe('string');
      expect(typeof i.code).toBe('string');
      expect(typeof i.message).toBe('string');
      expect(i.message.length).toBeLessThan(300);
      expect(i.field.length).toBeLessThan(2000);
    }
    return 'error';
  }
  const page = listPage(rows, ctx, params);
  expect(page.data.length).toBeLessThanOrEqual(200);
  return 'ran';
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 300) ?? String(v);
  } catch {
    return '[unserialisable]';
  }
}

const SQL = [
  `name"; drop table crm.account; --`,
  `name'; delete from crm."order"; --`,
  `'; drop table crm."order"; --`,
  `" or 1=1 --`,
  `1) or (1=1`,
  `?`, `??`, `$1`, `\\`, `%`, `_`, `'`, `"`, `\\'`, `E'\\x00'`,
  `name) union select * from pg_user --`,
  `pg_sleep(10)`,
  `crm.account.name`,
];
const HOSTILE_KEYS = [
  ...SQL, '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '.', '..', 'name.',
  '.name', 'NAME', 'r.name', 't0.name', 'crm.order.name', '"name"', 'name;', 'and ', 'AND', 'Or', '$where',
  '$user.id', 'contact.account.parent.parent.name', 'contact.account.parent.parent.parent.parent.name',
  'contact.__proto__', 'contact.id.name', 'orphan.name', 'x'.repeat(5000), 'ñame', 'name\u0000', '😀',
  'name', 'amount', 'tags', 'contact.account.industry', 'placed_at', 'ship_date', 'paid', 'contact', 'id', 'version',
  'and', 'or', 'not',
];
const HOSTILE_OPS = [...OPERATORS, ...SQL, 'like', 'regex', '$gt', 'EQ', '__proto__', 'constructor', '', 'eq ', 'in;', 'between'];
const HOSTILE_VALUES: unknown[] = [
  ...SQL, null, true, false, 0, -0, 1, -1, 1.5, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 63, -(2 ** 63), Number('9007199254740993'),
  Number.NaN, Infinity, -Infinity, '', ' ', 'x'.repeat(20_000), '\u0000', 'a\u0000b', '\ud800', '😀', 'null', 'true',
  '1', '1e400', '2024-02-30', '2024-13-01', '0000-01-01', '9999-12-31', '10000-01-01', '2024-01-01T25:00:00Z',
  '2024-01-01T10:00:00+16:00', '2024-01-01T10:00:00.1234567891Z', '9999-12-31T23:59:59-15:00', '0001-01-01T00:00:00+15:00',
  'infinity', 'epoch', 'now', 'today', '$today', '$user.id', '$user', '$now', USER_ID, USER_ID.toUpperCase(),
  `{${USER_ID}}`, USER_ID.replace(/-/g, ''), [], [null], [1, 'a', null], [[1]], [{}], {}, { eq: 1 }, { $gt: 1 },
  { __proto__: { eq: 1 } }, JSON.parse('{"__proto__": {"eq": 1}}'), new Date(), /regex/, Symbol('s'), () => 1, 10n,
  Array.from({ length: 1001 }, (_, i) => i), Array.from({ length: 1000 }, () => 'gift'),
];

function deep(n: number, wrap: (f: unknown) => unknown): unknown {
  let f: unknown = { name: 'x' };
  for (let i = 0; i < n; i++) f = wrap(f);
  return f;
}

const HANDWRITTEN: unknown[] = [
  { 'name"; drop table crm.account; --': 'x' },
  { name: `x'; drop table crm.account; --` },
  { name: { eq: `'); drop table crm."order"; --` } },
  { name: { contains: `%'; drop table crm.contact; --` } },
  { name: { in: [`a'); drop table crm."order"; --`, '$1', '?'] } },
  { [`amount" > 0 or "1"="1`]: 1 },
  { amount: { [`gt" 0; drop table crm.account; --`]: 1 } },
  { and: [{ name: 'a' }, { [`or 1=1; --`]: 1 }] },
  JSON.parse('{"__proto__": {"isAdmin": true}}'),
  JSON.parse('{"name": {"__proto__": {"eq": "x"}}}'),
  JSON.parse('{"and": [{"__proto__": null}]}'),
  { constructor: { prototype: { eq: 1 } } },
  { amount: 1e308 }, { amount: -1e308 }, { amount: { gt: 5e-324 } }, { quantity: 2 ** 63 }, { quantity: -(2 ** 53) },
  { quantity: 9007199254740991 }, { amount: Number.NaN }, { amount: Infinity },
  deep(100, (f) => ({ not: f })), deep(100, (f) => ({ and: [f] })), deep(100, (f) => ({ or: [f, f] })),
  deep(31, (f) => ({ not: f })), deep(32, (f) => ({ and: [f] })),
  [], [{ name: 'x' }], 'name = x', 42, true, null, undefined, { and: {} }, { or: 'x' }, { not: [] }, { not: null },
  { and: [[]] }, { or: [null] }, { name: [] }, { name: [['x']] }, { tags: [[]] }, { tags: { in: [['x']] } },
  { name: {} }, { name: { eq: {} } }, { name: { eq: [] } }, { name: { in: {} } }, { name: { isNull: 'true' } },
  { name: { like: '%' } }, { name: { regex: '.*' } }, { name: { $eq: 'x' } }, { amount: { between: [1, 2] } },
  { ship_date: { gt: '2024-02-30' } }, { ship_date: 'infinity' }, { placed_at: 'now' }, { placed_at: 'epoch' },
  { placed_at: { gt: '9999-12-31T23:59:59-15:00' } }, { placed_at: { lt: '0001-01-01T00:00:00+15:00' } },
  { contact: `{${USER_ID}}` }, { contact: USER_ID.replace(/-/g, '') }, { id: 'not-a-uuid' },
  { 'contact.account.parent.parent.name': 'x' }, { 'contact.account.parent.name.x': 'x' }, { 'contact.id.name': 'x' },
  { 'orphan.name': 'x' }, { '': 1 }, { '.': 1 }, { 'contact.': 1 },
  { status: { in: Array.from({ length: 1001 }, (_, i) => `s${i}`) } },
  { status: { in: Array.from({ length: 1000 }, (_, i) => `s${i}`) } },
  { or: Array.from({ length: 201 }, (_, i) => ({ quantity: i })) },
  { or: Array.from({ length: 200 }, (_, i) => ({ quantity: { in: Array.from({ length: 1000 }, (_, j) => i * 1000 + j) } })) },
  { or: Array.from({ length: 10_000 }, () => ({})) },
  { name: 'x'.repeat(100_000) }, { name: { contains: '%'.repeat(10_000) } }, { name: { startsWith: '\\'.repeat(1000) } },
  { name: '\ud800' }, { name: 'a\u0000' }, { tags: { in: ['gift', '\u0000'] } },
  { name: 10n }, { name: Symbol('x') }, { name: () => 1 }, { ship_date: new Date() }, { name: /x/ },
  Object.create(null), Object.assign(Object.create(null), { name: 'o1' }), new (class Filter { name = 'o1'; })(),
  new Map([['name', 'x']]), { 'name\u0000': 1 }, { 'na\nme': 1 },
];

describe('hostile filters', () => {
  it('handwritten: each is a QueryError or runs', async () => {
    const outcomes = { error: 0, ran: 0 };
    for (const filter of HANDWRITTEN) outcomes[await attempt({ filter })]++;
    expect(outcomes.error).toBeGreaterThan(60);
    expect(outcomes.ran).toBeGreaterThan(10);
  });

  it('random structures: each is a QueryError or runs', async () => {
    const rand = prng(7);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const gen = (depth: number): unknown => {
      const r = rand();
      if (depth > 4 || r < 0.2) return pick(HOSTILE_VALUES);
      if (r < 0.3) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
      const obj: Record<string, unknown> = {};
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) {
        const k = rand();
        if (k < 0.15) obj[pick(['and', 'or'])] = rand() < 0.8 ? Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1)) : gen(depth + 1);
        else if (k < 0.25) obj.not = gen(depth + 1);
        else if (k < 0.6) {
          const ops: Record<string, unknown> = {};
          for (let j = 0; j < 1 + Math.floor(rand() * 2); j++) ops[pick(HOSTILE_OPS)] = rand() < 0.7 ? pick(HOSTILE_VALUES) : gen(depth + 1);
          obj[pick(HOSTILE_KEYS)] = ops;
        } else obj[pick(HOSTILE_KEYS)] = rand() < 0.8 ? pick(HOSTILE_VALUES) : gen(depth + 1);
      }
      return obj;
    };
    const outcomes = { error: 0, ran: 0 };
    for (let i = 0; i < 600; i++) outcomes[await attempt({ filter: gen(0) })]++;
    // Mostly refused, as garbage should be; the valid-filter test below covers running ones.
    expect(outcomes.error).toBeGreaterThan(400);
    expect(outcomes.ran).toBeGreaterThan(5);
  });

  it('hostile list parameters: each is a QueryError or runs', async () => {
    const rand = prng(11);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const goodCursor = listPage(
      await buildListQuery(db.knex, ctxFor(order), { sort: 'amount', limit: 2 }), ctxFor(order), { sort: 'amount', limit: 2 },
    ).nextCursor;
    // Each parameter is drawn from good values most of the time, so that both outcomes occur.
    const either = (good: unknown[], bad: unknown[]): unknown => (rand() < 0.7 ? pick(good) : pick(bad));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const sorts = [
      [undefined, '', 'name', '-amount', 'name,-amount', ['name', '-amount'], 'contact.account.name', '-placed_at,ship_date'],
      [...SQL, ...HOSTILE_KEYS.slice(0, 40), 'name,name', '--name', '-', ',', 'tags', 'contact.account.data', 123, {}, [1], [['name']], 'a,'.repeat(1000)],
    ];
    const cursors = [
      [undefined, goodCursor, b64({ v: 1, o: 'order', s: 'amount,id', k: ['-99999999999999999999.5', USER_ID] }),
        b64({ v: 1, o: 'order', s: 'amount,id', k: [null, USER_ID] }), b64({ v: 1, o: 'order', s: 'amount,id', k: ['NaN', USER_ID] })],
      [`${goodCursor}x`, goodCursor?.slice(1), '', '!!', 'null', 'e30', b64({ v: 1 }),
        b64({ v: 1, o: 'order', s: 'amount,id', k: ["1' or '1'='1", USER_ID] }), b64({ v: 1, o: 'order', s: 'amount,id', k: ['1e5', USER_ID] }),
        b64({ v: 1, o: 'order', s: '-id', k: [USER_ID] }), b64({ v: 1, o: 'order', s: 'id', k: [null] }), 'A'.repeat(100_000), 42, {}, ['x']],
    ];
    const limits = [[undefined, 1, 2, 50, 200, '10'], [0, 201, -1, 1.5, '1e2', 'abc', '9'.repeat(400), Infinity, [], {}, true]];
    const fieldsList = [[undefined, 'name', 'name,amount', 'id', '', ['name']], [',', 'name,,amount', ...SQL, '__proto__', 'contact.name', [1], {}, 'x'.repeat(10_000)]];
    const qs = [[undefined, '', 'o1', '100%', '_', '\\', ...SQL], ['\u0000', 'x'.repeat(500), 'a b c d e f g h i j', 1, {}, ['x']]];
    const filters = [[undefined, { name: 'o1' }, '{"amount": {"gt": 1}}', '{}', 'null'], ['{bad json', '[]', '"x"', '{"nope": 1}']];
    const outcomes = { error: 0, ran: 0 };
    for (let i = 0; i < 400; i++) {
      // The cursor was made for sort=amount: pair them often, so cursors get past validation.
      const sort = rand() < 0.3 ? 'amount' : either(sorts[0], sorts[1]);
      const params: ListParams = {
        sort, cursor: either(cursors[0], cursors[1]), limit: either(limits[0], limits[1]),
        fields: either(fieldsList[0], fieldsList[1]), q: either(qs[0], qs[1]), filter: either(filters[0], filters[1]),
      };
      outcomes[await attempt(params)]++;
    }
    expect(outcomes.error).toBeGreaterThan(100);
    expect(outcomes.ran).toBeGreaterThan(20);
  });

  it('left every table exactly as it was', async () => {
    expect(await fingerprint(db.knex)).toEqual(before);
  });
});

// ---- random valid filters vs an in-memory evaluator of the documented semantics ----

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Rec = Record<string, Json>;

/** Microseconds since the epoch, exactly (Date alone would drop the last three digits). */
function micros(iso: string): number {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) throw new Error(`bad timestamp ${iso}`);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(`${m[1]}${m[3]}`) * 1000 + Number(frac);
}

const KINDS: Record<string, string> = {
  name: 'text', notes: 'text', status: 'text', 'contact.last_name': 'text', 'contact.email': 'text',
  'contact.account.name': 'text', 'contact.account.industry': 'text', 'contact.account.parent.name': 'text',
  amount: 'number', 'contact.account.revenue': 'number', quantity: 'integer', 'contact.account.employees': 'integer',
  ship_date: 'date', 'contact.account.founded': 'date', placed_at: 'datetime', paid: 'boolean', 'contact.account.active': 'boolean',
  contact: 'uuid', ownerId: 'uuid', id: 'uuid', 'contact.account': 'uuid', 'contact.account.parent': 'uuid', 'contact.account.parent.id': 'uuid',
  tags: 'multi', 'contact.account.tags': 'multi',
};
const POOLS: Record<string, Json[]> = {
  text: ['o1', 'o9', 'new', 'paid', 'shipped', 'Smith', 'Jones', 'Acme Retail', 'Zeta', 'retail', 'tech', 'Acme Holding',
    'ann@acme.test', 'Gift wrap', '100% cotton', 'Back\\Slash', 'x"; drop', "o'1"],
  fragment: ['o', 'O1', 'acme', 'ACME', '100%', '_', '%', '\\', 'cotton', 'e', '', 'gift', 'z', 'test', "'"],
  number: [-3, 0, 5, 7, 10, 20.5, 100, 1000.5, 5000, 1e300],
  integer: [0, 1, 2, 3, 5, 7, 8, 10, 100, -1],
  date: ['2023-12-31', '2024-01-05', '2024-02-29', '2024-06-15', '$today', '2001-05-01', '2020-02-29', '1990-01-01'],
  datetime: ['2024-01-01T10:00:00.000001Z', '2024-01-01T10:00:00.000002Z', '2024-02-29T10:00:00Z', '2024-02-29T12:00:00+02:00',
    '2024-01-01', '2023-12-31T23:59:59.999999Z', '2024-03-01T00:00:00Z'],
  boolean: [true, false],
  uuid: [C(1), C(2), C(3), C(4), C(5), C(6), A(1), A(2), A(4), A(5), O(1), O(6), USER_ID, OTHER_USER, '$user.id'],
  multi: ['gift', 'rush', 'fragile', 'vip', 'new', 'churn'],
};
const OPS_BY_KIND: Record<string, string[]> = {
  // No gt/lt on text: its order is the database collation's, which JS does not reproduce.
  text: ['eq', 'ne', 'in', 'nin', 'contains', 'startsWith', 'isNull'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  datetime: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isNull'],
  boolean: ['eq', 'ne', 'in', 'nin', 'isNull'],
  uuid: ['eq', 'ne', 'in', 'nin', 'isNull'],
  multi: ['eq', 'ne', 'in', 'nin', 'isNull'],
};

describe('random valid filters agree with an in-memory evaluator', () => {
  let tables: Record<string, Map<string, Rec>>;
  beforeAll(async () => {
    tables = {};
    for (const t of ['account', 'contact', 'order']) {
      const { rows } = await db.knex.raw<{ rows: Array<{ j: Rec }> }>('select to_jsonb(x) as j from ?? as x', [`crm.${t}`]);
      tables[t] = new Map(rows.map((r) => [String(r.j.id), r.j]));
    }
  });
  const TARGET: Record<string, string> = { contact: 'contact', account: 'account', parent: 'account' };

  function valueAt(row: Rec, path: string): Json {
    const segs = path.split('.');
    let cur: Rec | null = row;
    for (const s of segs.slice(0, -1)) {
      const id: Json = cur ? cur[s] : null;
      const target: Rec | undefined = typeof id === 'string' ? tables[TARGET[s]].get(id) : undefined;
      cur = target && target._deletedAt === null ? target : null;
    }
    return cur ? cur[segs[segs.length - 1]] ?? null : null;
  }

  const subst = (v: Json): Json => (v === '$user.id' ? USER_ID : v === '$today' ? '2024-06-15' : v);

  function cmp(kind: string, a: Json, b: Json): number {
    if (kind === 'datetime') {
      const bb = String(b).length === 10 ? `${String(b)}T00:00:00Z` : String(b);
      return Math.sign(micros(String(a)) - micros(bb));
    }
    if (kind === 'number' || kind === 'integer') return Math.sign(Number(a) - Number(b));
    if (kind === 'uuid') return String(a).toLowerCase() === String(b).toLowerCase() ? 0 : 1;
    return a === b ? 0 : String(a) < String(b) ? -1 : 1;
  }

  function isEmpty(kind: string, v: Json): boolean {
    return v === null || (kind === 'multi' && Array.isArray(v) && v.length === 0);
  }

  function leaf(kind: string, v: Json, op: string, raw: Json): boolean {
    const arg = Array.isArray(raw) ? raw.map(subst) : subst(raw);
    switch (op) {
      case 'isNull': return isEmpty(kind, v) === arg;
      case 'eq':
        if (arg === null) return isEmpty(kind, v);
        if (kind === 'multi' && Array.isArray(arg) && arg.length === 0) return isEmpty(kind, v);
        if (kind === 'multi') return Array.isArray(v) && (Array.isArray(arg) ? arg : [arg]).every((x) => v.includes(x));
        return v !== null && cmp(kind, v, arg) === 0;
      case 'ne': return !leaf(kind, v, 'eq', raw);
      case 'gt': return v !== null && cmp(kind, v, arg) > 0;
      case 'gte': return v !== null && cmp(kind, v, arg) >= 0;
      case 'lt': return v !== null && cmp(kind, v, arg) < 0;
      case 'lte': return v !== null && cmp(kind, v, arg) <= 0;
      case 'in': {
        const list = arg as Json[];
        if (list.includes(null) && isEmpty(kind, v)) return true;
        const vals = list.filter((x) => x !== null);
        if (kind === 'multi') return Array.isArray(v) && vals.some((x) => v.includes(x));
        return v !== null && vals.some((x) => cmp(kind, v, x) === 0);
      }
      case 'nin': return !leaf(kind, v, 'in', raw);
      case 'contains': return typeof v === 'string' && v.toLowerCase().includes(String(arg).toLowerCase());
      case 'startsWith': return typeof v === 'string' && v.toLowerCase().startsWith(String(arg).toLowerCase());
      default: throw new Error(op);
    }
  }

  function matches(filter: Json, row: Rec): boolean {
    const f = filter as Record<string, Json>;
    return Object.keys(f).every((key) => {
      const v = f[key];
      if (key === 'and') return (v as Json[]).every((c) => matches(c, row));
      if (key === 'or') return (v as Json[]).some((c) => matches(c, row));
      if (key === 'not') return !matches(v, row);
      const kind = KINDS[key];
      const value = valueAt(row, key);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.keys(v).every((op) => leaf(kind, value, op, v[op]));
      return leaf(kind, value, 'eq', v);
    });
  }

  it('on 400 random filters', async () => {
    const rand = prng(2024);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const value = (kind: string, op: string): Json => {
      if (op === 'isNull') return rand() < 0.5;
      if (op === 'contains' || op === 'startsWith') return pick(POOLS.fragment);
      if (op === 'in' || op === 'nin') {
        return Array.from({ length: Math.floor(rand() * 4) }, () => (rand() < 0.15 ? null : pick(POOLS[kind])));
      }
      if ((op === 'eq' || op === 'ne') && rand() < 0.1) return null;
      if (kind === 'multi' && op === 'eq' && rand() < 0.3) return rand() < 0.2 ? [] : [pick(POOLS.multi), pick(POOLS.multi)];
      return pick(POOLS[kind]);
    };
    const paths = Object.keys(KINDS);
    const gen = (depth: number): Json => {
      const r = rand();
      if (depth < 3 && r < 0.2) return { [pick(['and', 'or'])]: Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1)) };
      if (depth < 3 && r < 0.3) return { not: gen(depth + 1) };
      const out: Record<string, Json> = {};
      for (let i = 0; i < 1 + Math.floor(rand() * 2); i++) {
        const path = pick(paths);
        const kind = KINDS[path];
        if (rand() < 0.3) out[path] = value(kind, 'eq');
        else {
          const ops: Record<string, Json> = {};
          for (let j = 0; j < 1 + Math.floor(rand() * 2); j++) {
            const op = pick(OPS_BY_KIND[kind]);
            ops[op] = value(kind, op);
          }
          out[path] = ops;
        }
      }
      return out;
    };
    const live = [...tables.order.values()].filter((r) => r._deletedAt === null);
    let nonTrivial = 0;
    for (let i = 0; i < 400; i++) {
      const filter = gen(0);
      const ctx = ctxFor(order);
      const params = { filter, fields: 'name', limit: 200 };
      const rows: Array<Record<string, unknown>> = await buildListQuery(db.knex, ctx, params);
      const got = rows.map((r) => String(r.name)).sort();
      const want = live.filter((r) => matches(filter, r)).map((r) => String(r.name)).sort();
      expect(got, JSON.stringify(filter)).toEqual(want);
      if (want.length > 0 && want.length < live.length) nonTrivial++;
    }
    expect(nonTrivial).toBeGreaterThan(100);
  });
});

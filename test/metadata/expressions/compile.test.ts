import jsonLogic from 'json-logic-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileExpression, getCompiled, clearExpressionCache, expressionCacheSize, ExpressionError,
  EXPRESSION_OPERATORS, MAX_EXPRESSION_DEPTH, isTruthy, type ExpressionData,
} from '../../../metadata/expressions/index.ts';
import type { JsonLogic } from '../../../metadata/types.ts';

const run = (rule: JsonLogic, data: ExpressionData = {}): unknown => compileExpression(rule)(data);

describe('Strata additions', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads $previous and $user as plain dotted paths', () => {
    const data = { stage: 'won', $previous: { stage: 'new' }, $user: { id: 'u1' }, ownerId: 'u1' };
    expect(run({ var: '$previous.stage' }, data)).toBe('new');
    expect(run({ '==': [{ var: 'ownerId' }, { var: '$user.id' }] }, data)).toBe(true);
    expect(run({ and: [{ '!=': [{ var: 'stage' }, { var: '$previous.stage' }] }, { '==': [{ var: 'stage' }, 'won'] }] }, data)).toBe(true);
    // On create there is no $previous: the path is simply missing.
    expect(run({ var: '$previous.stage' }, { stage: 'won' })).toBe(null);
  });

  it('today and now are UTC', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-31T23:30:00.000Z'));
    expect(run({ today: [] })).toBe('2024-03-31');
    expect(run({ now: [] })).toBe('2024-03-31T23:30:00.000Z');
    expect(run({ date_diff: [{ var: 'close_date' }, { today: [] }, 'days'] }, { close_date: '2024-03-01' })).toBe(30);
  });

  it('date_diff counts whole units from the first date to the second', () => {
    expect(run({ date_diff: ['2024-01-01', '2024-03-01'] })).toBe(60);
    expect(run({ date_diff: ['2024-03-01', '2024-01-01', 'days'] })).toBe(-60);
    expect(run({ date_diff: ['2024-01-01T00:00:00Z', '2024-01-01T05:59:59Z', 'hours'] })).toBe(5);
    expect(run({ date_diff: ['2024-01-01T10:00:00', '2024-01-02T09:00:00Z', 'days'] })).toBe(0);
    expect(run({ date_diff: ['2024-01-31', '2024-02-29', 'months'] })).toBe(0);
    expect(run({ date_diff: ['2024-01-15', '2024-03-15', 'months'] })).toBe(2);
    expect(run({ date_diff: ['2024-03-15', '2024-01-16', 'months'] })).toBe(-1);
    expect(run({ date_diff: ['2020-02-29', '2024-02-28', 'years'] })).toBe(3);
    expect(run({ date_diff: ['2020-02-29', '2024-02-29', 'years'] })).toBe(4);
    expect(run({ date_diff: [{ var: 'missing' }, '2024-01-01'] })).toBe(null);
    expect(run({ date_diff: ['not a date', '2024-01-01'] })).toBe(null);
    expect(run({ date_diff: ['2024-02-30', '2024-03-01'] })).toBe(null);
    expect(run({ date_diff: ['2024-01-01', '2024-01-02', { var: 'unit' }] }, { unit: 'weeks' })).toBe(null);
    expect(Object.is(run({ date_diff: ['2024-01-01T10:00:00Z', '2024-01-01T09:00:00Z', 'days'] }), 0)).toBe(true);
  });

  it('date_add keeps the input format and clamps to the month end', () => {
    expect(run({ date_add: ['2024-01-30', 3, 'days'] })).toBe('2024-02-02');
    expect(run({ date_add: ['2024-01-31', 1, 'months'] })).toBe('2024-02-29');
    expect(run({ date_add: ['2023-01-31', 1, 'months'] })).toBe('2023-02-28');
    expect(run({ date_add: ['2024-03-31', -1, 'months'] })).toBe('2024-02-29');
    expect(run({ date_add: ['2024-11-15', 3, 'months'] })).toBe('2025-02-15');
    expect(run({ date_add: ['2024-02-29', 1, 'years'] })).toBe('2025-02-28');
    expect(run({ date_add: ['2024-01-01', -1] })).toBe('2023-12-31');
    expect(run({ date_add: ['2024-01-01T22:00:00.000Z', 3, 'hours'] })).toBe('2024-01-02T01:00:00.000Z');
    expect(run({ date_add: ['2024-01-01T22:00:00', '2', 'days'] })).toBe('2024-01-03T22:00:00.000Z');
    expect(run({ date_add: [null, 1, 'days'] })).toBe(null);
    expect(run({ date_add: ['2024-01-01', 'x', 'days'] })).toBe(null);
  });

  it('year and month', () => {
    expect(run({ year: { var: 'd' } }, { d: '2024-07-04' })).toBe(2024);
    expect(run({ month: { var: 'd' } }, { d: '2024-07-04' })).toBe(7);
    expect(run({ month: '2024-12-31T23:59:59Z' })).toBe(12);
    expect(run({ year: { var: 'd' } }, {})).toBe(null);
  });

  it('string helpers treat null as empty', () => {
    expect(run({ lower: 'ÄBC' })).toBe('äbc');
    expect(run({ upper: { var: 'x' } }, { x: 'abc' })).toBe('ABC');
    expect(run({ trim: '  a b  ' })).toBe('a b');
    expect(run({ lower: { var: 'x' } })).toBe(null);
    expect(run({ length: 'abcd' })).toBe(4);
    expect(run({ length: [[1, 2, 3]] })).toBe(3);
    expect(run({ length: { var: 'x' } })).toBe(0);
  });

  it('round is decimal-exact and rounds half away from zero; abs', () => {
    expect(run({ round: [1.005, 2] })).toBe(1.01);
    expect(run({ round: 2.5 })).toBe(3);
    expect(run({ round: -2.5 })).toBe(-3);
    expect(run({ round: [1234.5678, -2] })).toBe(1200);
    expect(run({ round: ['3.14159', 3] })).toBe(3.142);
    expect(run({ round: [1e-7, 8] })).toBe(1e-7);
    expect(Object.is(run({ round: -0.4 }), 0)).toBe(true);
    expect(run({ round: { var: 'x' } })).toBe(null);
    expect(run({ round: [{ '*': [{ var: 'amount' }, 0.15] }, 2] }, { amount: 99.99 })).toBe(15);
    expect(run({ abs: -4 })).toBe(4);
    expect(run({ abs: { var: 'x' } })).toBe(null);
  });

  it('coalesce returns the first non-null operand and evaluates no further', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(run({ coalesce: [{ var: 'nick' }, { var: 'first' }, 'friend'] }, { first: 'Ann' })).toBe('Ann');
    expect(run({ coalesce: [{ var: 'nick' }, { log: 'evaluated' }] }, { nick: '' })).toBe('');
    expect(run({ coalesce: [{ var: 'a' }, { var: 'b' }] })).toBe(null);
    expect(run({ coalesce: [] })).toBe(null);
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });

  it('refuses bad units and argument counts at compile time', () => {
    expect(() => compileExpression({ date_diff: ['2024-01-01', '2024-02-01', 'weeks'] })).toThrow(/unknown unit "weeks"/);
    expect(() => compileExpression({ date_add: ['2024-01-01'] })).toThrow(ExpressionError);
    expect(() => compileExpression({ today: [1] })).toThrow(/"today" takes 0 arguments/);
    expect(() => compileExpression({ round: [1, 2, 3] })).toThrow(/"round" takes 1 to 2/);
    expect(() => compileExpression({ '*': [] })).toThrow(/"\*" needs at least one argument/);
  });

  it('lists its operators', () => {
    for (const op of ['var', 'missing_some', 'reduce', '?:', 'date_add', 'coalesce']) expect(EXPRESSION_OPERATORS).toContain(op);
  });
});

describe('JSON Logic semantics', () => {
  it('truthiness follows JSON Logic', () => {
    expect([[], [0], 0, '', '0', null, {}].map(isTruthy)).toEqual([false, true, false, false, true, false, true]);
    // [] from data is falsy wherever truthiness is asked, also in and/or and if.
    expect(run({ if: [{ var: 'tags' }, 'tagged', 'untagged'] }, { tags: [] })).toBe('untagged');
    expect(run({ or: [{ var: 'tags' }, 'none'] }, { tags: [] })).toBe('none');
    expect(run({ and: [{ var: 'tags' }, 'x'] }, { tags: [] })).toEqual([]);
  });

  it('and/or return the deciding operand', () => {
    expect(run({ or: [{ var: 'a' }, { var: 'b' }, 'c'] }, { b: 'B' })).toBe('B');
    expect(run({ and: [{ var: 'a' }, { var: 'b' }] }, { a: 1, b: 0 })).toBe(0);
    expect(run({ and: [] })).toBe(undefined);
  });

  it('var: defaults apply only to missing values, numeric indexes, computed paths', () => {
    expect(run({ var: ['a', 'dflt'] }, { a: null })).toBe(null);
    expect(run({ var: ['a', 'dflt'] }, {})).toBe('dflt');
    expect(run({ var: ['a.b', { var: 'c' }] }, { c: 7 })).toBe(7);
    expect(run({ var: 'lines.1.qty' }, { lines: [{ qty: 1 }, { qty: 5 }] })).toBe(5);
    expect(run({ var: 'lines.length' }, { lines: [1, 2, 3] })).toBe(3);
    expect(run({ var: 'name.length' }, { name: 'abc' })).toBe(3);
    expect(run({ var: { cat: ['acc', 'ount.name'] } }, { account: { name: 'ACME' } })).toBe('ACME');
  });

  it('returns fresh arrays and objects, so a caller cannot change the rule', () => {
    const f = compileExpression({ if: [true, ['a'], 0] });
    (f({}) as string[]).push('b');
    expect(f({})).toEqual(['a']);
    const g = compileExpression({ a: 1, b: [1] } as JsonLogic);
    (g({}) as { a: number }).a = 2;
    expect(g({})).toEqual({ a: 1, b: [1] });
  });

  it.each([
    [{ missing: [''] }, {}], [{ missing: [''] }, null], [{ missing: [1, 5] }, ['a', 'b']],
    [{ missing_some: [0, []] }, {}], [{ missing_some: [1, [['a', 'b']]] }, { b: 1 }],
    [{ missing_some: [2, ['a', 'b', 'c']] }, { a: '', b: 0, c: false }], [{ missing: [['a', 'b']] }, { a: 1 }],
    [{ '-': [{ var: '' }, 1] }, 5], [{ '*': [{ var: 'x' }] }, { x: '3' }], [{ '+': [{ var: 'x' }] }, { x: '3' }],
    [{ '<': [1, { var: 'x' }, { var: '' }] }, { x: 2 }], [{ in: ['', ''] }, {}], [{ cat: [null, [1, [2, null]], { var: 'x' }] }, {}],
    [{ substr: [{ var: 'x' }, -3, -1] }, { x: 12345 }], [{ if: [{ var: 'x' }] }, { x: [] }],
  ])('edge case %j on %j agrees with json-logic-js', (rule, data) => {
    const expected = jsonLogic.apply(rule as Parameters<typeof jsonLogic.apply>[0], data);
    expect(compileExpression(rule as JsonLogic)(data as ExpressionData)).toEqual(expected);
  });

  it('matches json-logic-js on randomly generated rules and data', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const fields = ['a', 'b', 'c', 'n.x', 'list', 'missing'];
    const leaf = (): JsonLogic => pick<() => JsonLogic>([
      () => ({ var: pick(fields) }),
      () => ({ var: [pick(fields), pick([0, 'd', null])] }),
      () => pick([0, 1, -2, 3.5, '', '0', '7', 'x', true, false, null]),
      () => pick([[], [1, 2], ['x']]),
    ])();
    const ops = ['==', '===', '!=', '!==', '<', '<=', '>', '>=', '!', '!!', 'and', 'or', 'if', '+', '-', '*', '/', '%',
      'min', 'max', 'cat', 'substr', 'in', 'merge', 'missing', 'missing_some', 'map', 'filter', 'all', 'some', 'none', 'reduce'];
    const gen = (depth: number): JsonLogic => {
      if (depth <= 0 || rand() < 0.3) return leaf();
      const op = pick(ops);
      const n = 1 + Math.floor(rand() * 3);
      switch (op) {
        case 'missing_some': return { missing_some: [Math.floor(rand() * 3), pick([['a', 'b'], ['c', 'missing']])] };
        case 'missing': return { missing: pick([['a', 'missing'], 'b']) };
        case 'map': case 'filter': case 'all': case 'some': case 'none':
          return { [op]: [pick([{ var: 'list' }, [1, 0, 2]]), gen(depth - 1)] };
        case 'reduce': return { reduce: [{ var: 'list' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, gen(depth - 1)] };
        case '!': case '!!': return { [op]: gen(depth - 1) };
        default: return { [op]: Array.from({ length: op === 'if' ? n + 1 : n }, () => gen(depth - 1)) };
      }
    };
    const datas: ExpressionData[] = [
      {}, { a: 1, b: '2', c: [], n: { x: 0 }, list: [1, 2, 3] }, { a: '', b: null, c: 'abc', n: null, list: [] },
      { a: -1, b: 2.5, c: ['a', 'b'], n: { x: 'q' }, list: ['x', 'y'] },
    ];
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const rule = gen(4);
      let expected: unknown;
      try {
        expected = jsonLogic.apply(rule as Parameters<typeof jsonLogic.apply>[0], datas[i % datas.length]);
      } catch {
        continue; // json-logic-js errors (e.g. `*` of nothing) are compile errors here
      }
      let actual: unknown;
      try {
        actual = compileExpression(rule)(datas[i % datas.length]);
      } catch (err) {
        throw new Error(`${JSON.stringify(rule)} threw ${(err as Error).message}`);
      }
      expect(actual, JSON.stringify(rule)).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(2500);
  });
});

describe('unknown operators fail at compile time', () => {
  it.each([
    [{ bogus: [1] }, 'bogus'],
    [{ and: [true, { if: [false, { nope: 1 }, 2] }] }, 'nope'],
    [{ map: [[1], { inner_op: [] }] }, 'inner_op'],
    [{ 'Math.max': [1, 2] }, 'Math.max'],
    [{ constructor: [1] }, 'constructor'],
    [{ toString: [] }, 'toString'],
    [JSON.parse('{"__proto__": [1]}') as JsonLogic, '__proto__'],
    [{ method: ['abc', 'toUpperCase'] }, 'method'],
  ])('%j', (rule, op) => {
    let error: unknown;
    try {
      compileExpression(rule as JsonLogic);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toBe(`Unknown operator ${JSON.stringify(op)}`);
    expect((error as ExpressionError).operator).toBe(op);
  });

  it('the same through the cache, every time', () => {
    expect(() => getCompiled({ nope: 1 })).toThrow(/Unknown operator "nope"/);
    expect(() => getCompiled({ nope: 1 })).toThrow(/Unknown operator "nope"/);
  });
});

describe('hostile input is evaluated harmlessly', () => {
  const g = globalThis as { __pwned?: unknown };
  afterEach(() => {
    delete g.__pwned;
  });

  const payloads = [
    '"); process.exit(1); ("',
    "'); process.exit(1); ('",
    '`; process.exit(1); `${process.exit(1)}',
    '"]; globalThis.__pwned = 1; //',
    '\\"); globalThis.__pwned = 1; ("',
    '*/ globalThis.__pwned = 1; /*',
    '\u2028globalThis.__pwned = 1;\u2029',
    '</script><script>globalThis.__pwned=1</script>',
  ];

  it.each(payloads)('as string literal, var path, object key and default: %j', (p) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => { throw new Error('process.exit reached'); }) as never);
    try {
      expect(run({ cat: [p, { var: 'x' }] }, { x: '!' })).toBe(`${p}!`);
      expect(run({ '==': [{ var: 'x' }, p] }, { x: p })).toBe(true);
      // A payload with dots is a path: build the nested data it walks.
      const nested = p.split('.').reduceRight<unknown>((inner, seg) => ({ [seg]: inner }), 42);
      expect(run({ var: p }, nested as ExpressionData)).toBe(42);
      expect(run({ var: [`a.${p}`, p] }, {})).toBe(p);
      expect(run({ missing: [p] }, {})).toEqual([p]);
      expect(run({ in: [{ var: 'x' }, [p, 'b']] }, { x: p })).toBe(true);
      expect(run({ in: [p, p] })).toBe(true);
      const obj = { [p]: p, other: 1 };
      expect(run(obj)).toEqual(obj);
      expect(() => compileExpression({ [p]: [] })).toThrow(ExpressionError);
      expect(exit).not.toHaveBeenCalled();
      expect(g.__pwned).toBeUndefined();
    } finally {
      exit.mockRestore();
    }
  });

  it('never reaches prototypes or host functions through var', () => {
    for (const path of ['constructor', 'constructor.constructor', '__proto__', '__proto__.constructor', 'toString',
      'hasOwnProperty', 'valueOf', '__defineGetter__', 'a.constructor', 'list.map', 's.toUpperCase', 'list.constructor.from']) {
      expect(run({ var: path }, { a: {}, list: [1], s: 'x' }), path).toBe(null);
      expect(run({ var: { cat: [path] } }, { a: {}, list: [1], s: 'x' }), `computed ${path}`).toBe(null);
      expect(run({ missing: [path] }, { a: {} }), `missing ${path}`).toEqual([path]);
    }
    expect(run({ var: ['constructor', 'safe'] }, {})).toBe('safe');
    // Data that really has such keys (JSON.parse makes "__proto__" an own key) is read.
    const data = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}') as ExpressionData;
    expect(run({ var: '__proto__.x' }, data)).toBe(1);
    expect(run({ var: 'constructor' }, data)).toBe('c');
  });

  it('cannot pollute prototypes', () => {
    const rule = JSON.parse('{"if": [true, {"__proto__": {"polluted": 1}, "a": 1}, 0]}') as JsonLogic;
    const result = run(rule) as Record<string, unknown>;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(run({ merge: [{ var: '__proto__' }, [1]] }, {})).toEqual([null, 1]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not call methods found in data', () => {
    expect(run({ in: ['a', { var: 'o' }] }, { o: { indexOf: 1 } })).toBe(false);
    expect(run({ in: ['a', { var: 'o' }] }, { o: { indexOf: () => 0 } })).toBe(false);
  });

  it('treats odd data shapes as data', () => {
    for (const data of [null, undefined, 0, 'str', [], [1, 2], Object.create(null) as object]) {
      expect(() => run({ and: [{ var: 'a.b' }, { '+': [{ var: '0' }, 1] }, { cat: [{ var: '' }] }] }, data as ExpressionData)).not.toThrow();
    }
  });
});

describe('deep nesting', () => {
  const nest = (depth: number, wrap: (inner: JsonLogic) => JsonLogic, leaf: JsonLogic): JsonLogic => {
    let rule = leaf;
    for (let i = 0; i < depth; i++) rule = wrap(rule);
    return rule;
  };

  it('compiles rules well beyond real-world depth', () => {
    const depth = Math.floor(MAX_EXPRESSION_DEPTH / 2) - 2; // each level below is an object plus its array
    expect(run(nest(depth, (r) => ({ '+': [r, 1] }), { var: 'x' }), { x: 1 })).toBe(depth + 1);
    expect(run(nest(depth, (r) => ({ if: [{ var: 'go' }, r, 'no'] }), 'yes'), { go: true })).toBe('yes');
    expect(run(nest(depth, (r) => ({ and: [true, r] }), { var: 'x' }), { x: [] })).toEqual([]);
    expect(run(nest(MAX_EXPRESSION_DEPTH - 1, (r) => ({ '!': r }), true))).toBe(false);
  });

  it('refuses absurd depth with an ExpressionError, not a stack overflow', () => {
    const deep = nest(100_000, (r) => ({ '!': [r] }), true);
    expect(() => compileExpression(deep)).toThrow(/nested too deeply/);
    expect(() => getCompiled(deep)).toThrow(ExpressionError);
    const cyclic: { and: unknown[] } = { and: [] };
    cyclic.and.push(cyclic);
    expect(() => getCompiled(cyclic as unknown as JsonLogic)).toThrow(/nested too deeply/);
  });
});

describe('cache', () => {
  it('compiles each distinct rule once', () => {
    clearExpressionCache();
    const a = getCompiled({ '*': [{ var: 'amount' }, { var: 'qty' }] });
    const b = getCompiled({ '*': [{ var: 'amount' }, { var: 'qty' }] });
    expect(b).toBe(a);
    expect(getCompiled({ if: [{ var: 'x' }, { a: 1, b: 2 }, 0] } as JsonLogic))
      .toBe(getCompiled({ if: [{ var: 'x' }, { b: 2, a: 1 }, 0] } as JsonLogic));
    expect(getCompiled({ '*': [{ var: 'qty' }, { var: 'amount' }] })).not.toBe(a);
    expect(getCompiled('literal')).toBe(getCompiled('literal'));
    expect(expressionCacheSize()).toBe(4);
    expect(a({ amount: 2, qty: 3 })).toBe(6);
  });
});

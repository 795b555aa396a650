/**
 * The studio and the server agree on every expression: the studio's own modules (the record
 * form's rules.ts and the rule tester) are bundled with esbuild for the browser, as Vite does,
 * and the bundle runs in a V8 context where eval and `new Function` are disabled (the page's
 * Content-Security-Policy). The official JSON Logic suite, Strata's operators and formula
 * coercions go through that bundle and through the server's compiled path, and every result
 * must be the same.
 */
import vm from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDERS } from '../../../metadata/expressions/interpret.ts';
import { OPERATORS } from '../../../metadata/expressions/operators/table.ts';
import { computeFormulaValues, EXPRESSION_OPERATORS, getCompiled, isTruthy } from '../../../metadata/expressions/index.ts';
import type { FieldDef, JsonLogic } from '../../../metadata/types.ts';
import { EXPECTED_CASES, loadJsonLogicSuite } from '../../helpers/jsonlogic-suite.ts';

const repoRoot = new URL('../../../', import.meta.url).pathname;

/** JSON that keeps what JSON drops (undefined, NaN, ±Infinity, -0) and error messages apart. */
const ENCODE = `(value) => JSON.stringify(value, (k, v) => v === undefined ? { $undefined: true }
  : typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { $number: Object.is(v, -0) ? '-0' : String(v) } : v)`;
const encode = vm.runInNewContext(ENCODE) as (value: unknown) => string;

/** What the server path makes of a rule: its result, or the error it refuses the rule with. */
function server(rule: unknown, data: unknown): string {
  try {
    return encode({ value: getCompiled(rule as JsonLogic)(data as Record<string, unknown>) });
  } catch (err) {
    return encode({ error: (err as Error).message });
  }
}

interface Browser {
  /** [rule, data] pairs in, encoded results (as server() gives them) out. */
  evaluate(json: string): string[];
  /** testRule's verdicts for [rule, data] pairs. */
  fires(json: string): string[];
  preview(json: string): string;
}

let browser: Browser;
let context: vm.Context;

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents: `
        import { evaluate, previewFormulas } from './studio/src/forms/rules.ts';
        import { testRule } from './studio/src/admin/ruleTester.ts';
        const encode = ${ENCODE};
        const run = (f) => { try { return encode({ value: f() }); } catch (err) { return encode({ error: err.message }); } };
        globalThis.strata = {
          evaluate: (json) => JSON.parse(json).map(([rule, data]) => run(() => evaluate(rule, data))),
          fires: (json) => JSON.parse(json).map(([rule, data]) => encode(testRule(rule, data))),
          preview: (json) => { const [fields, values, user] = JSON.parse(json); return encode(previewFormulas({ fields }, values, { user })); },
        };`,
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  // No eval, no new Function: what script-src 'self' without 'unsafe-eval' allows.
  context = vm.createContext({ console }, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(bundle.outputFiles[0].text, context);
  const strata = vm.runInContext('strata', context) as Browser;
  browser = strata;
}, 60_000);

const suite = loadJsonLogicSuite();

/** Strata's additions and the cases the form used to get wrong, beside the official suite. */
const STRATA_CASES: Array<[unknown, unknown]> = [
  [{ lower: 123 }, {}], [{ upper: 12.5 }, {}], [{ trim: true }, {}], [{ lower: { var: 'x' } }, { x: 'ÀBC' }],
  [{ lower: null }, {}], [{ upper: { var: 'missing' } }, {}], [{ trim: '  a b  ' }, {}],
  [{ length: 12345 }, {}], [{ length: null }, {}], [{ length: [1, 2, 3] }, {}], [{ length: 'héllo' }, {}],
  [{ round: [1.005, 2] }, {}], [{ round: [-2.5] }, {}], [{ round: ['3.14159', '3'] }, {}], [{ round: ['x'] }, {}],
  [{ abs: '-3' }, {}], [{ abs: -0 }, {}], [{ abs: null }, {}],
  [{ coalesce: [null, { var: 'a' }, 2] }, { a: 0 }], [{ coalesce: [] }, {}], [{ coalesce: [null, null] }, {}],
  [{ date_diff: ['2024-01-31', '2024-02-29', 'months'] }, {}], [{ date_diff: ['2024-01-15', '2023-01-16', 'years'] }, {}],
  [{ date_diff: ['2024-03-01T00:00:00Z', '2024-03-01T05:59:00', 'hours'] }, {}], [{ date_diff: ['2024-02-30', '2024-03-01'] }, {}],
  [{ date_add: ['2024-01-31', 1, 'months'] }, {}], [{ date_add: ['2023-02-28T10:00:00Z', 1, 'years'] }, {}],
  [{ date_add: ['2024-01-01', '2', 'days'] }, {}], [{ date_add: ['2024-01-01', 1, { var: 'u' }] }, { u: 'weeks' }],
  [{ year: '0099-06-01' }, {}], [{ month: '2024-12-31T23:59:59-05:00' }, {}], [{ year: 20240101 }, {}],
  [{ '==': [{ today: [] }, { substr: [{ now: [] }, 0, 10] }] }, {}],
  [{ var: 'constructor' }, {}], [{ var: '__proto__' }, {}], [{ var: 'a.length' }, { a: 'abc' }], [{ var: 'a.1' }, { a: [5, 6] }],
  [{ var: ['a.b', 'dflt'] }, { a: { b: null } }], [{ var: ['a.b', { var: 'c' }] }, { c: 3 }], [{ var: { cat: ['a', '.b'] } }, { a: { b: 7 } }],
  [{ var: '$previous.stage' }, { $previous: { stage: 'won' } }], [{ var: '$user.id' }, { $user: { id: 'u1' } }],
  [{ in: [{ var: 'x' }, ['a', 'b', null]] }, { x: null }], [{ in: ['b', ''] }, {}], [{ in: [1, { var: 'list' }] }, { list: [1] }],
  [{ in: ['x', { var: 'o' }] }, { o: { indexOf: 1 } }],
  [{ missing: ['a', 'b.c', ''] }, { a: '', b: { c: 0 } }], [{ missing_some: [1, ['a', 'b']] }, { b: 1 }],
  [{ missing: { merge: [['a'], ['b']] } }, { a: 1 }],
  [{ '+': [] }, {}], [{ '+': ['1', 2, { var: 'n' }] }, { n: '3.5' }], [{ '*': ['2'] }, {}], [{ '*': [-0, 5] }, {}],
  [{ '-': [{ var: 'a' }] }, { a: '4' }], [{ '-': [5, { var: 'nope' }] }, {}], [{ '/': ['1', 0] }, {}], [{ '%': [-7, 3] }, {}],
  [{ min: [] }, {}], [{ max: ['3', 2] }, {}], [{ cat: [null, 1, true, [1, 2]] }, {}], [{ substr: ['hello', -3, -1] }, {}],
  [{ and: [[], 1] }, {}], [{ or: [[], 0, ''] }, {}], [{ and: [] }, {}], [{ if: [] }, {}], [{ if: [[], 'yes', 'no'] }, {}],
  [{ '<': [1, { var: 'x' }, 3] }, { x: 2 }], [{ '<=': [1, 1, 0] }, {}], [{ '>': [3, 2, 1] }, {}], [{ '==': [null, { var: 'u' }] }, {}],
  [{ reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }] }, { xs: [1, 2] }],
  [{ map: [{ var: 'xs' }, { '*': [{ var: '' }, 2] }] }, { xs: 'not a list' }], [{ all: [[], true] }, {}],
  [{ some: [{ var: 'xs' }, { '==': [{ var: 'a' }, 1] }] }, { xs: [{ a: 1 }] }], [{ none: [[0, ''], { var: '' }] }, {}],
  [{ merge: [1, [2, [3]], null] }, {}], [{ '!!': [[]] }, {}], [{ '!': ['0'] }, {}],
  [{ '==': [{ a: 1, b: { c: 2 } }, 1] }, {}], [[{ var: 'a' }, { x: 1, y: [2] }], { a: 'A' }],
  // What the engine refuses, both sides alike.
  [{ pg_sleep: [2] }, {}], [{ round: [1, 2, 3] }, {}], [{ date_diff: ['2024-01-01', '2024-02-01', 'weeks'] }, {}], [{ '*': [] }, {}],
];

describe('the studio bundle and the server agree', () => {
  it('implements every operator in both forms, and the bundle runs where eval cannot', () => {
    expect(() => vm.runInContext("new Function('return 1')", context)).toThrow(/Code generation from strings disallowed/);
    expect([...BUILDERS.keys()].sort()).toEqual([...OPERATORS.keys()].sort());
    expect(EXPRESSION_OPERATORS.length).toBeGreaterThan(40);
  });

  it(`on all ${EXPECTED_CASES} cases of the official JSON Logic suite, and each is the expected answer`, () => {
    expect(suite.error).toBeUndefined();
    expect(suite.cases).toHaveLength(EXPECTED_CASES);
    const pairs = suite.cases.map((c) => [c.rule, c.data]);
    const inBrowser = browser.evaluate(JSON.stringify(pairs));
    const mismatches = suite.cases.filter((c, i) => inBrowser[i] !== server(c.rule, c.data) || inBrowser[i] !== encode({ value: c.expected }));
    expect(mismatches.map((c) => `${c.section} #${c.index}`)).toEqual([]);
  });

  it("on Strata's operators and the edges between them (lower(123) is \"123\" on both sides)", () => {
    const inBrowser = browser.evaluate(JSON.stringify(STRATA_CASES));
    const onServer = STRATA_CASES.map(([rule, data]) => server(rule, data));
    expect(inBrowser).toEqual(onServer);
    expect(inBrowser[0]).toBe(encode({ value: '123' }));
    // The refused rules are refused in the browser too, not evaluated to something.
    expect(inBrowser.slice(-4).every((r) => r.startsWith('{"error"'))).toBe(true);
  });

  it('in the rule tester: a rule fires exactly when the server finds it true', () => {
    const pairs: Array<[unknown, unknown]> = [...suite.cases.map((c): [unknown, unknown] => [c.rule, c.data]), ...STRATA_CASES];
    const fires = browser.fires(JSON.stringify(pairs)).map((r) => (JSON.parse(r) as { fires: boolean }).fires);
    const expected = pairs.map(([rule, data]) => {
      try {
        // The tester runs the rule over the values it is given plus its own $user.
        return isTruthy(getCompiled(rule as JsonLogic)({ ...(data as object), $user: { id: null } }));
      } catch {
        return false;
      }
    });
    expect(fires).toEqual(expected);
  });

  it('previews formulas as the server stores them: dependency order, year range, overflow, safe integers', () => {
    const fields = [
      { name: 'total', type: 'formula', returns: 'currency', expression: { '*': [{ var: 'unit' }, { var: 'qty' }] } },
      // Reads a formula declared after it: needs dependency order, not declaration order.
      { name: 'label', type: 'formula', returns: 'text', expression: { cat: [{ upper: { var: 'code' } }, ': ', { var: 'with_tax' }] } },
      { name: 'with_tax', type: 'formula', returns: 'currency', expression: { '*': [{ var: 'total' }, 1.2] } },
      { name: 'huge', type: 'formula', returns: 'currency', expression: { '*': [{ var: 'unit' }, 1e17] } },
      { name: 'unsafe', type: 'formula', returns: 'integer', expression: { '*': [{ var: 'unit' }, 1e16] } },
      { name: 'far_future', type: 'formula', returns: 'date', expression: { date_add: ['9999-12-31', 1, 'days'] } },
      { name: 'ancient', type: 'formula', returns: 'date', expression: { date_add: ['0001-01-01', -1, 'days'] } },
      { name: 'due', type: 'formula', returns: 'date', expression: { date_add: [{ var: 'start' }, 1, 'months'] } },
      { name: 'lowered', type: 'formula', returns: 'text', expression: { lower: { var: 'qty' } } },
      { name: 'mine', type: 'formula', returns: 'boolean', expression: { '==': [{ var: '$user.id' }, 'u1'] } },
      { name: 'broken', type: 'formula', returns: 'integer', expression: { '+': [{ var: 'qty' }, { map: [1, 2] }] } },
    ] as FieldDef[];
    const values = { unit: 12.5, qty: 3, code: 'ab', start: '2024-01-31' };
    const stored = computeFormulaValues(fields, values, { user: { id: 'u1' } }, getCompiled);
    expect(browser.preview(JSON.stringify([fields, values, { id: 'u1' }]))).toBe(encode(stored));
    expect(stored).toMatchObject({
      total: 37.5, with_tax: 45, label: 'AB: 45', huge: null, unsafe: null, far_future: null, ancient: null,
      due: '2024-02-29', lowered: '3', mine: true,
    });
  });
});

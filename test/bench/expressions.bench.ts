/**
 * Compiled expressions vs json-logic-js's interpreter, on the same CRM rules and the same
 * ~100k varied records, measured in the same run. Run: `npx tsx test/bench/expressions.bench.ts`
 * (exit code 1 when below target), or call `run()` from a bench runner.
 */
import { pathToFileURL } from 'node:url';
import jsonLogic from 'json-logic-js';
import { compileExpression, type ExpressionData } from '../../metadata/expressions/index.ts';
import type { JsonLogic } from '../../metadata/types.ts';

export interface BenchResult { name: string; ratio: number; target: number }

/** Over the whole rule set. */
const TARGET = 5;
/**
 * Floor for each single rule: a rule bound by native work both engines share (String
 * indexOf for `in` on a string) gains less, so per rule only a clear win is required.
 */
const RULE_FLOOR = 2;
const RECORDS = 100_000;
const ROUNDS = 5;

/** Formulas, validation rules and workflow conditions as a CRM package would write them. */
const RULES: ReadonlyArray<{ name: string; logic: JsonLogic }> = [
  { name: 'formula net_amount', logic: { '*': [{ var: 'amount' }, { '-': [1, { '/': [{ var: 'discount_pct' }, 100] }] }] } },
  { name: 'formula weighted_amount', logic: { '/': [{ '*': [{ var: 'amount' }, { var: 'probability' }] }, 100] } },
  { name: 'formula full_name (cat)', logic: { cat: [{ var: 'first_name' }, ' ', { var: 'last_name' }] } },
  { name: 'formula tier (if chain)', logic: { if: [
    { '>=': [{ var: 'amount' }, 100_000] }, 'A', { '>=': [{ var: 'amount' }, 10_000] }, 'B',
    { '>=': [{ var: 'amount' }, 1_000] }, 'C', 'D'] } },
  { name: 'rule won_needs_close_date', logic: { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '!': { var: 'close_date' } }] } },
  { name: 'rule lost_needs_reason (if)', logic: { if: [{ '==': [{ var: 'stage' }, 'lost'] }, { '!': { var: 'loss_reason' } }, false] } },
  { name: 'rule discount_limit (and/or)', logic: { or: [
    { '>': [{ var: 'discount_pct' }, 40] },
    { and: [{ '>': [{ var: 'discount_pct' }, 20] }, { '<': [{ var: 'amount' }, 1000] }] }] } },
  { name: 'rule discount_range (between)', logic: { '!': { '<=': [0, { var: 'discount_pct' }, 100] } } },
  { name: 'rule needs_contact (missing_some)', logic: { missing_some: [1, ['email', 'phone']] } },
  { name: 'cond closed_stage (in list)', logic: { in: [{ var: 'stage' }, ['won', 'lost', 'cancelled']] } },
  { name: 'cond internal_email (in string)', logic: { in: ['@example.com', { var: 'email' }] } },
  { name: 'cond retail_account (dotted)', logic: { '==': [{ var: 'account.industry' }, 'retail'] } },
  { name: 'cond became_won ($previous)', logic: { and: [
    { '!=': [{ var: 'stage' }, { var: '$previous.stage' }] }, { '==': [{ var: 'stage' }, 'won'] }] } },
  { name: 'cond mine ($user)', logic: { '==': [{ var: 'ownerId' }, { var: '$user.id' }] } },
];

function makeRecords(n: number): ExpressionData[] {
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const stages = ['new', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
  const names = ['Ann', 'Bob', 'Chen', 'Dana', 'Eve', 'Femi', 'Gus', 'Hana'];
  const users = ['u1', 'u2', 'u3'];
  const records: ExpressionData[] = [];
  for (let i = 0; i < n; i++) {
    const stage = pick(stages);
    records.push({
      id: `r${i}`,
      first_name: pick(names),
      last_name: rand() < 0.1 ? null : pick(names),
      amount: rand() < 0.05 ? null : Math.round(rand() * 200_000 * 100) / 100,
      discount_pct: rand() < 0.3 ? null : Math.round(rand() * 60),
      probability: Math.round(rand() * 100),
      stage,
      close_date: rand() < 0.5 ? null : `2024-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
      loss_reason: rand() < 0.5 ? null : 'price',
      email: rand() < 0.2 ? null : `${pick(names).toLowerCase()}@${pick(['example.com', 'acme.io', 'shop.de'])}`,
      phone: rand() < 0.5 ? null : '+1 555 0100',
      ownerId: pick(users),
      account: rand() < 0.1 ? null : { industry: pick(['retail', 'tech', 'finance']), name: 'ACME' },
      $previous: rand() < 0.3 ? undefined : { stage: pick(stages) },
      $user: { id: 'u1' },
    });
  }
  return records;
}

type Evaluate = (data: ExpressionData) => unknown;

/** One pass over the records; the checksum keeps the work from being optimised away. */
function pass(evaluate: Evaluate, records: readonly ExpressionData[]): number {
  let sink = 0;
  for (let i = 0; i < records.length; i++) {
    const v = evaluate(records[i]);
    sink += typeof v === 'number' ? (v === v ? 1 : 0) : v ? 1 : 0;
  }
  return sink;
}

function bestOf(rounds: number, evaluate: Evaluate, records: readonly ExpressionData[]): { ms: number; sink: number } {
  let ms = Infinity;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    sink = pass(evaluate, records);
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, sink };
}

const same = (a: unknown, b: unknown): boolean =>
  a === b || (a !== a && b !== b) || JSON.stringify(a) === JSON.stringify(b);

export async function run(): Promise<BenchResult[]> {
  const records = makeRecords(RECORDS);
  const results: BenchResult[] = [];
  let totalInterpreted = 0;
  let totalCompiled = 0;
  console.log(`expressions: ${RULES.length} rules × ${RECORDS} records, best of ${ROUNDS} rounds`);
  for (const { name, logic } of RULES) {
    const compiled = compileExpression(logic);
    const interpreted: Evaluate = (data) => jsonLogic.apply(logic as Parameters<typeof jsonLogic.apply>[0], data);
    // Same answers first: a fast wrong engine is no result.
    for (const record of records) {
      if (!same(compiled(record), interpreted(record))) {
        throw new Error(`${name}: compiled ${JSON.stringify(compiled(record))} ≠ json-logic-js ${JSON.stringify(interpreted(record))} for ${JSON.stringify(record)}`);
      }
    }
    const slow = bestOf(ROUNDS, interpreted, records);
    const fast = bestOf(ROUNDS, compiled, records);
    if (slow.sink !== fast.sink) throw new Error(`${name}: checksums differ`);
    totalInterpreted += slow.ms;
    totalCompiled += fast.ms;
    const ratio = slow.ms / fast.ms;
    results.push({ name: `expressions: ${name}`, ratio, target: RULE_FLOOR });
    console.log(`  ${name.padEnd(36)} json-logic-js ${slow.ms.toFixed(1).padStart(7)} ms   compiled ${fast.ms.toFixed(1).padStart(6)} ms   ${ratio.toFixed(1).padStart(6)}x`);
  }
  const ratio = totalInterpreted / totalCompiled;
  const worst = Math.min(...results.map((r) => r.ratio));
  const pass = ratio >= TARGET && worst >= RULE_FLOOR;
  console.log(`expressions: compiled ${ratio.toFixed(1)}x faster than json-logic-js (target >= ${TARGET}x; slowest rule ${worst.toFixed(1)}x, floor ${RULE_FLOOR}x) ${pass ? 'PASS' : 'BELOW'}`);
  results.push({ name: 'expressions', ratio, target: TARGET });
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (results) => { process.exitCode = results.every((r) => r.ratio >= r.target) ? 0 : 1; },
    (err: unknown) => { console.error(err); process.exitCode = 1; },
  );
}

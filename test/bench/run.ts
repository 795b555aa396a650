/**
 * `npm run bench`: every benchmark, then one summary table (measured, target, PASS/BELOW).
 * Benchmarks, not timed tests: they measure against a baseline in the same run, on this
 * machine; the exit code is 1 when one is below its target.
 */
import { run as expressions } from './expressions.bench.ts';
import { run as records, type BenchRow } from './records.bench.ts';

function fmt(row: BenchRow, v: number): string {
  return row.unit === 'x' ? `${v.toFixed(2)}x` : `${Math.round(v).toLocaleString('en-US')}/s`;
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const expr = await expressions();
  const overall = expr.find((r) => r.name === 'expressions');
  const perRule = expr.filter((r) => r !== overall);
  if (overall) rows.push({ name: 'expressions: compiled vs json-logic-js', value: overall.ratio, target: overall.target, unit: 'x', detail: `${perRule.length} rules` });
  if (perRule.length) {
    const slowest = perRule.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    rows.push({ name: 'expressions: slowest rule', value: slowest.ratio, target: slowest.target, unit: 'x', detail: slowest.name.replace(/^expressions: /, '') });
  }
  console.log('');
  rows.push(...await records());

  const width = Math.max(...rows.map((r) => r.name.length));
  console.log('\nSummary');
  console.log(`  ${'benchmark'.padEnd(width)}  ${'measured'.padStart(12)}  ${'target'.padStart(12)}  result`);
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(width)}  ${fmt(r, r.value).padStart(12)}  ${('≥ ' + fmt(r, r.target)).padStart(12)}  ${r.value >= r.target ? 'PASS' : 'BELOW'}`);
  }
  process.exitCode = rows.every((r) => r.value >= r.target) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

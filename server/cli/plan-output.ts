import type { DeployResult } from '../../runtime/schema/deploy.ts';

/** Prints a deploy plan as people read it. */
export function printPlan(result: DeployResult): void {
  const out: string[] = [];
  const pkg = `${result.package.name} ${result.package.version}`;
  if (!result.plan.length) {
    out.push(`${pkg}: nothing to change (already deployed)`);
  } else {
    out.push(`Plan for ${pkg} (${result.plan.length} step${result.plan.length === 1 ? '' : 's'}):`);
    for (const s of result.plan) {
      let line = `  - ${s.description}`;
      if (s.refused) line += `  [REFUSED: ${s.refused.count} record(s) ${s.refused.reason}]`;
      for (const w of s.warnings ?? []) line += `  [warning: ${w.count} record(s) ${w.reason}]`;
      out.push(line);
      for (const d of s.details ?? []) out.push(`      ${d}`);
    }
    out.push(result.applied ? `Applied: registry version ${result.version}` : result.dryRun ? 'Dry run: nothing was changed' : 'Not applied');
  }
  process.stdout.write(out.join('\n') + '\n');
}

import { existsSync } from 'node:fs';
import { ensureStandardPackage, readPackage } from '../../runtime/engine.ts';
import { UsageError } from '../config.ts';
import type { Command } from './main.ts';
import { withEngine } from './engine.ts';
import { printPlan } from './plan-output.ts';
import { CLI_ACTOR } from '../../runtime/security/actor.ts';
import { deployAs } from '../../runtime/security/deploys.ts';

export const deployCommand: Command = {
  summary: 'validate a package and apply it in one transaction (--dry-run: show the plan only)',
  usage: 'deploy <package-dir-bundle-or-archive> [--dry-run] [--data-dir D]',
  options: { 'dry-run': { type: 'boolean' } },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('give one package folder or bundle file');
    const location = positionals[0];
    if (!existsSync(location)) throw new UsageError(`${location} does not exist`);
    const bundle = await readPackage(location);
    return withEngine(values, async (engine) => {
      await ensureStandardPackage(engine);
      // As the system, with full rights (whoever runs it could change the database directly), audited.
      const result = await deployAs(engine, CLI_ACTOR, bundle, { dryRun: !!values['dry-run'], door: 'cli' });
      printPlan(result);
      return 0;
    });
  },
};

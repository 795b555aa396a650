/**
 * The `strata` command line (CONTRACT §1). Exit 0 on success, 1 on a user error with one line
 * on stderr, 2 on bad arguments.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StrataError } from '../../runtime/errors.ts';
import { UsageError } from '../config.ts';
import { deployCommand } from './deploy.ts';
import { exportCommand } from './export.ts';
import { startCommand } from './start.ts';
import { userCommand } from './user.ts';

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number | void>;
}

const COMMON = { 'data-dir': { type: 'string' } } as const;

const COMMANDS: Record<string, Command> = {
  start: startCommand,
  deploy: deployCommand,
  export: exportCommand,
  user: userCommand,
};

function help(): string {
  return ['Usage: strata <command> [options]', '', ...Object.entries(COMMANDS).map(([, c]) => `  ${c.usage.padEnd(58)} ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`strata: unknown command ${JSON.stringify(name)}\n${help()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`strata ${name}: ${(err as Error).message}\nUsage: strata ${cmd.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`Usage: strata ${cmd.usage}\n${cmd.summary}\n`);
    return 0;
  }
  try {
    return (await cmd.run(parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] })) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`strata ${name}: ${err.message}\nUsage: strata ${cmd.usage}\n`);
      return 2;
    }
    if (err instanceof StrataError) {
      const details = err.errors?.slice(0, 20).map((e) => `  ${e.field}: ${e.message}`).join('\n');
      // stderr gets the one-line verdict; the list of problems to fix goes to stdout.
      if (details) process.stdout.write(details + '\n');
      process.stderr.write(`strata ${name}: ${err.message}\n`);
      return 1;
    }
    const e = err as Error & { code?: string };
    process.stderr.write(`strata ${name}: ${e.message?.split('\n')[0] ?? String(err)}\n`);
    if (process.env.STRATA_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

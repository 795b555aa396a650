import { ensureStandardPackage } from '../../runtime/engine.ts';
import { CLI_ACTOR } from '../../runtime/security/actor.ts';
import { ADMIN_ROLE } from '../../runtime/security/roles.ts';
import { createUserAs } from '../../runtime/security/user-management.ts';
import { UsageError } from '../config.ts';
import type { Command } from './main.ts';
import { withEngine } from './engine.ts';

export const userCommand: Command = {
  summary: 'add a user',
  usage: 'user create --email E --password P [--role R] [--name N] [--data-dir D]',
  options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals[0] !== 'create' || positionals.length !== 1) throw new UsageError('the only user subcommand is create');
    if (typeof values.email !== 'string' || typeof values.password !== 'string') throw new UsageError('--email and --password are required');
    return withEngine(values, async (engine) => {
      await ensureStandardPackage(engine);
      const user = await createUserAs(engine.knex, engine.registry.current, CLI_ACTOR, { email: values.email, password: values.password, role: values.role ?? ADMIN_ROLE, name: values.name });
      process.stdout.write(`Created user ${user.email} (${user.roles.join(', ')}) with id ${user.id}\n`);
      return 0;
    });
  },
};

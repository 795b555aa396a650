import { ensureStandardPackage } from '../../runtime/engine.ts';
import { createUser } from '../../runtime/security/users.ts';
import { audit } from '../../runtime/security/audit.ts';
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
      const roles = ['admin', ...engine.registry.current.roles.map((r) => r.name)];
      const user = await createUser(engine.knex, { email: values.email, password: values.password, role: values.role ?? 'admin', name: values.name }, roles);
      await audit(engine.knex, { action: 'user.create', actorEmail: 'cli', target: user.email, detail: { roles: user.roles } });
      process.stdout.write(`Created user ${user.email} (${user.roles.join(', ')}) with id ${user.id}\n`);
      return 0;
    });
  },
};

import { buildApp, trustProxyFromEnv } from '../app.ts';
import { logLevelFromEnv } from '../plugins/logging.ts';
import { rateLimitFromEnv } from '../plugins/rate-limit.ts';
import { ensureStandardPackage, openEngine } from '../../runtime/engine.ts';
import { ensureFirstAdmin } from '../../runtime/security/users.ts';
import { resolveConfig } from '../config.ts';
import { ensureStudioBuilt } from '../studio-build.ts';
import type { Command } from './main.ts';

export const startCommand: Command = {
  summary: 'run the server and the studio',
  usage: 'start [--port N] [--host H] [--data-dir D]',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }) {
    const config = resolveConfig(values as { port?: string; host?: string; 'data-dir'?: string }, process.env);
    const log = (line: string) => process.stdout.write(`${line}\n`);
    log(config.databaseUrl ? 'Using the PostgreSQL server at DATABASE_URL' : `Using embedded PostgreSQL in ${config.dataDir}`);
    const engine = await openEngine({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, listen: true, log });
    let app: Awaited<ReturnType<typeof buildApp>> | undefined;
    let stopping = false;
    const stop = async (code: number) => {
      if (stopping) return;
      stopping = true;
      await app?.close().catch(() => {});
      await engine.close().catch(() => {});
      process.exit(code);
    };
    process.on('SIGINT', () => void stop(0));
    process.on('SIGTERM', () => void stop(0));
    try {
      await ensureStudioBuilt(log);
      const installed = await ensureStandardPackage(engine);
      if (installed) log(`Installed ${installed.package.name} ${installed.package.version} (${installed.plan.length} steps)`);
      const admin = await ensureFirstAdmin(engine.knex, process.env);
      if (admin?.password) log(`First admin: ${admin.email} with password ${admin.password} (shown once; change it)`);
      else if (admin) log(`First admin: ${admin.email}`);
      app = await buildApp(engine, { log: { level: logLevelFromEnv(process.env) }, rateLimit: rateLimitFromEnv(process.env), trustProxy: trustProxyFromEnv(process.env) });
      await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      log(`Strata is running at http://${config.host}:${port}`);
    } catch (err) {
      await app?.close().catch(() => {});
      await engine.close().catch(() => {});
      throw err;
    }
    // Serve until a signal arrives.
    await new Promise<never>(() => {});
  },
};

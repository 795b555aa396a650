/** Where settings come from: flags, then environment, then defaults (CONTRACT §1). */
import path from 'node:path';

export interface ServerConfig {
  dataDir: string;
  databaseUrl?: string;
  port: number;
  host: string;
}

export function resolveConfig(flags: { port?: string; host?: string; 'data-dir'?: string }, env: NodeJS.ProcessEnv): ServerConfig {
  const portText = flags.port ?? env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not ${portText}`);
  return {
    dataDir: path.resolve(flags['data-dir'] ?? env.STRATA_DATA_DIR ?? '.strata'),
    databaseUrl: env.DATABASE_URL || undefined,
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
  };
}

/** Bad arguments: exit code 2. */
export class UsageError extends Error {}

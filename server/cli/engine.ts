/** Opens the engine for a one-shot command, sharing a running server's embedded database. */
import { openEngine, type Engine } from '../../runtime/engine.ts';
import { resolveConfig } from '../config.ts';

export async function withEngine<T>(values: Record<string, string | boolean | undefined>, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const config = resolveConfig({ 'data-dir': values['data-dir'] as string | undefined }, process.env);
  const engine = await openEngine({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolMax: 4 });
  // Interrupted: stop the embedded PostgreSQL this command started before leaving.
  const interrupted = (signal: NodeJS.Signals) => {
    void engine.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await fn(engine);
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await engine.close();
  }
}

/** Opens the engine for a one-shot command, sharing a running server's embedded database. */
import { openEngine, type Engine } from '../../runtime/engine.ts';
import { resolveConfig } from '../config.ts';

export async function withEngine<T>(values: Record<string, string | boolean | undefined>, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const config = resolveConfig({ 'data-dir': values['data-dir'] as string | undefined }, process.env);
  const engine = await openEngine({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolMax: 4 });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

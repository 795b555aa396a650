/**
 * `strata start` builds the front end when studio/dist is missing or older than its sources,
 * so `npm install && npm start` is all a fresh clone needs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../runtime/engine.ts';

const STUDIO = path.join(REPO_ROOT, 'studio');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function studioIsStale(): boolean {
  const index = path.join(STUDIO, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return Math.max(newest(path.join(STUDIO, 'src')), newest(path.join(STUDIO, 'public')), statSync(path.join(STUDIO, 'index.html')).mtimeMs) > built;
}

export async function buildStudio(log: (line: string) => void): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log('The front end is not built and vite is not installed (npm install without --omit=dev builds it)');
    return;
  }
  log('Building the front end…');
  // Always a production build, even when started from a test run (NODE_ENV=test).
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({ configFile: path.join(STUDIO, 'vite.config.ts'), root: STUDIO, logLevel: 'warn', mode: 'production' });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

export async function ensureStudioBuilt(log: (line: string) => void): Promise<void> {
  if (process.env.STRATA_SKIP_STUDIO_BUILD) return;
  if (studioIsStale()) await buildStudio(log);
}

/**
 * `strata start` builds the front end when studio/dist is missing or older than its sources,
 * so `npm install && npm start` is all a fresh clone needs.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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
    // Built aside, then swapped in: a running server or browser test never sees half a build.
    const next = path.join(STUDIO, `dist.next-${process.pid}-${Date.now()}`);
    await vite.build({ configFile: path.join(STUDIO, 'vite.config.ts'), root: STUDIO, logLevel: 'warn', mode: 'production', build: { outDir: next, emptyOutDir: true } });
    const dist = path.join(STUDIO, 'dist');
    const old = path.join(STUDIO, `dist.old-${process.pid}-${Date.now()}`);
    // Pages already open keep loading their lazy chunks: the previous build's assets stay.
    const oldAssets = path.join(dist, 'assets');
    if (existsSync(oldAssets)) {
      for (const f of readdirSync(oldAssets)) {
        const target = path.join(next, 'assets', f);
        if (!existsSync(target)) cpSync(path.join(oldAssets, f), target);
      }
    }
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(next, dist);
    rmSync(old, { recursive: true, force: true });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

export async function ensureStudioBuilt(log: (line: string) => void): Promise<void> {
  if (process.env.STRATA_SKIP_STUDIO_BUILD) return;
  if (studioIsStale()) await buildStudio(log);
}

/**
 * `strata start` builds the front end when studio/dist is missing or older than its sources,
 * so `npm install && npm start` is all a fresh clone needs.
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.webmanifest']);
const MIN_BYTES = 1024;

/**
 * Writes `file.br` (brotli, best) and `file.gz` (gzip, best) beside every text file of a build,
 * so the server sends them as they are (server/plugins/studio.ts) instead of compressing each
 * request, and at a ratio no per-request compressor could afford.
 */
export function precompress(dir: string): { files: number; raw: number; brotli: number } {
  const totals = { files: 0, raw: 0, brotli: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = precompress(p);
      totals.files += sub.files; totals.raw += sub.raw; totals.brotli += sub.brotli;
      continue;
    }
    if (!COMPRESSIBLE.has(path.extname(entry.name))) continue;
    const body = readFileSync(p);
    if (body.length < MIN_BYTES) continue;
    const br = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } });
    writeFileSync(`${p}.br`, br);
    writeFileSync(`${p}.gz`, gzipSync(body, { level: 9 }));
    totals.files++; totals.raw += body.length; totals.brotli += br.length;
  }
  return totals;
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
    precompress(next);
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

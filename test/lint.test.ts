/**
 * The lint gate: oxlint (it runs without the TypeScript compiler API, which TS 7 lacks) over
 * the whole tree with the rules of .oxlintrc.json, unused code and imports included, and zero
 * warnings allowed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OXLINT = fileURLToPath(new URL('../node_modules/oxlint/bin/oxlint', import.meta.url));
const TREE = ['runtime', 'server', 'metadata', 'studio/src', 'extensions', 'scripts', 'test', 'bin'].filter((d) => existsSync(path.join(ROOT, d)));

describe('oxlint', () => {
  it('finds nothing to warn about', async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [OXLINT, '-c', '.oxlintrc.json', '--deny-warnings', ...TREE], { cwd: ROOT, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const c = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code: c, output: `${stdout}${stderr}`.trim() });
      });
    });
    expect(code, `oxlint:\n${output}`).toBe(0);
  });
});

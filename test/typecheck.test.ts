/**
 * The whole tree type-checks (`tsc --noEmit -p .`, the tsconfig covers the studio, the server
 * and the tests): in particular the studio's API types (studio/src/api/types.ts) extend the ones
 * generated from the OpenAPI document, so a studio type that disagrees with the document fails here.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

function tsc(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // What `npx tsc` runs, without npx: the project's own tsc, never one fetched from a registry.
    execFile(process.execPath, [TSC, '--noEmit', '-p', '.'], { cwd: ROOT, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() || (err ? String(err) : '') });
    });
  });
}

describe('tsc --noEmit -p .', () => {
  it('reports no type errors', async () => {
    const { code, output } = await tsc();
    expect(code, `tsc found type errors:\n${output}`).toBe(0);
  }, 120_000);
});

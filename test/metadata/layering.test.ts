/**
 * metadata/ is what the browser and the server share: it imports nothing of ours outside
 * metadata/ and no Node module (the studio bundles it), per the house plan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../metadata');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('metadata/ stands on its own', () => {
  const files = sources(root);

  it('has the expression engine in it', () => {
    expect(files.some((f) => f.endsWith(path.join('expressions', 'compile.ts')))).toBe(true);
    expect(files.some((f) => f.endsWith(path.join('expressions', 'interpret.ts')))).toBe(true);
  });

  it('imports only files inside metadata/, and no Node modules', () => {
    const offending: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        const inside = spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(root + path.sep);
        if (!inside) offending.push(`${path.relative(root, file)} → ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});

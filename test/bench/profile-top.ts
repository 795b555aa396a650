/** The top self-time entries of a .cpuprofile (node --cpu-prof): `npx tsx test/bench/profile-top.ts FILE [N]`. */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const [file, n = '15'] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const self = new Map<string, number>();
let total = 0;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  const f = byId.get(id)!.callFrame;
  const where = f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(runtime|server|test)\//, '$1/')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled, idle ${((100 * idle) / total).toFixed(1)}%`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);

// `WHO=name`: the call paths that lead to the samples of that function, heaviest first.
const who = process.env.WHO;
if (who) {
  const parent = new Map<number, number>();
  for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const paths = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName !== who) return;
    const chain: string[] = [];
    for (let at: number | undefined = parent.get(id); at !== undefined && chain.length < 8; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      chain.push(`${f.functionName || '(anon)'}@${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`);
    }
    const key = chain.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  console.log(`\ncallers of ${who}:`);
  for (const [k, v] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

// By where the code lives: a package, a folder of ours, node's own, or V8.
if (process.env.BY_PACKAGE) {
  const by = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(f.url) ?? /\/(runtime\/[^/]+|server\/[^/]+|test\/[^/]+)\//.exec(f.url);
    const key = m ? m[1] : f.url.startsWith('node:') ? 'node:*' : f.url ? f.url : f.functionName;
    by.set(key, (by.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  console.log('\nby package:');
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

// `INCLUSIVE=1`: time with callees, per function (each counted once per sample).
if (process.env.INCLUSIVE) {
  const parent = new Map<number, number>();
  for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const incl = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(runtime|server|test)\//, '$1/')}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
    }
  });
  console.log('\ninclusive:');
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.INCLUSIVE) || 60)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

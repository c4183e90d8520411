/**
 * `tsx bench/profile-summary.ts <file.cpuprofile> [top=25] [--from S] [--to S] [--inclusive]`
 * — self time per function (and per package for node_modules frames) from a V8 CPU profile
 * written by `npm run bench -- --profile`.
 *
 * `--from`/`--to` keep only the samples taken that many seconds after the profile started (the
 * server's start): the bench prints, and writes to its JSON as `profileWindows`, the window of
 * every measured scenario in exactly these units, so the summary is of that scenario alone,
 * without start-up (module loading, schema compilation) or the seeding of other scenarios.
 * `--inclusive` adds the time spent in each Gatehouse function and everything it called (each
 * sample counted once per function, however deep the recursion).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, inclusive: { type: 'boolean', default: false } } });
const file = positionals[0];
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top] [--from S] [--to S] [--inclusive]');
const top = Number(positionals[1] ?? 25);
const fromUs = opt.from === undefined ? -Infinity : Number(opt.from) * 1e6;
const toUs = opt.to === undefined ? Infinity : Number(opt.to) * 1e6;
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
const selfUs = new Map<number, number>();
let t = 0;
prof.samples.forEach((id, i) => {
  t += prof.timeDeltas[i] ?? 0;
  if (t < fromUs || t > toUs) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs].filter(([id]) => prof.nodes.find((n) => n.id === id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
const short = (url: string) => url.replace(/^file:\/\//, '').replace(/.*\/work\/(main|wt\/[^/]+)\//, '');
const keyOf = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
for (const n of prof.nodes) {
  const us = selfUs.get(n.id) ?? 0;
  if (!us) continue;
  const s = short(n.callFrame.url);
  byFn.set(keyOf(n), (byFn.get(keyOf(n)) ?? 0) + us);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1] ?? (s.startsWith('apps/') || s.startsWith('packages/') ? 'gatehouse' : s === '' ? `(${n.callFrame.functionName})` : 'node:internal');
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
console.log(`total sampled ${(total / 1e6).toFixed(1)} s (busy ${((total - idle) / 1e6).toFixed(1)} s)${opt.from || opt.to ? `, window ${opt.from ?? 0}–${opt.to ?? 'end'} s` : ''}\n\nby package:`);
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(v)}  ${k}`);
console.log('\nby function (self):');
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);

if (opt.inclusive) {
  // Walk the tree once, carrying the set of Gatehouse functions on the stack.
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const incl = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>) => {
    const n = byId.get(id)!;
    const s = short(n.callFrame.url);
    const ours = (s.startsWith('apps/') || s.startsWith('packages/')) && !s.includes('node_modules');
    const k = keyOf(n);
    const added = ours && !onStack.has(k);
    if (added) onStack.add(k);
    const us = selfUs.get(id) ?? 0;
    if (us) for (const f of onStack) incl.set(f, (incl.get(f) ?? 0) + us);
    for (const c of n.children ?? []) walk(c, onStack);
    if (added) onStack.delete(k);
  };
  walk(prof.nodes[0]!.id, new Set());
  console.log('\nGatehouse functions, inclusive (self + callees):');
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
}

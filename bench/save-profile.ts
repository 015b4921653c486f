// Where the milliseconds of one worst save go: lifecycle timestamps, the event loop's
// blocked stretches, and a CPU profile of the save cut into the stretches the event loop
// was busy, each explained by the code it ran.
//   npx tsx bench/save-profile.ts            the worst Markdown body (250,000 `![`)
//   BODY=prose …                             0.5 MB of prose (the most work for the search index)
//   SAVES=4 …                                four saves in a row
import { Session } from 'node:inspector/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { markdownBody, prng } from './text.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { testConfig } from '../test/helpers/app.js';
import { fillNewsroom } from '../test/helpers/big-newsroom.js';
import { runQueueWaitMs } from '../test/helpers/run-queue.js';
import { sqliteOf } from '../test/helpers/db.js';

const BODIES: Record<string, () => string> = {
  worst: () => '!['.repeat(250_000),
  // 0.5 MB of newsroom prose (a Zipf vocabulary): the most words a body can give the search index.
  prose: () => markdownBody(prng(7), 100_000).slice(0, 500_000),
};
const BODY = BODIES[process.env.BODY ?? 'worst']!();
const dir = mkdtempSync(join(tmpdir(), 'save-profile-'));
const app = await buildApp({ config: testConfig(dir, { workers: { threads: 2, queryTimeoutMs: 30_000, renderTimeoutMs: 60_000 } }), logger: false });
const marks: [string, number][] = [];
const mark = (name: string) => marks.push([name, performance.now()]);
for (const hook of ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse'] as const) {
  app.addHook(hook, async (req: { method: string }) => {
    if (req.method === 'POST') mark(hook);
  });
}
await app.ready();
await fillNewsroom(app.db, Number(process.env.ARTICLES ?? 20_000));
const { token } = await createToken(app.db, { name: 'p', role: 'admin' });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const payload = JSON.stringify({ headline: 'Worst body', bureau: 'big-desk', body: BODY });
const save = () =>
  fetch(`${base}/v1/articles`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: payload }).then(async (r) => {
    const b = await r.arrayBuffer();
    return { status: r.status, bytes: b.byteLength };
  });
console.log('warm-up', await save()); // starts the render threads and JITs
console.log('writer checkpoints every', sqliteOf(app.db).writer.pragma('wal_autocheckpoint', { simple: true }), 'pages (0: a thread does it)');

// Stretches the loop did not come round, as measured and less this thread's run-queue wait
// (what other processes on a loaded machine cost it; see test/helpers/run-queue.ts).
const gaps: [number, number, number][] = [];
let last = performance.now();
let lastWait = runQueueWaitMs();
const ticker = setInterval(() => {
  const now = performance.now();
  const wait = runQueueWaitMs();
  if (now - last > 6) gaps.push([last, now - last, now - last - (wait - lastWait)]);
  last = now;
  lastWait = wait;
}, 1);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
marks.length = 0;
const t0 = performance.now();
mark('client sends');
// SAVES=n: n saves one after another in the profile, to catch what a single one may miss.
let res = await save();
for (let i = 1; i < Number(process.env.SAVES ?? 1); i++) res = await save();
mark('client has answer');
const { profile } = await session.post('Profiler.stop');
clearInterval(ticker);
console.log('save', res);
for (const [name, at] of marks) console.log(`${(at - t0).toFixed(1).padStart(8)} ms  ${name}`);
console.log('event loop blocked (>6 ms):');
for (const [at, ms, own] of gaps) console.log(`  at ${(at - t0).toFixed(1).padStart(8)} ms for ${ms.toFixed(1)} ms (${own.toFixed(1)} ms less run-queue wait)`);
const longest = (i: 1 | 2) => Math.max(0, ...gaps.filter(([at]) => at >= t0).map((g) => g[i]));
console.log(`longest block during the save: ${longest(1).toFixed(1)} ms measured, ${longest(2).toFixed(1)} ms less run-queue wait`);
writeFileSync('/tmp/ss/save.cpuprofile', JSON.stringify(profile));

// The profile cut into busy stretches (no idle sample for over 2 ms) and, for each stretch
// longer than 3 ms, the source frames it spent its time in (innermost frame under src/, else
// the innermost named frame), so each block of the event loop is explained by code.
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const nodes = new Map<number, Node>((profile.nodes as Node[]).map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/(src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const samples = profile.samples!;
const deltas = profile.timeDeltas!;
const idle = (n: Node) => ['(idle)', '(program)'].includes(n.callFrame.functionName);
function whereOf(leaf: Node): string {
  const chain: Node[] = [];
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) chain.push(nodes.get(id)!);
  const own = chain.find((n) => /\/src\//.test(n.callFrame.url) && !/bench\//.test(n.callFrame.url));
  const top = own ? `${label(own)}` : '';
  return `${top}${top ? ' > ' : ''}${label(leaf)}`;
}
const stretches: { from: number; ms: number; where: Map<string, number> }[] = [];
let cur: (typeof stretches)[number] | undefined;
let lastBusy = -Infinity;
let clock = 0;
for (let i = 0; i < samples.length; i++) {
  clock += deltas[i]! / 1000;
  const ms = (deltas[i + 1] ?? 0) / 1000;
  const n = nodes.get(samples[i]!)!;
  if (idle(n)) continue;
  if (!cur || clock - lastBusy > 2) stretches.push((cur = { from: clock, ms: 0, where: new Map() }));
  cur.ms = clock + ms - cur.from;
  const k = whereOf(n);
  cur.where.set(k, (cur.where.get(k) ?? 0) + ms);
  lastBusy = clock + ms;
}
for (const s of stretches.filter((s) => s.ms > 3)) {
  console.log(`busy from ${s.from.toFixed(1)} ms for ${s.ms.toFixed(1)} ms:`);
  for (const [k, ms] of [...s.where].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 8))) console.log(`  ${ms.toFixed(1).padStart(6)} ms  ${k}`);
}
await app.close();

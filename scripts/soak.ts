// `npm run soak -- [--seconds 30] [--warmup 20] [--connections 16] [--articles 300] [--engine sqlite|postgres]`
// (--engine postgres: on a private cluster of its own, see lib/pg-cluster.ts, never a shared server)
// Starts the real server (a child process on 127.0.0.1) on a seeded newsroom, finds its
// throughput on the mixed workload (scripts/lib/workload.ts) with a 5 s unthrottled burst,
// then runs the mix at 70% of it: a warm-up, then `--seconds` measured in 5 s windows,
// sampling the server's memory every second from /proc/<pid>/status. The warm-up lasts at
// least `--warmup` s and until a full garbage collection has shown in RSS (a drop of 10%
// from its peak; at most 120 s): V8 lets the heap grow for a minute or more between full
// collections, a ±25% sawtooth at these rates, and "after warm-up" means after one cycle.
// Writes bench/results/soak-<time>.json and exits 1 unless every criterion passes:
//   - the server stays up; no connection errors or timeouts; no status outside 2xx
//     (304 and 412 would be expected answers, the mix produces neither);
//   - the achieved rate is at least 90% of the target;
//   - p99 is stable: the median p99 of the last three windows is at most 2× that of the
//     first three (of the last and first half when the run has fewer than six windows; p99s
//     floored at 10 ms, below which scheduler noise dominates);
//   - RSS grows less than 10%: the high-water mark of VmRSS in the last fifth of the run
//     against the high-water mark of the warm-up (a leak raises the peaks; the sawtooth
//     does not).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { exitOnSignals, wholeNumber } from './lib/cli.js';
import { adminTokenIn, freshDatabase } from './lib/db.js';
import { client } from './lib/http.js';
import { createCluster } from './lib/pg-cluster.js';
import { memory, root, startReady, stop, type Memory } from './lib/server.js';
import type { DatabaseTarget } from './lib/target.js';
import { mixedRequests, seedNewsroom } from './lib/workload.js';

export type SoakOptions = {
  seconds?: number;
  warmup?: number;
  connections?: number;
  articles?: number;
  burst?: number;
  /** A migrated, empty database to run on (the tests' PostgreSQL one); by default a new SQLite file. */
  target?: DatabaseTarget;
  log?: (line: string) => void;
};
export type Window = { fromS: number; requests: number; rps: number; p50: number; p99: number };
type Sample = Memory & { atS: number; phase: 'warmup' | 'measured' };
export type SoakResult = {
  options: Required<Omit<SoakOptions, 'log' | 'target'>>;
  maxRps: number;
  targetRps: number;
  /** How long the warm-up ran, and whether a full collection was seen in it. */
  warmup: { seconds: number; fullGcSeen: boolean };
  achievedRps: number;
  requests: number;
  statusCodes: Record<string, number>;
  windows: Window[];
  memory: {
    warmupPeakMb: number;
    endPeakMb: number;
    growthPct: number;
    anonMb: [number, number];
    fileMb: [number, number];
    anonSecondHalfGrowthPct: number;
    samples: Sample[];
  };
  serverDied: { code: number | null; signal: string | null; output: string } | null;
  criteria: { name: string; pass: boolean; detail: string }[];
  pass: boolean;
  file: string;
};

const WINDOW_MS = 5000;
const MAX_WARMUP_MS = 120_000;
/** A full collection shows as VmRSS falling 10% below its warm-up peak. */
const collected = (samples: Sample[]) => {
  let peak = 0;
  for (const s of samples) {
    if (s.phase !== 'warmup') continue;
    peak = Math.max(peak, s.rssKb);
    if (s.rssKb <= 0.9 * peak) return true;
  }
  return false;
};
const P99_FLOOR_MS = 10;
const round1 = (x: number) => Math.round(x * 10) / 10;
const percentile = (sorted: number[], p: number) => round1(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const mb = (kb: number) => round1(kb / 1024);

function judge(windows: Window[], samples: Sample[], statusCodes: Record<string, number>, result: autocannon.Result, targetRps: number, seconds: number, serverDied: SoakResult['serverDied']) {
  const unexpected = Object.fromEntries(Object.entries(statusCodes).filter(([s]) => !(Number(s) < 300 || s === '304' || s === '412')));
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const achievedRps = Math.round(requests / seconds);
  const p99 = (ws: Window[]) => median(ws.map((w) => Math.max(w.p99, P99_FLOOR_MS)));
  // Halves never overlap, or a short run would compare its windows with themselves.
  const k = Math.min(3, Math.floor(windows.length / 2));
  const [p99First, p99Last] = [p99(windows.slice(0, k)), p99(windows.slice(-k))];
  const measured = samples.filter((s) => s.phase === 'measured');
  const tail = measured.slice(-Math.max(3, Math.ceil(measured.length / 5)));
  const peak = (xs: Sample[]) => Math.max(0, ...xs.map((s) => s.rssKb));
  const [warmupPeak, endPeak] = [peak(samples.filter((s) => s.phase === 'warmup')), peak(tail)];
  const growthPct = warmupPeak > 0 ? round1(((endPeak - warmupPeak) / warmupPeak) * 100) : NaN;
  const at = (s: Sample | undefined, k: 'anonKb' | 'fileKb') => mb(s?.[k] ?? 0);
  // Not a criterion, a diagnosis: private (anon) memory across the second half of the run,
  // when the SQLite page cache has had time to fill. A leak keeps this growing.
  const half = measured.slice(Math.floor(measured.length / 2));
  const fifth = Math.max(1, Math.floor(half.length / 5));
  const [anonA, anonB] = [median(half.slice(0, fifth).map((s) => s.anonKb)), median(half.slice(-fifth).map((s) => s.anonKb))];
  const memorySummary = {
    warmupPeakMb: mb(warmupPeak),
    endPeakMb: mb(endPeak),
    growthPct,
    anonMb: [at(measured[0], 'anonKb'), at(measured.at(-1), 'anonKb')] as [number, number],
    fileMb: [at(measured[0], 'fileKb'), at(measured.at(-1), 'fileKb')] as [number, number],
    anonSecondHalfGrowthPct: anonA > 0 ? round1(((anonB - anonA) / anonA) * 100) : NaN,
    samples,
  };
  const criteria = [
    { name: 'server stayed up', pass: serverDied === null, detail: serverDied ? `exited ${serverDied.code ?? serverDied.signal}` : 'yes' },
    { name: 'no errors', pass: result.errors + result.timeouts === 0, detail: `${result.errors} errors, ${result.timeouts} timeouts` },
    { name: 'only 2xx', pass: Object.keys(unexpected).length === 0, detail: `unexpected: ${JSON.stringify(unexpected)}` },
    { name: 'rate held', pass: achievedRps >= 0.9 * targetRps, detail: `${achievedRps} of ${targetRps} req/s` },
    { name: 'p99 stable', pass: windows.length >= 2 && p99Last <= 2 * p99First, detail: `median p99 of the first ${k} windows ${p99First} ms, of the last ${k} ${p99Last} ms (limit 2×)` },
    { name: 'RSS growth < 10%', pass: growthPct < 10, detail: `VmRSS peak ${mb(warmupPeak)} MB in warm-up, ${mb(endPeak)} MB in the last fifth (${growthPct}%); anon ${memorySummary.anonMb.join(' → ')} MB, file-backed ${memorySummary.fileMb.join(' → ')} MB` },
  ];
  return { criteria, achievedRps, requests, memorySummary };
}

export async function runSoak(opts: SoakOptions = {}): Promise<SoakResult> {
  const o = { seconds: opts.seconds ?? 30, warmup: opts.warmup ?? 20, connections: opts.connections ?? 16, articles: opts.articles ?? 300, burst: opts.burst ?? 5 };
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(os.tmpdir(), 'dateline-soak-'));
  const { token, database } = opts.target
    ? { token: await adminTokenIn(opts.target), database: opts.target }
    : await freshDatabase(dir).then(({ file, token }) => ({ token, database: file }));
  const { server } = await startReady(database);
  let serverDied: SoakResult['serverDied'] = null;
  let stopping = false;
  let running: autocannon.Instance | undefined;
  void server.exited.then(({ code, signal }) => {
    if (stopping) return;
    serverDied = { code, signal, output: server.output() };
    running?.stop(); // no point hammering a closed port for the rest of the run
  });
  const samples: Sample[] = [];
  let phase: Sample['phase'] | null = null;
  const t0 = performance.now();
  const sampler = setInterval(() => {
    const m = phase && memory(server.pid);
    if (m && phase) samples.push({ ...m, atS: Math.round((performance.now() - t0) / 1000), phase });
  }, 1000);
  try {
    const call = client(server.url, token);
    log(`server pid ${server.pid} on ${server.url}; seeding ${o.articles} published articles`);
    const requests = mixedRequests(await seedNewsroom(call, o.articles), token);
    const load = (extra: Partial<autocannon.Options>, onResponse?: (status: number, ms: number) => void) =>
      new Promise<autocannon.Result>((ok, fail) => {
        const instance = autocannon({ url: server.url, connections: o.connections, requests, ...extra }, (err: unknown, result) =>
          err ? fail(err as Error) : ok(result),
        );
        running = instance;
        if (onResponse) instance.on('response', (_c, status, _b, ms) => onResponse(status, ms));
      });

    const burst = await load({ duration: o.burst });
    const maxRps = Math.round((burst['2xx'] ?? 0) / o.burst);
    const targetRps = Math.max(1, Math.round(maxRps * 0.7));
    log(`burst: ${maxRps} req/s (2xx) at ${o.connections} connections, p99 ${burst.latency.p99} ms; soaking at ${targetRps} req/s`);
    phase = 'warmup';
    const warmStart = performance.now();
    if (o.warmup > 0) await load({ duration: o.warmup, overallRate: targetRps });
    while (!collected(samples) && performance.now() - warmStart < MAX_WARMUP_MS && !serverDied) {
      await load({ duration: 5, overallRate: targetRps });
    }
    const warmS = Math.round((performance.now() - warmStart) / 1000);
    log(`warm-up done (${warmS} s, ${collected(samples) ? 'a full GC seen' : 'no full GC seen'}); measuring ${o.seconds} s`);

    phase = 'measured';
    const bins: number[][] = [];
    const statusCodes: Record<string, number> = {};
    const start = performance.now();
    const result = await load({ duration: o.seconds, overallRate: targetRps }, (status, ms) => {
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      (bins[Math.floor((performance.now() - start) / WINDOW_MS)] ??= []).push(ms);
    });
    phase = null;

    // Whole windows only: a last partial window has too few samples to judge a p99.
    const windows: Window[] = bins.slice(0, Math.floor((o.seconds * 1000) / WINDOW_MS)).map((b, i) => {
      const sorted = [...(b ?? [])].sort((x, y) => x - y);
      return { fromS: (i * WINDOW_MS) / 1000, requests: sorted.length, rps: Math.round(sorted.length / (WINDOW_MS / 1000)), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    });
    const measured = samples.filter((s) => s.phase === 'measured');
    for (const w of windows) {
      const rss = measured[Math.min(measured.length - 1, w.fromS + 4)];
      log(`  ${String(w.fromS).padStart(4)} s  ${String(w.rps).padStart(5)} req/s  p50 ${w.p50} ms  p99 ${w.p99} ms  RSS ${rss ? mb(rss.rssKb) : '?'} MB`);
    }
    const { criteria, achievedRps, requests: total, memorySummary } = judge(windows, samples, statusCodes, result, targetRps, o.seconds, serverDied);
    const out: SoakResult = {
      options: o,
      maxRps,
      targetRps,
      warmup: { seconds: warmS, fullGcSeen: collected(samples) },
      achievedRps,
      requests: total,
      statusCodes,
      windows,
      memory: memorySummary,
      serverDied,
      criteria,
      pass: criteria.every((c) => c.pass),
      file: join(root, 'bench/results', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(out.file, `${JSON.stringify(out, null, 2)}\n`);
    return out;
  } finally {
    clearInterval(sampler);
    stopping = true;
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const int = { type: 'string' } as const;
  const { values } = parseArgs({ options: { seconds: int, warmup: int, connections: int, articles: int, engine: int } });
  if (values.engine !== undefined && values.engine !== 'sqlite' && values.engine !== 'postgres') throw new Error('--engine must be sqlite or postgres');
  exitOnSignals();
  const cluster = values.engine === 'postgres' ? await createCluster() : undefined;
  try {
    const r = await runSoak({
      seconds: wholeNumber('seconds', values.seconds, 30, 0),
      warmup: wholeNumber('warmup', values.warmup, 20, 0),
      connections: wholeNumber('connections', values.connections, 16, 0),
      articles: wholeNumber('articles', values.articles, 300, 0),
      target: cluster && { engine: 'postgres', url: cluster.url, dir: cluster.dir },
      log: (line) => console.log(line),
    });
    console.log(`\nengine: ${values.engine ?? 'sqlite'}; ${r.requests} requests at ${r.achievedRps} req/s (max ${r.maxRps}, target ${r.targetRps})`);
    for (const c of r.criteria) console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
    console.log(`diagnosis: private (anon) memory over the second half of the run: ${r.memory.anonSecondHalfGrowthPct}%`);
    if (r.serverDied) console.log(`server output:\n${r.serverDied.output}`);
    console.log(`results: ${r.file}`);
    process.exitCode = r.pass ? 0 : 1;
  } finally {
    await cluster?.destroy();
  }
}

// `npx tsx bench/ab.ts --old DIR [--new DIR] --dataset DIR [--only W1,W2,W8] [--rounds 6] [--seconds 3] [--connections 50] [--warmup 2] [--import-stories 5000] [--cpu-prof DIR]`
//
// A/B of two source trees of Dateline (e.g. a worktree of an older commit against this one) on
// SQLite, fair on a shared machine: both servers start on copies of the same dataset and wait
// idle while the other is loaded; each workload alternates short rounds A B B A A B …, so
// drift in the neighbours' load falls on both alike. Prints per-round rates, the ratio of
// rates (new/old, summed over the rounds) and of server CPU time per request, which a busy
// machine disturbs less than rates (with --cpu-prof DIR, a profile of each whole server run:
// DIR/old.cpuprofile, DIR/new.cpuprofile). W8 (the bulk import, only when --only names it)
// alternates imports of --import-stories wire stories the same way and compares articles/s,
// the editor's p99 and the server's CPU per line on its event loop and its other threads.
//
//   git worktree add ../old <commit> && cp -a node_modules ../old/
//   npm run bench -- --dataset /tmp/ds --build-only        # one dataset, reused by every run
//   npx tsx bench/ab.ts --old ../old --dataset /tmp/ds --only W1,W2,W7
//
// Both trees are built (tsc -b tsconfig.build.json) and run compiled, as production does. The
// requests are this tree's bench/workloads.ts for both; the dataset must open in both trees
// (the same SQLite migrations, or an older file the newer tree migrates forward).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Dataset } from './dataset.js';
import { measure, mergeRuns, type Measured } from './load.js';
import { cpuMs, probeEnv } from './probe.js';
import { runImport, type ImportRun } from './import.js';
import { cpuBetween, threadCpuMs } from './thread-cpu.js';
import { freePort, killAll, spawnNode, stop, waitServing } from '../scripts/lib/server.js';
import { parseOnly, selectedIds, workloads } from './workloads.js';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function options() {
  const str = { type: 'string' } as const;
  const { values } = parseArgs({ options: { old: str, new: str, dataset: str, only: str, rounds: str, seconds: str, connections: str, warmup: str, 'import-stories': str, 'cpu-prof': str } });
  const num = (name: 'rounds' | 'seconds' | 'connections' | 'warmup' | 'import-stories', fallback: number) => {
    const n = Number(values[name] ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  if (!values.old || !values.dataset) throw new Error('--old DIR and --dataset DIR are required (see the comment at the top of bench/ab.ts)');
  return {
    trees: { old: resolve(values.old), new: resolve(values.new ?? here) },
    dataset: resolve(values.dataset),
    only: parseOnly(values.only),
    rounds: Math.max(1, num('rounds', 6)),
    seconds: Math.max(1, num('seconds', 3)),
    connections: Math.max(1, num('connections', 50)),
    warmup: num('warmup', 2),
    importStories: Math.max(1, num('import-stories', 5000)),
    cpuProf: values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined,
  };
}

function build(tree: string) {
  const tsc = createRequire(join(tree, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: tree, stdio: 'inherit' });
}

async function main() {
  const o = options();
  const tmp = mkdtempSync(join(os.tmpdir(), 'dateline-ab-'));
  process.on('exit', () => {
    killAll();
    rmSync(tmp, { recursive: true, force: true });
  });
  process.once('SIGINT', () => process.exit(130));
  const { ds, token } = JSON.parse(readFileSync(join(o.dataset, 'dataset.json'), 'utf8')) as { ds: Dataset; token: string };

  const sides = [] as { name: 'old' | 'new'; url: string; pid: number; server: ReturnType<typeof spawnNode> }[];
  for (const name of ['old', 'new'] as const) {
    const tree = o.trees[name];
    build(tree);
    // Each server writes to its own copy (W5 creates drafts); the copy is checkpointed, so the file alone is the dataset.
    const file = join(tmp, `${name}.db`);
    copyFileSync(join(o.dataset, 'bench.db'), file);
    // --cpu-prof is not allowed in NODE_OPTIONS: bench/count-queries.ts profiles through the inspector.
    const prof = o.cpuProf ? probeEnv(here, o.cpuProf, name).env : {};
    const env = { HOST: '127.0.0.1', DATABASE_FILE: file, DATABASE_URL: undefined, LOG_LEVEL: 'warn', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '1000000000', ...prof };
    const server = spawnNode(join(tree, 'dist/server.js'), await freePort(), env, 8192);
    await waitServing(server, '/v1/articles?limit=1', performance.now(), 120_000);
    console.log(`${name}: ${tree} (pid ${server.pid}) on ${server.url}`);
    sides.push({ name, url: server.url, pid: server.pid, server });
  }

  const ids = selectedIds(workloads(sides[0]!.url, ds, token), o.only);
  console.log(`${o.rounds} rounds of ${o.seconds} s per workload and side (A B B A …), ${o.connections} connections; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  const summary: string[] = [];
  for (const id of ids) {
    const prepared = [];
    for (const s of sides) {
      const p = await workloads(s.url, ds, token).find((w) => w.id === id)!.prepare();
      if ('unavailable' in p) throw new Error(`${s.name} cannot run ${id}: ${p.unavailable}`);
      prepared.push({ ...s, p, runs: [] as Measured[], cpuMs: 0, requests: 0 });
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const x of round % 2 ? [...prepared].reverse() : prepared) {
        const cpu0 = cpuMs(x.pid);
        const m = await measure(x.p.target, { duration: o.seconds, connections: o.connections, warmup: round === 0 ? o.warmup : 0 }, x.p.accept304);
        x.cpuMs += cpuMs(x.pid) - cpu0;
        x.requests += m.requests;
        x.runs.push(m);
      }
    }
    const [old, neu] = prepared.map((x) => ({ ...x, m: mergeRuns(x.runs), cpuUs: (x.cpuMs * 1000) / Math.max(1, x.requests) }));
    for (const x of [old!, neu!]) {
      const bad = x.m.non2xx + x.m.errors > 0 ? `, ${x.m.non2xx} non-2xx, ${x.m.errors} errors` : '';
      console.log(`  ${id} ${x.name}: ${x.m.okPerSec} ok/s (rounds ${x.runs.map((r) => r.okPerSec).join(', ')}), ${x.cpuUs.toFixed(0)} µs CPU/request${bad}`);
    }
    const line = `${id}: rate new/old ${pct(neu!.m.okPerSec / old!.m.okPerSec)}, CPU/request new/old ${pct(neu!.cpuUs / old!.cpuUs)}`;
    console.log(line);
    summary.push(line);
  }
  if (o.only?.includes('W8')) summary.push(await importAb(sides, ds, token, o.rounds, o.importStories));
  console.log(`\nload average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}\n${summary.join('\n')}`);
  for (const s of sides) await stop(s.server);
}

/** W8 on both sides, A B B A …: each round imports `stories` new wire stories (both databases grow alike). */
async function importAb(sides: { name: 'old' | 'new'; url: string; pid: number }[], ds: Dataset, token: string, rounds: number, stories: number) {
  const runs = new Map(sides.map((s) => [s.name, [] as ImportRun[]]));
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 ? [...sides].reverse() : sides) {
      const before = threadCpuMs(s.pid);
      const r = await runImport(s.url, token, ds.bureauSlugs[0]!, stories);
      r.cpu = cpuBetween(s.pid, before, threadCpuMs(s.pid));
      if (r.failed > 0) throw new Error(`${s.name}: ${r.failed} of ${stories} lines failed`);
      runs.get(s.name)!.push(r);
    }
  }
  const sum = (rs: ImportRun[], f: (r: ImportRun) => number) => rs.reduce((n, r) => n + f(r), 0);
  const of = (name: 'old' | 'new') => {
    const rs = runs.get(name)!;
    const lines = sum(rs, (r) => r.stories);
    return {
      perSec: sum(rs, (r) => r.created) / sum(rs, (r) => r.seconds),
      loopMs: sum(rs, (r) => r.cpu!.mainMs) / lines,
      othersMs: sum(rs, (r) => r.cpu!.othersMs) / lines,
      p99: Math.max(...rs.map((r) => r.editor.p99)),
      rs,
    };
  };
  const [old, neu] = [of('old'), of('new')];
  for (const [name, x] of [['old', old], ['new', neu]] as const) {
    const rounds = x.rs.map((r) => `${r.perSec}/s p99 ${r.editor.p99.toFixed(0)} ms loop ${(r.cpu!.mainMs / r.stories).toFixed(2)} others ${(r.cpu!.othersMs / r.stories).toFixed(2)}`);
    console.log(`  W8 ${name}: ${x.perSec.toFixed(0)} articles/s, editor p99 at most ${x.p99.toFixed(1)} ms, CPU per line loop ${x.loopMs.toFixed(3)} ms + others ${x.othersMs.toFixed(3)} ms (rounds: ${rounds.join('; ')})`);
  }
  const line = `W8: rate new/old ${pct(neu.perSec / old.perSec)}, CPU per line new/old: loop ${pct(neu.loopMs / old.loopMs)}, others ${pct(neu.othersMs / old.othersMs)}, total ${pct((neu.loopMs + neu.othersMs) / (old.loopMs + old.othersMs))}`;
  console.log(line);
  return line;
}

const pct = (r: number) => `${(r * 100).toFixed(0)}%`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// `npm run bench -- [--engine sqlite|postgres|both] [--articles N] [--import-stories N] [--duration S] [--connections C] [--warmup S] [--only W1,W7] [--dataset DIR] [--build-only] [--rounds N] [--probe DIR] [--pg-database NAME]`
// Builds a seeded dataset in a temp dir, starts the real server and a bare node:http ceiling
// as child processes, loads them over 127.0.0.1 with autocannon, prints a table and the
// targets, and writes everything to bench/results/<timestamp>.json.
import { constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { openSqlite } from '../src/db/sqlite.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildDataset, type Dataset } from './dataset.js';
import { measureSearchCost } from './search-cost.js';
import { measure, mergeRuns, type LoadOptions, type Measured } from './load.js';
import { freePort, killAll, rssMb, startNode, stop, waitReady } from './procs.js';
import { checkTargets, machineInfo, printChecks, printEngines, printTable, type Row } from './report.js';
import { copyToPostgres, createPgDatabase, dropPgDatabase, reusedPgDatabase } from './pg-copy.js';
import { HOME, parseOnly, selectedIds, workloads } from './workloads.js';
import { counts, describeProbe, probeEnv, probeOf } from './probe.js';
import { describeStateCost, measureContentStateCost } from './pg-content-state.js';
import { importChecks, importRow, runImport, type ImportRun } from './import.js';
import { cpuBetween, threadCpuMs } from './thread-cpu.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function options() {
  const int = { type: 'string' } as const;
  const { values } = parseArgs({ options: { engine: int, articles: int, duration: int, connections: int, warmup: int, only: int, dataset: int, 'import-stories': int, probe: int, rounds: int, 'pg-database': int, 'build-only': { type: 'boolean' } } });
  const num = (name: keyof typeof values, fallback: number, min: number) => {
    const n = Number(values[name] ?? fallback);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  const engine = values.engine ?? 'sqlite';
  if (!['sqlite', 'postgres', 'both'].includes(engine)) throw new Error('--engine must be sqlite, postgres or both');
  return {
    // PostgreSQL runs on a copy of the SQLite dataset in a database of its own on the server
    // of DATABASE_URL (default: the local test server), dropped at the end.
    engines: (engine === 'both' ? ['sqlite', 'postgres'] : [engine]) as ('sqlite' | 'postgres')[],
    articles: num('articles', 10_000, 100),
    // W8: wire stories sent through the bulk import.
    importStories: num('import-stories', 100_000, 1),
    duration: num('duration', 10, 1),
    // With both engines: each workload's duration is cut into this many rounds, alternating engines.
    rounds: num('rounds', 5, 1),
    connections: num('connections', 50, 1),
    warmup: num('warmup', 2, 0),
    // A subset of workloads, for quick comparisons while working on one of them.
    only: parseOnly(values.only),
    // A folder that keeps the dataset between runs (a million articles take ~25 min to
    // build). Reused when it holds one of the same size; W5's drafts stay in it.
    dataset: values.dataset ? resolve(values.dataset) : undefined,
    buildOnly: values['build-only'] ?? false,
    // Cache hit rate, statements per request and a CPU profile of each server, in this folder
    // (bench/probe.ts). The probes cost the server a little: compare rates without them.
    probe: values.probe ? resolve(values.probe) : undefined,
    // A PostgreSQL database kept between runs (with --dataset): filled once, never dropped.
    pgDatabase: values['pg-database'],
  };
}

// Clean-up that must be awaited (dropping the PostgreSQL copy) runs before the exit: an
// 'exit' listener cannot wait for a query, so a drop started there never reached the server
// and every run left its database behind.
const beforeExit: (() => Promise<void>)[] = [];

async function main() {
  const opts = options();
  const load: LoadOptions = opts;
  const tmp = mkdtempSync(join(os.tmpdir(), 'dateline-bench-'));
  // However the run ends: no child left behind, no temp dir left over.
  process.on('exit', () => {
    killAll();
    rmSync(tmp, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers and removing ${tmp}`);
      process.exit(130);
    });
  }

  const dir = opts.dataset ?? tmp;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'bench.db');
  const saved = join(dir, 'dataset.json');
  const t0 = performance.now();
  let built: { ds: Dataset; token: string; buildMs: number };
  const reuse = opts.dataset && existsSync(saved) ? (JSON.parse(readFileSync(saved, 'utf8')) as typeof built) : undefined;
  if (reuse && reuse.ds.articles === opts.articles) {
    built = reuse;
    console.log(`Reusing the dataset of ${opts.articles.toLocaleString('en')} articles in ${file}`);
  } else {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    console.log(`Building ${opts.articles.toLocaleString('en')} articles in ${file} …`);
    const db = openDatabase(file);
    migrateDatabase(db);
    const ds = buildDataset(db, opts.articles);
    db.$client.close();
    const engine = openSqlite(file);
    const { token } = await createToken(engine, { name: 'benchmark', role: 'admin' });
    await engine.close();
    const again = openDatabase(file);
    again.$client.pragma('wal_checkpoint(TRUNCATE)');
    again.$client.close();
    built = { ds, token, buildMs: performance.now() - t0 };
    if (opts.dataset) writeFileSync(saved, JSON.stringify(built));
    console.log(`Dataset built in ${secs(built.buildMs)} (rendering ${secs(ds.renderMs)}, writing ${secs(ds.insertMs)})`);
  }
  const { ds, token, buildMs } = built;
  if (opts.buildOnly) return;
  const db = openSqlite(file);
  const sqliteVersion = db.sqlite.reader.prepare('SELECT sqlite_version()').pluck().get() as string;
  const searchCost = await measureSearchCost(db, ds.searchWord);
  await db.close();
  const dbMb = Math.round(statSync(file).size / 2 ** 20);
  console.log(`Database: ${dbMb} MB`);
  // W5 and W8 write (drafts, an import of 100,000 articles): a kept dataset would grow with
  // every run and the next run would measure other data. They write to a copy (a reflink
  // where the filesystem has them, else a plain copy).
  const writes = !opts.only || opts.only.includes('W5') || opts.only.includes('W8');
  let serverFile = file;
  if (opts.dataset && writes) {
    serverFile = join(tmp, 'bench.db');
    copyFileSync(file, serverFile, constants.COPYFILE_FICLONE);
  }

  // PostgreSQL gets a copy of the same rows (made before any workload writes to the file).
  const pgServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let pgUrl: string | undefined;
  if (opts.engines.includes('postgres')) {
    if (opts.pgDatabase && opts.dataset) pgUrl = await reusedPgDatabase(pgServer, opts.pgDatabase, opts.articles);
    if (pgUrl) console.log(`Reusing the PostgreSQL database ${opts.pgDatabase}`);
    else {
      const pgName = opts.pgDatabase ?? `dateline_bench_${process.pid}`;
      pgUrl = await createPgDatabase(pgServer, pgName);
      if (!opts.pgDatabase) beforeExit.push(() => dropPgDatabase(pgServer, pgName));
      const copied = await copyToPostgres(file, pgUrl);
      console.log(`Copied ${copied.rows.toLocaleString('en')} rows to PostgreSQL in ${secs(copied.ms)}`);
    }
  }

  // Issue 9 asks what the cross-instance check costs per request: measured on its own here.
  const stateCost = pgUrl ? await measureContentStateCost(pgUrl, 2) : undefined;

  // The ceiling serves the exact bytes of the real home page (the same on both engines).
  const bodyFile = join(tmp, 'home.json');
  let startupMs = 0;
  const rows: Row[] = [];
  const byEngine: Partial<Record<'sqlite' | 'postgres', Row[]>> = {};
  const measureCeiling = async (id: string, when: string): Promise<Row> => {
    process.stdout.write(`  ${id} ceiling, ${when} … `);
    const m = await measure({ url: ceiling.url + HOME }, load);
    console.log(`${m.okPerSec} ok/s`);
    return { id, name: `ceiling ${when}: bare node:http, W1 bytes`, m, rssMb: rssMb(ceiling) };
  };
  let imported: ImportRun | undefined;
  // Every engine's server starts first and waits idle while the other is loaded: each workload
  // then alternates between them round by round (A B, B A, …), so a shared machine's drift
  // falls on both engines alike instead of on whichever ran last.
  const servers: { engine: 'sqlite' | 'postgres'; server: ReturnType<typeof startNode>; probing?: ReturnType<typeof probeEnv> }[] = [];
  for (const engine of opts.engines) {
    const t1 = performance.now();
    // One client from one address: the per-client rate limit stays on (its cost counts) but out of reach.
    // DATABASE_URL in this process names the PostgreSQL server for the copy: the SQLite
    // server must not inherit it (an undefined value leaves it out of the child's environment).
    const database = engine === 'postgres' ? { DATABASE_URL: pgUrl! } : { DATABASE_FILE: serverFile, DATABASE_URL: undefined };
    const probing = opts.probe ? probeEnv(root, opts.probe, engine) : undefined;
    const env = { HOST: '127.0.0.1', ...database, LOG_LEVEL: 'warn', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '1000000000', ...probing?.env };
    const server = startNode(root, join(root, 'src/server.ts'), await freePort(), env);
    const started = await waitReady(server, '/v1/articles?limit=1', t1);
    startupMs = Math.max(startupMs, started);
    console.log(`${engine}: server (pid ${server.proc.pid}) answered after ${started.toFixed(0)} ms`);
    servers.push({ engine, server, probing });
    byEngine[engine] = [];
  }
  const first = servers[0]!.server;
  writeFileSync(bodyFile, Buffer.from(await (await fetch(first.url + HOME)).arrayBuffer()));
  const ceiling = startNode(root, join(root, 'bench/ceiling.ts'), await freePort(), { BODY_FILE: bodyFile });
  await waitReady(ceiling, HOME, performance.now());
  const rounds = servers.length > 1 ? opts.rounds : 1;
  const perRound = Math.max(1, Math.ceil(opts.duration / rounds));
  console.log(`Measuring: ${opts.warmup} s warm-up + ${rounds} x ${perRound} s per workload and engine, ${opts.connections} connections`);
  // The ceiling runs before and after the workloads; ratios use the mean of the two, so a
  // shared machine getting slower or faster during the run moves both sides alike.
  rows.push(await measureCeiling('C1', 'before'));

  const ids = selectedIds(workloads(first.url, ds, token), opts.only);
  for (const id of ids) {
    const prepared = [];
    for (const s of servers) {
      const w = workloads(s.server.url, ds, token).find((w) => w.id === id)!;
      const p = await w.prepare();
      if ('unavailable' in p) byEngine[s.engine]!.push({ id, name: w.name, unavailable: p.unavailable, rssMb: rssMb(s.server) });
      else prepared.push({ ...s, w, p, runs: [] as Measured[], before: s.probing && (await counts(s.server.url, s.server.pid, s.probing.queriesFile, s.engine === 'postgres' ? pgUrl : undefined)) });
    }
    for (let round = 0; round < rounds; round++) {
      for (const x of round % 2 ? [...prepared].reverse() : prepared) {
        // Warmed up once: in later rounds the server is warm, only idle for the other's round.
        x.runs.push(await measure(x.p.target, { ...load, duration: perRound, warmup: round === 0 ? load.warmup : 0 }, x.p.accept304));
      }
    }
    for (const x of prepared) {
      const m = mergeRuns(x.runs);
      const probe = x.before ? probeOf(x.before, await counts(x.server.url, x.server.pid, x.probing!.queriesFile, x.engine === 'postgres' ? pgUrl : undefined)) : undefined;
      const codes = Object.entries(m.statusCodes).map(([code, n]) => `${n} x ${code}`).join(', ');
      const note = [x.p.note, x.p.accept304 ? codes : undefined].filter(Boolean).join('; ') || undefined;
      byEngine[x.engine]!.push({ id, name: x.w.name, note, m, rssMb: rssMb(x.server), probe });
      const probed = probe ? `; ${describeProbe(probe)}` : '';
      const each = x.runs.length > 1 ? ` (rounds: ${x.runs.map((r) => r.okPerSec).join(', ')})` : '';
      console.log(`  ${x.engine} ${id} ${x.w.name} … ${m.okPerSec} ok/s${each}${m.non2xx + m.errors > 0 ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''}${probed}`);
    }
  }
  // W8 on the first engine only: it adds 100,000 articles, which the second would then not have.
  if (!opts.only || opts.only.includes('W8')) {
    process.stdout.write(`  W8 bulk import of ${opts.importStories.toLocaleString('en')} wire stories … `);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(first) ?? 0)), 500);
    const pid = first.proc.pid!;
    const cpuBefore = threadCpuMs(pid);
    imported = await runImport(first.url, token, ds.bureauSlugs[0]!, opts.importStories).finally(() => clearInterval(sampler));
    imported.cpu = cpuBetween(pid, cpuBefore, threadCpuMs(pid));
    byEngine[servers[0]!.engine]!.push(importRow(imported, peak || rssMb(first)));
    console.log(`${imported.perSec} articles/s, editor p99 ${imported.editor.p99.toFixed(1)} ms`);
  }
  for (const { engine, server } of servers) {
    await stop(server);
    const mine = byEngine[engine]!;
    rows.push(...mine.map((r) => (opts.engines.length > 1 ? { ...r, id: `${r.id}${engine === 'postgres' ? ' pg' : ''}` } : r)));
  }
  rows.push(await measureCeiling('C2', 'after'));
  await stop(ceiling);
  const [before, after] = [rows[0]!.m!.okPerSec, rows.at(-1)!.m!.okPerSec];
  const ceilingOkPerSec = (before + after) / 2;
  for (const r of [...rows, ...Object.values(byEngine).flat()]) if (r.m) r.ratio = r.m.okPerSec / ceilingOkPerSec;
  const drift = Math.abs(before - after) / ceilingOkPerSec;
  if (drift > 0.2) rows.at(-1)!.note = `the ceiling moved ${(drift * 100).toFixed(0)}% during the run: the machine is busy, ratios are rough`;

  console.log(`\nDataset: ${ds.articles} articles (${ds.published} published), build ${secs(buildMs)}; server start-up ${startupMs.toFixed(0)} ms\n`);
  printTable(rows);
  const engineChecks = byEngine.sqlite && byEngine.postgres ? printEngines(byEngine.sqlite, byEngine.postgres) : [];
  console.log(`\nUncached search, in-process (no HTTP, no response cache): ${searchCost.query} p50 ${searchCost.p50} ms, p99 ${searchCost.p99} ms over ${searchCost.runs} runs\n`);
  if (stateCost) console.log(`${describeStateCost(stateCost)}\n`);
  const checks = [...checkTargets(byEngine.sqlite ?? byEngine.postgres ?? rows, startupMs), ...(imported ? importChecks(imported) : []), ...engineChecks];
  printChecks(checks);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = join(root, 'bench/results', `${stamp}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const { sampleSlugs: _s, authorSlugs: _a, ...dataset } = ds;
  const result = {
    at: new Date().toISOString(),
    options: opts,
    machine: machineInfo(sqliteVersion),
    dataset: { ...dataset, buildMs: Math.round(buildMs), dbMb },
    startupMs: Math.round(startupMs),
    searchCost,
    contentStateCost: stateCost,
    ceilingOkPerSec,
    workloads: rows,
    targets: checks,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${out}`);
}

async function exit(code: number) {
  killAll(); // the servers hold connections to the database about to be dropped
  for (const cleanUp of beforeExit) await cleanUp().catch((err: unknown) => console.error(`Clean-up failed: ${String(err)}`));
  process.exit(code);
}

main().then(
  () => exit(0),
  (err: unknown) => {
    console.error(`Benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return exit(1);
  },
);

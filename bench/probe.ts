// `--probe`: what each workload cost the server beyond its rate. Response-cache hits and
// requests come from the server's /metrics; statements sent to PostgreSQL from the counter
// bench/count-queries.ts preloads; CPU time per request of the server process and of the
// PostgreSQL backends serving it (from /proc: on a shared machine, CPU time is what a
// request cost, where rates say as much about the neighbours); a CPU profile per engine.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { compiledScript } from './procs.js';
import { statCpuMs } from './thread-cpu.js';

export type Probe = { requests: number; hitRate: number; queriesPerRequest?: number; serverCpuUs: number; databaseCpuUs?: number };
type Counts = { requests: number; hits: number; queries: number | undefined; serverCpuMs: number; databaseCpuMs: number | undefined };

/** User + system CPU of a process in ms (Linux, 100 ticks a second); 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    return statCpuMs(`/proc/${pid}/stat`);
  } catch {
    return 0;
  }
}

/** CPU of the backends connected to the database at `url` (other than this query's). */
export async function databaseCpuMs(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.reduce((n, r) => n + cpuMs(r.pid), 0);
  } finally {
    await client.end();
  }
}

/** Environment for the server under test: the query counter and a CPU profile in `dir` (bench/count-queries.ts). */
export function probeEnv(root: string, dir: string, engine: string) {
  mkdirSync(dir, { recursive: true });
  const preload = compiledScript(root, join(root, 'bench/count-queries.ts'));
  return {
    queriesFile: join(dir, `${engine}.queries`),
    env: { NODE_OPTIONS: `--import=${preload}`, PROBE_DIR: dir, PROBE_ENGINE: engine },
  };
}

const sum = (text: string, metric: string, skip?: RegExp) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(metric) && !(skip && skip.test(l)))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

export async function counts(url: string, pid: number, queriesFile: string | undefined, databaseUrl?: string): Promise<Counts> {
  // The counter file is rewritten every 500 ms.
  await new Promise((r) => setTimeout(r, 600));
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    requests: sum(text, 'dateline_http_requests_total{', /route="\/metrics"/),
    hits: sum(text, 'dateline_response_cache_hits_total'),
    queries: queriesFile && existsSync(queriesFile) ? Number(readFileSync(queriesFile, 'utf8')) : undefined,
    serverCpuMs: cpuMs(pid),
    databaseCpuMs: databaseUrl ? await databaseCpuMs(databaseUrl) : undefined,
  };
}

export function probeOf(before: Counts, after: Counts): Probe {
  const requests = after.requests - before.requests;
  const per = (ms: number) => (requests ? Math.round((ms * 1000) / requests) : 0);
  const probe: Probe = { requests, hitRate: requests ? (after.hits - before.hits) / requests : 0, serverCpuUs: per(after.serverCpuMs - before.serverCpuMs) };
  // Backends that ended in between (the pool closes idle ones) take their CPU with them: a floor.
  if (after.databaseCpuMs !== undefined && before.databaseCpuMs !== undefined) probe.databaseCpuUs = per(Math.max(0, after.databaseCpuMs - before.databaseCpuMs));
  if (after.queries !== undefined && before.queries !== undefined) probe.queriesPerRequest = requests ? (after.queries - before.queries) / requests : 0;
  return probe;
}

export const describeProbe = (p: Probe) =>
  [
    `cache hits ${(p.hitRate * 100).toFixed(1)}%`,
    p.queriesPerRequest === undefined ? undefined : `${p.queriesPerRequest.toFixed(3)} statements/request`,
    `server CPU ${p.serverCpuUs} µs/request`,
    p.databaseCpuUs === undefined ? undefined : `PostgreSQL CPU ${p.databaseCpuUs} µs/request`,
  ]
    .filter(Boolean)
    .join(', ');

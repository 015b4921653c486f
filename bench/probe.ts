// `--probe`: what each workload cost the server beyond its rate. Response-cache hits and
// requests come from the server's /metrics; statements sent to PostgreSQL from the counter
// bench/count-queries.ts preloads; a CPU profile per engine from `node --cpu-prof`.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledScript } from './procs.js';

export type Probe = { requests: number; hitRate: number; queriesPerRequest?: number };
type Counts = { requests: number; hits: number; queries: number | undefined };

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

export async function counts(url: string, queriesFile: string | undefined): Promise<Counts> {
  // The counter file is rewritten every 500 ms.
  await new Promise((r) => setTimeout(r, 600));
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    requests: sum(text, 'dateline_http_requests_total{', /route="\/metrics"/),
    hits: sum(text, 'dateline_response_cache_hits_total'),
    queries: queriesFile && existsSync(queriesFile) ? Number(readFileSync(queriesFile, 'utf8')) : undefined,
  };
}

export function probeOf(before: Counts, after: Counts): Probe {
  const requests = after.requests - before.requests;
  const probe: Probe = { requests, hitRate: requests ? (after.hits - before.hits) / requests : 0 };
  if (after.queries !== undefined && before.queries !== undefined) probe.queriesPerRequest = requests ? (after.queries - before.queries) / requests : 0;
  return probe;
}

// One measured workload: a warm-up run, then the measured run, both with autocannon's
// programmatic API, against 127.0.0.1 only.
import autocannon from 'autocannon';

export type LoadOptions = { duration: number; connections: number; warmup: number };
export type Target = Pick<autocannon.Options, 'url' | 'method' | 'headers' | 'body' | 'requests'>;

export type Measured = {
  /** Responses a second, whatever their status. */
  reqPerSec: number;
  /** Successful responses (2xx, and 304 where expected) a second: what the targets use. */
  okPerSec: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Responses that were not 2xx (nor 304 where 304 is the expected answer). */
  non2xx: number;
  statusCodes: Record<string, number>;
  requests: number;
  seconds: number;
};

export async function measure(target: Target, o: LoadOptions, accept304 = false): Promise<Measured> {
  if (new URL(target.url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${target.url}: 127.0.0.1 only`);
  const run = (duration: number) => autocannon({ ...target, connections: o.connections, duration });
  if (o.warmup > 0) await run(o.warmup);
  const r = await run(o.duration);
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  for (const [code, { count = 0 } = {}] of Object.entries(r.statusCodeStats ?? {})) {
    statusCodes[code] = count;
    const status = Number(code);
    const ok = (status >= 200 && status < 300) || (accept304 && status === 304);
    if (!ok) non2xx += count;
  }
  const ok = Object.values(statusCodes).reduce((a, b) => a + b, 0) - non2xx;
  return {
    reqPerSec: Math.round(r.requests.total / r.duration),
    okPerSec: Math.round(ok / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx,
    statusCodes,
    requests: r.requests.total,
    seconds: r.duration,
  };
}

/** Rounds of one workload as one measurement: rates over the whole time, p50 weighted by requests, the worst p99. */
export function mergeRuns(runs: Measured[]): Measured {
  if (runs.length === 1) return runs[0]!;
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const statusCodes: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const total = (key: 'errors' | 'timeouts' | 'non2xx') => runs.reduce((n, r) => n + r[key], 0);
  return {
    reqPerSec: Math.round(requests / seconds),
    okPerSec: Math.round(runs.reduce((n, r) => n + r.okPerSec * r.seconds, 0) / seconds),
    p50: Number((runs.reduce((n, r) => n + r.p50 * r.requests, 0) / Math.max(requests, 1)).toFixed(1)),
    p99: Math.max(...runs.map((r) => r.p99)),
    errors: total('errors'),
    timeouts: total('timeouts'),
    non2xx: total('non2xx'),
    statusCodes,
    requests,
    seconds,
  };
}

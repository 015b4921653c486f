// The printed table, the PASS/MISS targets and the machine description for the JSON.
import os from 'node:os';
import type { Measured } from './load.js';
import type { Probe } from './probe.js';

export type Row = {
  id: string;
  name: string;
  /** Set when the workload could not run (the reason is printed instead of numbers). */
  unavailable?: string;
  note?: string;
  m?: Measured;
  rssMb: number | null;
  /** ok/s divided by the ceiling's ok/s (mean of the runs before and after the workloads). */
  ratio?: number;
  /** With `--probe`: cache hit rate and statements sent to PostgreSQL per request. */
  probe?: Probe;
};

export type Check = { target: string; pass: boolean; detail: string };

const fmt = (n: number | undefined | null, digits = 0) => (n === undefined || n === null ? '-' : n.toFixed(digits));

export function printTable(rows: Row[]): void {
  const head = ['workload', 'req/s', 'ok/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'RSS MB', 'x ceiling'];
  const lines = rows.map((r) => [
    `${r.id} ${r.name}`,
    ...(r.m ? [fmt(r.m.reqPerSec), fmt(r.m.okPerSec), fmt(r.m.p50, 1), fmt(r.m.p99, 1), fmt(r.m.errors), fmt(r.m.non2xx)] : ['n/a', '', '', '', '', '']),
    fmt(r.rssMb),
    fmt(r.ratio, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : c.padStart(widths[i]!))).join('  ');
  console.log(pad(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(pad(l));
  for (const r of rows) {
    if (r.unavailable) console.log(`  ${r.id}: not available: ${r.unavailable}`);
    if (r.note) console.log(`  ${r.id}: ${r.note}`);
  }
}

/**
 * SQLite and PostgreSQL side by side, and the issue's PostgreSQL targets: W1–W3 at least 80%
 * of SQLite's ok/s, W5 creates/s at least SQLite's.
 */
export function printEngines(sqlite: Row[], postgres: Row[]): Check[] {
  const head = ['workload', 'SQLite ok/s', 'PG ok/s', 'PG/SQLite', 'SQLite p99', 'PG p99'];
  const lines = sqlite.map((s) => {
    const p = postgres.find((r) => r.id === s.id);
    const ratio = s.m && p?.m ? p.m.okPerSec / s.m.okPerSec : undefined;
    return [`${s.id} ${s.name}`, fmt(s.m?.okPerSec), fmt(p?.m?.okPerSec), ratio === undefined ? '-' : `${(ratio * 100).toFixed(0)}%`, fmt(s.m?.p99, 1), fmt(p?.m?.p99, 1)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\nBoth engines, same dataset and load:\n${pad(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines) console.log(pad(l));
  const checks: Check[] = [];
  const compare = (id: string, min: number) => {
    const [s, p] = [sqlite.find((r) => r.id === id)?.m, postgres.find((r) => r.id === id)?.m];
    if (!s || !p) return;
    checks.push({ target: `PostgreSQL ${id} >= ${min * 100}% of SQLite`, pass: p.okPerSec >= min * s.okPerSec, detail: `${((p.okPerSec / s.okPerSec) * 100).toFixed(0)}%` });
  };
  for (const id of ['W1', 'W2', 'W3']) compare(id, 0.8);
  compare('W5', 1);
  return checks;
}

export function checkTargets(rows: Row[], startupMs: number): Check[] {
  const get = (id: string) => rows.find((r) => r.id === id);
  const checks: Check[] = [];
  const ratioAtLeast = (id: string, min: number) => {
    const r = get(id);
    checks.push({
      target: `${id} >= ${min * 100}% of the ceiling`,
      pass: r?.ratio !== undefined && r.ratio >= min,
      detail: r?.ratio !== undefined ? `${(r.ratio * 100).toFixed(0)}%` : `not measured${r?.unavailable ? `: ${r.unavailable}` : ''}`,
    });
  };
  ratioAtLeast('W1', 0.5);
  ratioAtLeast('W2', 0.5);
  ratioAtLeast('W3', 0.5);
  const w4 = get('W4')?.m;
  checks.push({ target: 'W4 p99 < 25 ms', pass: !!w4 && w4.p99 < 25, detail: w4 ? `${w4.p99} ms` : `not available: ${get('W4')?.unavailable}` });
  const w5 = get('W5')?.m;
  checks.push({ target: 'W5 >= 2000 creates/s', pass: !!w5 && w5.okPerSec >= 2000, detail: w5 ? `${w5.okPerSec}/s` : 'not measured' });
  const w1 = get('W1')?.m;
  const w6 = get('W6c')?.m;
  checks.push({
    target: 'W6 cursor page 200 >= W1 / 1.3',
    pass: !!w1 && !!w6 && w6.okPerSec >= w1.okPerSec / 1.3,
    detail: w1 && w6 ? `${w6.okPerSec} vs ${Math.round(w1.okPerSec / 1.3)}` : 'not measured',
  });
  ratioAtLeast('W7', 0.7);
  const rss = Math.max(...rows.filter((r) => !r.id.startsWith('C')).map((r) => r.rssMb ?? 0));
  checks.push({ target: 'server RSS < 250 MB', pass: rss > 0 && rss < 250, detail: `${rss} MB at most` });
  checks.push({ target: 'start-up < 1 s', pass: startupMs < 1000, detail: `${Math.round(startupMs)} ms` });
  const bad = rows.filter((r) => r.m && (r.m.errors > 0 || r.m.non2xx > 0));
  checks.push({
    target: 'zero errors (connection errors, timeouts, unexpected non-2xx)',
    pass: bad.length === 0,
    detail: bad.length ? bad.map((r) => `${r.id}: ${r.m!.errors} errors, ${r.m!.non2xx} non-2xx`).join('; ') : 'none',
  });
  return checks;
}

export function printChecks(checks: Check[]): void {
  for (const c of checks) console.log(`${c.pass ? 'PASS' : 'MISS'}  ${c.target}  (${c.detail})`);
}

export function machineInfo(sqlite: string) {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    sqlite,
  };
}

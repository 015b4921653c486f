// `npm run crash-test -- [--kills N] [--seed S] [--workers W] [--engine sqlite|postgres]`
// Drives writes at the real server (a child process on 127.0.0.1), SIGKILLs it at seeded
// random moments, restarts it and checks, with the server down, that nothing acknowledged
// was lost, nothing is half-written (the SQLite file intact, every article with its bylines
// and revision), no Idempotency-Key was applied twice and no webhook event was lost. On
// PostgreSQL (--engine postgres: a private cluster, see lib/pg-cluster.ts; or a test's
// database given as `target`) the database keeps running through the kills. After the last
// restart every keyed create a kill left unanswered is sent again and must be a 201 naming
// exactly one row (a key is never stuck); the outbox must drain to a local receiver. Exits 1
// on any violation.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { exitOnSignals, wholeNumber } from './lib/cli.js';
import { adminTokenIn } from './lib/db.js';
import { client, prng, type Call } from './lib/http.js';
import { startInstances, type DatabaseTarget } from './lib/instances.js';
import { checkDatabase, checkDeliveries, Ledger, type CreateKind, type KeyedCreate } from './lib/ledger.js';
import { createCluster } from './lib/pg-cluster.js';
import { startReceiver } from './lib/receiver.js';
import { crash, stop, type Server } from './lib/server.js';

export type CrashOptions = {
  kills?: number;
  seed?: number;
  workers?: number;
  drainTimeoutMs?: number;
  /** When a kill lands into each round's load, ms: between `min` and `max` (default 200–1500). */
  killAfterMs?: { min: number; max: number };
  log?: (line: string) => void;
  /** The database, migrated or empty; by default a new SQLite file in a temp dir. */
  target?: DatabaseTarget;
  /** Extra environment for the server (e.g. NODE_OPTIONS for a test's children). */
  env?: Record<string, string>;
};

export type CrashReport = {
  kills: number;
  seed: number;
  acknowledgedWrites: number;
  inFlightAtKill: number;
  /** Retries of in-doubt keys after each restart. */
  replays: { replayed: number; appliedNow: number; refused: number };
  /** After the last restart: every key a kill left unanswered, sent again; statuses by code. */
  finalRetries: { keys: number; replayed: number; appliedNow: number; statuses: Record<number, number> };
  deliveries: { events: number; rows: number; received: number; duplicates: number; badSignatures: number };
  checksPassed: number;
  violations: string[];
  startupMs: { mean: number; max: number };
  drainMs: number;
  durationMs: number;
};

const BODY = 'Officials said the work would continue through the winter, and the council approved the plan. ';
// A kill lands 0.2–1.5 s into each round's load unless killAfterMs says otherwise.
const ENV = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '2000' };

export async function runCrashTest(opts: CrashOptions = {}): Promise<CrashReport> {
  const kills = opts.kills ?? 20;
  const seed = opts.seed ?? 20_261_124;
  const workers = opts.workers ?? 8;
  const log = opts.log ?? (() => undefined);
  const killAfter = opts.killAfterMs ?? { min: 200, max: 1500 };
  // Kill times come from their own sequence, so a seed always gives the same kill schedule;
  // the choices of the concurrent workers depend on timing anyway.
  const killRand = prng(seed);
  const rand = prng(seed + 1);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const t0 = performance.now();
  const dir = mkdtempSync(join(os.tmpdir(), 'dateline-crash-'));
  const target: DatabaseTarget = opts.target ?? { engine: 'sqlite', file: join(dir, 'dateline.db') };
  const env = { ...ENV, ...opts.env };
  const token = await adminTokenIn(target);
  const receiver = await startReceiver();
  const ledger = new Ledger();
  const violations: string[] = [];
  const report = { inFlightAtKill: 0, replayed: 0, appliedNow: 0, refused: 0, checks: 0, startups: [] as number[] };
  let server: Server | undefined;
  let call: Call = () => Promise.reject(new Error('not started'));
  let running = false;
  let pending = 0;
  let seq = 0;
  const busy = new Set<number>();

  const start = async () => {
    const since = performance.now();
    [server] = await startInstances(target, [env]);
    report.startups.push(performance.now() - since);
    call = client(server!.url, token);
  };
  const verify = async (when: string) => {
    const r = await checkDatabase(target, ledger);
    report.checks += r.checks - r.violations.length;
    violations.push(...r.violations.map((v) => `${when}: ${v}`));
    return r;
  };

  /** A write; unexpected answers are violations; network errors only count while the server is meant to be up. */
  const write = async (what: string, send: () => Promise<{ status: number }>, ok: (status: number) => boolean) => {
    pending++;
    try {
      const res = await send();
      if (!ok(res.status)) violations.push(`${what}: unexpected ${res.status} ${JSON.stringify((res as { json?: unknown }).json)}`);
    } catch (err) {
      if (running) violations.push(`${what}: ${(err as Error).message} while the server was up`);
    } finally {
      pending--;
    }
  };

  const keyed = async (c: KeyedCreate) => {
    const res = await call('POST', c.path, c.body, { 'idempotency-key': c.key });
    if (res.status === 201) {
      ledger.inDoubt.delete(c.key);
      const id = res.json.id as number;
      if (c.kind === 'article') ledger.ackArticle(id, res.json.version as number, res.json.status as string);
      else ledger.ackCreate(c.kind, id);
      const same = (c.kind === 'article' ? res.json.headline : res.json.name) === c.name;
      if (!same) violations.push(`${c.key}: answered with another resource: ${JSON.stringify(res.json)}`);
      const first = ledger.createdBy.get(c.key) ?? id;
      if (first !== id) violations.push(`${c.key}: answered with ${c.kind} ${first}, then with ${c.kind} ${id}`);
      ledger.createdBy.set(c.key, first);
    }
    return res;
  };
  /** Sends a keyed create again after a restart: it must be a 201, replayed or applied now (never a 409 "in progress"). */
  const retry = async (c: KeyedCreate, when: string) => {
    const res = await keyed(c);
    if (res.status !== 201) violations.push(`${when}: retry of ${c.key}: ${res.status} ${JSON.stringify(res.json)}`);
    return { status: res.status, replayed: res.status === 201 && res.headers.get('idempotent-replayed') === 'true' };
  };

  const create = (kind: CreateKind) => {
    const n = ++seq;
    const name = `Crash ${kind} ${seed} ${n}`;
    const body: Record<string, unknown> =
      kind === 'article'
        ? { headline: name, dateline: 'Lisbon', body: BODY.repeat(3), bureau: 'crash-desk', authors: ['crash-reporter'] }
        : kind === 'author'
          ? { name, bureau: 'crash-desk' }
          : { name, location: 'Porto' };
    const c: KeyedCreate = { kind, key: `k-${seed}-${n}`, path: `/v1/${kind}s`, body, name };
    ledger.inDoubt.set(c.key, c);
    return write(`create ${kind} ${n}`, () => keyed(c), (s) => s === 201);
  };

  const change = async (action: 'update' | 'publish') => {
    const candidates = [...ledger.known].filter(([id, k]) => !busy.has(id) && (action === 'update' || k.status === 'draft'));
    const [id, k] = pick(candidates) ?? [];
    if (id === undefined || k === undefined) return create('article');
    busy.add(id);
    const headers = { 'if-match': `"v${k.version}"` };
    try {
      await write(
        `${action} article ${id}`,
        async () => {
          const res =
            action === 'update'
              ? await call('PATCH', `/v1/articles/${id}`, { standfirst: `Revision ${++seq}` }, headers)
              : await call('POST', `/v1/articles/${id}/publish`, {}, headers);
          if (res.status === 200) ledger.ackArticle(id, res.json.version as number, res.json.status as string);
          // A write in flight at a crash may have landed: the 412 says where the article is now.
          if (res.status === 412) ledger.see(id, res.json.currentVersion as number, (res.json.current as { status: string }).status);
          return res;
        },
        (s) => s === 200 || s === 412,
      );
    } finally {
      busy.delete(id);
    }
  };

  const worker = async () => {
    while (running) {
      const r = rand();
      await (r < 0.3 ? create('article') : r < 0.6 ? change('update') : r < 0.8 ? change('publish') : create(r < 0.9 ? 'author' : 'bureau'));
    }
  };

  const replayInDoubt = async (round: number) => {
    for (const c of [...ledger.inDoubt.values()]) {
      const r = await retry(c, `after restart ${round}`);
      if (r.status !== 201) report.refused++;
      else if (r.replayed) report.replayed++;
      else report.appliedNow++;
    }
  };
  /** After the last restart: every key a kill ever left unanswered, whether retried since or not. */
  const retryUnanswered = async () => {
    const final = { keys: ledger.unanswered.size, replayed: 0, appliedNow: 0, statuses: {} as Record<number, number> };
    for (const c of ledger.unanswered.values()) {
      const r = await retry(c, 'after the last restart');
      final.statuses[r.status] = (final.statuses[r.status] ?? 0) + 1;
      if (r.replayed) final.replayed++;
      else if (r.status === 201) final.appliedNow++;
    }
    return final;
  };

  try {
    await start();
    const hook = await call('POST', '/v1/webhooks', { url: receiver.url, events: ['article.*', 'author.*', 'bureau.*'] });
    if (hook.status !== 201) throw new Error(`could not create the webhook: ${hook.status} ${JSON.stringify(hook.json)}`);
    receiver.secret = hook.json.secret as string;
    const setup = [
      await call('POST', '/v1/bureaus', { name: 'Crash Desk', location: 'Lisbon' }),
      await call('POST', '/v1/authors', { name: 'Crash Reporter', bureau: 'crash-desk' }),
    ];
    if (setup.some((r) => r.status !== 201)) throw new Error(`setup failed: ${JSON.stringify(setup.map((r) => r.json))}`);
    ledger.ackCreate('bureau', setup[0]!.json.id as number);
    ledger.ackCreate('author', setup[1]!.json.id as number);

    for (let round = 1; round <= kills; round++) {
      if (round > 1) {
        await start();
        await replayInDoubt(round - 1);
      }
      const acknowledgedBefore = ledger.acknowledged;
      const delay = killAfter.min + Math.floor(killRand() * (killAfter.max - killAfter.min));
      running = true;
      const load = Array.from({ length: workers }, worker);
      await new Promise((r) => setTimeout(r, delay));
      running = false;
      const inFlight = pending;
      report.inFlightAtKill += inFlight;
      await crash(server!);
      await Promise.all(load);
      for (const [key, c] of ledger.inDoubt) ledger.unanswered.set(key, c);
      const r = await verify(`after kill ${round}`);
      log(
        `kill ${String(round).padStart(2)}/${kills} at ${delay} ms: ${ledger.acknowledged - acknowledgedBefore} writes acknowledged, ` +
          `${inFlight} in flight, ${ledger.inDoubt.size} keys in doubt; ${r.violations.length === 0 ? 'checks ok' : `${r.violations.length} VIOLATIONS`}`,
      );
    }

    // The last restart: send every unanswered key again, let the outbox drain, stop gracefully, check everything.
    await start();
    const finalRetries = await retryUnanswered();
    const drainStart = performance.now();
    const drainTimeoutMs = opts.drainTimeoutMs ?? 120_000;
    let drained = false;
    while (performance.now() - drainStart < drainTimeoutMs) {
      const res = await call('GET', `/v1/webhooks/${hook.json.id as number}/deliveries?status=pending&limit=1&total=true`);
      if ((res.json.meta as { total?: number } | undefined)?.total === 0) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const drainMs = performance.now() - drainStart;
    if (!drained) violations.push(`the outbox did not drain within ${drainTimeoutMs} ms`);
    const exit = await stop(server!);
    if (exit.code !== 0) violations.push(`graceful stop exited with ${exit.code ?? exit.signal}`);
    await verify('at the end');
    const d = await checkDeliveries(target, receiver.received);
    report.checks += d.checks - d.violations.length;
    violations.push(...d.violations.map((v) => `at the end: ${v}`));
    if (receiver.badSignatures > 0) violations.push(`${receiver.badSignatures} deliveries had a bad signature`);
    const startups = report.startups;
    return {
      kills,
      seed,
      acknowledgedWrites: ledger.acknowledged,
      inFlightAtKill: report.inFlightAtKill,
      replays: { replayed: report.replayed, appliedNow: report.appliedNow, refused: report.refused },
      finalRetries,
      deliveries: { events: d.events, rows: d.deliveries, received: d.received, duplicates: d.duplicates, badSignatures: receiver.badSignatures },
      checksPassed: report.checks,
      violations,
      startupMs: { mean: Math.round(startups.reduce((a, b) => a + b, 0) / startups.length), max: Math.round(Math.max(...startups)) },
      drainMs: Math.round(drainMs),
      durationMs: Math.round(performance.now() - t0),
    };
  } finally {
    running = false;
    if (server) await crash(server);
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function summary(r: CrashReport): string {
  return [
    `kills: ${r.kills} (seed ${r.seed})`,
    `writes acknowledged: ${r.acknowledgedWrites}; writes in flight at a kill: ${r.inFlightAtKill}`,
    `in-doubt keys retried after a restart: ${r.replays.replayed} answered from the key, ${r.replays.appliedNow} applied on retry, ${r.replays.refused} refused`,
    `after the last restart, ${r.finalRetries.keys} keys a kill left unanswered sent again: ${r.finalRetries.replayed} replayed, ${r.finalRetries.appliedNow} applied now; statuses ${JSON.stringify(r.finalRetries.statuses)}`,
    `webhooks: ${r.deliveries.events} events, ${r.deliveries.received} deliveries received, ${r.deliveries.duplicates} duplicates, ${r.deliveries.badSignatures} bad signatures; outbox drained in ${(r.drainMs / 1000).toFixed(1)} s`,
    `server start: ${r.startupMs.mean} ms mean, ${r.startupMs.max} ms max; total ${(r.durationMs / 1000).toFixed(1)} s`,
    `checks passed: ${r.checksPassed}; violations: ${r.violations.length}`,
    ...r.violations.slice(0, 50).map((v) => `  VIOLATION ${v}`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { kills: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, engine: { type: 'string' } } });
  if (values.engine !== undefined && values.engine !== 'sqlite' && values.engine !== 'postgres') throw new Error('--engine must be sqlite or postgres');
  exitOnSignals();
  // PostgreSQL: a private cluster of its own, never a server that others use.
  const cluster = values.engine === 'postgres' ? await createCluster() : undefined;
  try {
    const target: DatabaseTarget | undefined = cluster && { engine: 'postgres', url: cluster.url, dir: cluster.dir };
    const report = await runCrashTest({
      kills: wholeNumber('kills', values.kills, 20, 1),
      seed: wholeNumber('seed', values.seed, 20_261_124, 1),
      workers: wholeNumber('workers', values.workers, 8, 1),
      log: (line) => console.log(line),
      target,
    });
    console.log(`\nengine: ${target?.engine ?? 'sqlite'}\n${summary(report)}`);
    process.exitCode = report.violations.length === 0 ? 0 : 1;
  } finally {
    await cluster?.destroy();
  }
}

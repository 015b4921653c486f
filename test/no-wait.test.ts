import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import { toFtsQuery } from '../src/lib/fts-query.js';
import { createArticlesRepository } from '../src/modules/articles/articles.repository.js';
import { buildTestApp, testConfig } from './helpers/app.js';
import { sqliteOf, testEngine } from './helpers/db.js';
import { fillNewsroom } from './helpers/big-newsroom.js';
import { onCpuMs, runQueueWaitMs, watchEventLoop } from './helpers/run-queue.js';

// "No request makes another wait": while the worst search we can construct and the worst
// Markdown body run, /health and the home page answer over a real socket in under 100 ms.
// The same search run in process (what the server did before the reader threads) takes
// longer than that, so this test fails on the old code.
//
// A shared machine adds its own delays: on a 2-core box running several test suites, idle
// probes alone were seen at 140–300 ms, because the server's thread waited for a CPU. So
// each probe is timed twice: as measured, and less the time this thread spent runnable but
// waiting on the run queue (Linux schedstat, see helpers/run-queue.ts) — the part other
// processes caused. Every probe's own time must stay under 100 ms: the bar. What
// remains of a loaded machine's delays (loopback delivery, I/O) is measured first: probes
// while two threads just burn CPU (the contention of the pool's threads, no event-loop
// work); when their slowest own time is above 100 ms, that is the bar instead. Measured
// times are reported beside it; their median must stay under 100 ms, their p95 under the
// slowest measured probe of that baseline.
//
// The worst save is held to the same bar: its body renders on a thread, and the write-ahead
// log its ~4 MB of pages land in is checkpointed on another (src/db/checkpointer.ts), so only
// the save's own parse, write and answer — tens of milliseconds — touch the event loop.

// Building 20,000 articles and running the worst cases take a minute or two on a busy box.
t.setTimeout(420_000);

const ARTICLES = 20_000;
// Twelve distinct words (the limit), each in nearly every article, ranked and counted: the
// most work a search may ask for. Measured worst of many candidates; see the report.
const WORST_SEARCH = 'the and of to in a is for on that with as';
const WORST_BODY = '!['.repeat(250_000);
const PROBE_LIMIT_MS = 100;

// cpuMs: of a probe's own time, how much this thread ran; the rest it was blocked.
type Probe = { path: string; ms: number; ownMs: number; cpuMs?: number; status: number };

const summary = (seen: Probe[], key: 'ms' | 'ownMs') => {
  const sorted = [...seen].sort((a, b) => a[key] - b[key]);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]![key];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1)![key], slowest: sorted.at(-1)!.path };
};
const fmt = (s: ReturnType<typeof summary>) =>
  `${s.n} samples, median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, slowest ${s.max.toFixed(1)} ms (${s.slowest})`;
const report = (seen: Probe[]) => `measured: ${fmt(summary(seen, 'ms'))}; less run-queue wait: ${fmt(summary(seen, 'ownMs'))}`;

/**
 * Probes `paths` one after another until `until` settles; returns every latency seen. The
 * client shares this process with the server, so a block that starts between two probes
 * would delay the next probe's start rather than its answer: the event loop's own longest
 * delay over the same time is counted as one more sample, and catches that.
 */
async function probeWhile(base: string, paths: string[], until: Promise<unknown>): Promise<Probe[]> {
  let done = false;
  void until.finally(() => (done = true));
  const loop = watchEventLoop();
  const seen: Probe[] = [];
  while (!done) {
    for (const path of paths) {
      const waited = runQueueWaitMs();
      const ran = onCpuMs();
      const started = performance.now();
      const res = await fetch(base + path);
      await res.arrayBuffer();
      const ms = performance.now() - started;
      seen.push({ path, ms, ownMs: ms - (runQueueWaitMs() - waited), cpuMs: onCpuMs() - ran, status: res.status });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await until;
  seen.push({ path: '(event-loop delay)', ...loop.stop(), status: 200 });
  return seen;
}

/** The bar for every probe, and sanity checks on the measured times. */
/** A served newsroom of ARTICLES, worst searches that each ask for another page (so none is answered from the response cache), and the paths probed meanwhile. */
async function listeningNewsroom(t: Test, queryTimeoutMs: number) {
  const ctx = await buildTestApp(t, { workers: { threads: 2, queryTimeoutMs, renderTimeoutMs: 60_000 } });
  await fillNewsroom(ctx.app.db, ARTICLES);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  let page = 0;
  const search = () => `/v1/articles?q=${encodeURIComponent(WORST_SEARCH)}&total=true&offset=${900 - page++}&limit=100`;
  return { ctx, base, search, probes: ['/health', '/v1/articles'] };
}

function holdsTheBar(t: Test, seen: Probe[], limit: { ms: number; ownMs: number }) {
  const measured = summary(seen, 'ms');
  const own = summary(seen, 'ownMs');
  t.ok(measured.n >= 10, report(seen));
  t.ok(measured.median < PROBE_LIMIT_MS, `median probe ${measured.median.toFixed(1)} ms`);
  t.ok(measured.p95 < limit.ms, `p95 ${measured.p95.toFixed(1)} ms (limit ${limit.ms.toFixed(0)} ms)`);
  const worst = seen.reduce((a, b) => (b.ownMs > a.ownMs ? b : a));
  const split = worst.cpuMs === undefined ? '' : `: ${worst.cpuMs.toFixed(1)} ms on CPU, ${(worst.ownMs - worst.cpuMs).toFixed(1)} ms blocked off it`;
  t.ok(own.max < limit.ownMs, `slowest less run-queue wait ${own.max.toFixed(1)} ms, ${own.slowest}${split} (limit ${limit.ownMs.toFixed(0)} ms; measured slowest ${measured.max.toFixed(1)} ms)`);
  t.same([...new Set(seen.map((s) => s.status))], [200]);
}

if (testEngine === 'sqlite') {
  // SQLite: reads run on reader threads, each bounded by its own timer.
  t.test('a worst search and a worst body leave other requests unhindered', async (t) => {
    const { ctx, base, search, probes } = await listeningNewsroom(t, 30_000);

    // Start the reader threads first: starting one (seconds under tsx on a busy machine) is
    // not what this test measures.
    await Promise.all([fetch(base + search()), fetch(base + search())].map(async (r) => (await r).arrayBuffer()));
    for (const path of probes) await (await fetch(base + path)).arrayBuffer();
    // Nor is compiling the write path on a process's first save (70–100 ms on the loop, once).
    const warmUp = await fetch(`${base}/v1/articles`, {
      method: 'POST',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ headline: 'Warm-up', bureau: 'big-desk', body: 'A body long enough to render on a thread. '.repeat(100) }),
    });
    t.equal(warmUp.status, 201);
    const spinners = [0, 1].map(() => new Worker('const end = Date.now() + 6000; while (Date.now() < end);', { eval: true }));
    const idle = await probeWhile(base, probes, Promise.all(spinners.map((w) => new Promise((r) => w.once('exit', r)))));
    const limit = { ms: Math.max(PROBE_LIMIT_MS, summary(idle, 'ms').max), ownMs: Math.max(PROBE_LIMIT_MS, summary(idle, 'ownMs').max) };
    t.comment(`two threads burning CPU, event loop free: ${report(idle)}; limits ${limit.ms.toFixed(0)} ms (p95), ${limit.ownMs.toFixed(0)} ms (slowest less run-queue wait)`);

    await t.test('the search itself is slow: in process it would block every client', async (t) => {
      const repo = createArticlesRepository(ctx.app.db);
      const started = performance.now();
      const page = await repo.list({}, { publicOnly: true, now: new Date().toISOString() }, 'relevance', { limit: 100, offset: 900, total: true }, {}, toFtsQuery(WORST_SEARCH)!);
      const ms = performance.now() - started;
      t.equal(page.rows.length, 100);
      t.ok(ms > PROBE_LIMIT_MS, `the worst search takes ${ms.toFixed(0)} ms on the event loop`);
    });

    await t.test('while searches run on reader threads', async (t) => {
      const searches = (async () => {
        const statuses: number[] = [];
        const started = Date.now();
        for (let round = 0; round < 3 || Date.now() - started < 3000; round++) {
          const answers = await Promise.all([fetch(base + search()), fetch(base + search())]);
          for (const a of answers) {
            statuses.push(a.status);
            await a.arrayBuffer();
          }
        }
        return statuses;
      })();
      const seen = await probeWhile(base, probes, searches);
      const statuses = await searches;
      t.same([...new Set(statuses)], [200], `${statuses.length} searches answered`);
      holdsTheBar(t, seen, limit);
    });

    await t.test('while the worst Markdown body is saved', async (t) => {
      // Rendering it takes 4.5–7 s, off the event loop. What stays on the loop — parsing and
      // validating 0.5 MB of JSON, the write with its search row and revision, serializing the
      // 1 MB answer — is 20–25 ms of the save (bench/save-profile.ts); the checkpoint that used
      // to follow its commit (85–150 ms) runs on a thread (src/db/checkpointer.ts). On a loaded
      // machine the probes alone do not always tell the two apart, so the thread is checked too.
      t.equal(sqliteOf(ctx.app.db).writer.pragma('wal_autocheckpoint', { simple: true }), 0, 'the log is checkpointed on a thread, not in commits');
      const save = fetch(`${base}/v1/articles`, {
        method: 'POST',
        headers: { ...ctx.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ headline: 'Worst body', bureau: 'big-desk', body: WORST_BODY }),
      });
      const seen = await probeWhile(base, probes, save);
      const res = await save;
      t.equal(res.status, 201, 'rendered within its budget, off the event loop');
      holdsTheBar(t, seen, limit);
    });
  });

  t.test('time budgets: a search over budget is a 503, a body over budget a 422', async (t) => {
    const ctx = await buildTestApp(t);
    await fillNewsroom(ctx.app.db, 3000);
    // A second app on the same file, with budgets too small for the worst input.
    const tight = await buildApp({
      config: testConfig(ctx.dir, { databaseFile: ctx.config.databaseFile, workers: { threads: 1, queryTimeoutMs: 5, renderTimeoutMs: 1000 } }),
      logger: false,
    });
    t.teardown(() => tight.close());

    const slow = await tight.inject({ url: `/v1/articles?q=${encodeURIComponent(WORST_SEARCH)}&total=true&offset=900&limit=100` });
    t.equal(slow.statusCode, 503);
    t.equal(slow.json().code, 'query_timeout');
    t.equal(slow.headers['retry-after'], '2');
    t.match(slow.headers['content-type'], 'application/problem+json');
    const fine = await tight.inject({ url: '/v1/articles?limit=1' });
    t.equal(fine.statusCode, 200, 'reads that are not costly stay in process');

    const body = await tight.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { headline: 'Too complex', bureau: 'big-desk', body: WORST_BODY },
    });
    t.equal(body.statusCode, 422);
    t.same(body.json().errors.map((e: { path: string }) => e.path), ['body.body']);
    t.match(body.json().detail, /too complex to render/);
    const count = sqliteOf(ctx.app.db).writer.prepare("SELECT count(*) AS n FROM articles WHERE headline = 'Too complex'").get() as { n: number };
    t.equal(count.n, 0, 'nothing was written');

    // The thread that ran out of time was replaced: the next render and search work.
    const ok = await tight.inject({ method: 'POST', url: '/v1/articles', headers: ctx.auth, payload: { headline: 'Fine', bureau: 'big-desk', body: 'x '.repeat(2000) } });
    t.equal(ok.statusCode, 201);
  });
} else {
  postgresVariant();
}

/**
 * PostgreSQL keeps the same promise differently: a read runs in the database server, not on a
 * reader thread, and the server cancels it at statement_timeout (QUERY_TIMEOUT_MS). While the
 * worst searches run, /health and the home page answer under the same bar; each worst search is
 * cut at its budget with a 503 `query_timeout` and Retry-After — not a 500, not a hang.
 */
function postgresVariant() {
  const QUERY_TIMEOUT_MS = 300;

  t.test('a worst search is cut at its budget and leaves other requests unhindered (PostgreSQL)', async (t) => {
    const { ctx, base, search, probes } = await listeningNewsroom(t, QUERY_TIMEOUT_MS);

    await t.test('the search itself is over budget: with a generous one it takes longer', async (t) => {
      // A second app on the same database, with a budget the search fits in.
      const roomy = await buildApp({
        config: testConfig(ctx.dir, { databaseUrl: ctx.config.databaseUrl, workers: { threads: 1, queryTimeoutMs: 60_000, renderTimeoutMs: 60_000 } }),
        logger: false,
      });
      t.teardown(() => roomy.close());
      await roomy.inject({ url: search() }); // a first run warms the server's caches
      const started = performance.now();
      const res = await roomy.inject({ url: search() });
      const ms = performance.now() - started;
      t.equal(res.statusCode, 200);
      t.ok(ms > QUERY_TIMEOUT_MS, `the worst search takes ${ms.toFixed(0)} ms with no budget in the way (budget ${QUERY_TIMEOUT_MS} ms)`);
    });

    for (const path of probes) await (await fetch(base + path)).arrayBuffer();
    const spinners = [0, 1].map(() => new Worker('const end = Date.now() + 6000; while (Date.now() < end);', { eval: true }));
    const idle = await probeWhile(base, probes, Promise.all(spinners.map((w) => new Promise((r) => w.once('exit', r)))));
    const limit = { ms: Math.max(PROBE_LIMIT_MS, summary(idle, 'ms').max), ownMs: Math.max(PROBE_LIMIT_MS, summary(idle, 'ownMs').max) };
    t.comment(`two threads burning CPU, event loop free: ${report(idle)}`);

    await t.test('while worst searches run in the database server', async (t) => {
      const searches = (async () => {
        const answers: Array<{ status: number; code: unknown; retryAfter: unknown; type: unknown; ms: number }> = [];
        const started = Date.now();
        for (let round = 0; round < 3 || Date.now() - started < 3000; round++) {
          await Promise.all(
            [search(), search()].map(async (path) => {
              const sent = performance.now();
              const res = await fetch(base + path);
              const body = (await res.json()) as { code?: unknown };
              answers.push({ status: res.status, code: body.code, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), ms: performance.now() - sent });
            }),
          );
        }
        return answers;
      })();
      const seen = await probeWhile(base, probes, searches);
      const answers = await searches;
      t.same([...new Set(answers.map((a) => `${a.status} ${String(a.code)} retry-after ${String(a.retryAfter)}`))], ['503 query_timeout retry-after 2'], `${answers.length} worst searches`);
      t.ok(answers.every((a) => String(a.type).startsWith('application/problem+json')), 'problem+json');
      const slowest = Math.max(...answers.map((a) => a.ms));
      // Cut at the budget: never sooner, and not much later (a loaded machine adds its delays).
      t.ok(answers.every((a) => a.ms >= QUERY_TIMEOUT_MS * 0.9), `none answered before the budget (fastest ${Math.min(...answers.map((a) => a.ms)).toFixed(0)} ms)`);
      t.ok(slowest < QUERY_TIMEOUT_MS + 2000, `slowest answer ${slowest.toFixed(0)} ms, budget ${QUERY_TIMEOUT_MS} ms`);
      holdsTheBar(t, seen, limit);
    });

    const fine = await fetch(`${base}/v1/articles?limit=1`);
    t.equal(fine.status, 200, 'the pool is healthy afterwards: cancelled reads left no broken connection');
  });
}

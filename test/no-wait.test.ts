import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { toFtsQuery } from '../src/lib/fts-query.js';
import { createArticlesRepository } from '../src/modules/articles/articles.repository.js';
import { createArticlesService } from '../src/modules/articles/articles.service.js';
import { SYSTEM } from '../src/modules/shared/actor.js';
import { buildTestApp, testConfig } from './helpers/app.js';
import { fillNewsroom } from './helpers/big-newsroom.js';

// "No request makes another wait": while the worst search we can construct and the worst
// Markdown body run, /health and the home page answer over a real socket in under 100 ms.
// The same search run in process (what the server did before the reader threads) takes
// longer than that, so this test fails on the old code.
//
// A shared machine adds its own delays (on a 2-core box running seven test suites, idle
// probes alone were seen at 140 ms), and the reader threads compete with the event loop for
// the cores. So probes are first timed while two threads just burn CPU — the same
// contention, no event-loop work — and the slowest probe under load may exceed 100 ms by no
// more than the slowest of those did. On a quiet machine that is 100 ms; the old code
// missed it by seconds.
//
// Saving a 1 MB article also writes ~3 MB (row, search index, revision) in one synchronous
// better-sqlite3 transaction on the event loop — bounded by BODY_LIMIT, not by the input's
// shape; a writer off the loop is the data layer's part (issue 9). The save's limit adds that
// write's own cost, measured here in process; rendering, the unbounded part, is what this
// test holds to the limit.

// Building 20,000 articles and running the worst cases take a minute or two on a busy box.
t.setTimeout(420_000);

const ARTICLES = 20_000;
// Twelve distinct words (the limit), each in nearly every article, ranked and counted: the
// most work a search may ask for. Measured worst of many candidates; see the report.
const WORST_SEARCH = 'the and of to in a is for on that with as';
const WORST_BODY = '!['.repeat(250_000);
const PROBE_LIMIT_MS = 100;

const summary = (seen: { path: string; ms: number }[]) => {
  const sorted = [...seen].sort((a, b) => a.ms - b.ms);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!.ms;
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1)!.ms, slowest: sorted.at(-1)!.path };
};
const fmt = (s: ReturnType<typeof summary>) =>
  `${s.n} samples, median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, slowest ${s.max.toFixed(1)} ms (${s.slowest})`;

/**
 * Probes `paths` one after another until `until` settles; returns every latency seen. The
 * client shares this process with the server, so a block that starts between two probes
 * would delay the next probe's start rather than its answer: the event loop's own delay
 * over the same time is counted as one more sample, and catches that.
 */
async function probeWhile(base: string, paths: string[], until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const seen: { path: string; ms: number; status: number }[] = [];
  while (!done) {
    for (const path of paths) {
      const started = performance.now();
      const res = await fetch(base + path);
      await res.arrayBuffer();
      seen.push({ path, ms: performance.now() - started, status: res.status });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await until;
  loop.disable();
  seen.push({ path: '(event-loop delay)', ms: loop.max / 1e6, status: 200 });
  return seen;
}

t.test('a worst search and a worst body leave other requests unhindered', async (t) => {
  const ctx = await buildTestApp(t, { workers: { threads: 2, queryTimeoutMs: 30_000, renderTimeoutMs: 60_000 } });
  await fillNewsroom(ctx.app.db, ARTICLES);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  // Each search asks for another page, so none is answered from the response cache.
  let page = 0;
  const search = () => `/v1/articles?q=${encodeURIComponent(WORST_SEARCH)}&total=true&offset=${900 - page++}&limit=100`;
  const probes = ['/health', '/v1/articles'];

  // Start the reader threads first: starting one (seconds under tsx on a busy machine) is
  // not what this test measures.
  await Promise.all([fetch(base + search()), fetch(base + search())].map(async (r) => (await r).arrayBuffer()));
  for (const path of probes) await (await fetch(base + path)).arrayBuffer();
  const spinners = [0, 1].map(() => new Worker('const end = Date.now() + 6000; while (Date.now() < end);', { eval: true }));
  const idle = summary(await probeWhile(base, probes, Promise.all(spinners.map((w) => new Promise((r) => w.once('exit', r))))));
  const limit = PROBE_LIMIT_MS + Math.max(0, idle.max - PROBE_LIMIT_MS);
  t.comment(`two threads burning CPU, event loop free: ${fmt(idle)}; limit under load ${limit.toFixed(0)} ms`);

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
    const s = summary(seen);
    t.ok(s.n >= 10, fmt(s));
    t.ok(s.median < PROBE_LIMIT_MS, `median probe ${s.median.toFixed(1)} ms`);
    t.ok(s.p95 < limit, `p95 ${s.p95.toFixed(1)} ms (limit ${limit.toFixed(0)} ms)`);
    t.ok(s.max < limit, `slowest ${s.max.toFixed(1)} ms, ${s.slowest} (limit ${limit.toFixed(0)} ms)`);
    t.same([...new Set(seen.map((s) => s.status))], [200]);
  });

  await t.test('while the worst Markdown body is saved', async (t) => {
    const service = createArticlesService(ctx.app.db, { revisionsKeep: 50 });
    // Rendered on a thread: rendering it here would block this process (server and client)
    // for seconds, and idle keep-alive sockets would time out under the client.
    const pre = await ctx.app.workers.renderBody(WORST_BODY);
    const writeStarted = performance.now();
    await service.create({ headline: 'Worst body, written in process', standfirst: null, dateline: null, bureau: 'big-desk', body: WORST_BODY }, SYSTEM, pre);
    const writeMs = performance.now() - writeStarted;
    t.comment(`writing it in process: ${writeMs.toFixed(0)} ms`);
    const save = fetch(`${base}/v1/articles`, {
      method: 'POST',
      headers: { ...ctx.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ headline: 'Worst body', bureau: 'big-desk', body: WORST_BODY }),
    });
    const seen = await probeWhile(base, probes, save);
    const res = await save;
    t.equal(res.status, 201, 'rendered within its budget, off the event loop');
    const s = summary(seen);
    t.ok(s.n >= 10, fmt(s));
    t.ok(s.median < PROBE_LIMIT_MS, `median probe ${s.median.toFixed(1)} ms`);
    t.ok(s.p95 < limit, `p95 ${s.p95.toFixed(1)} ms (limit ${limit.toFixed(0)} ms)`);
    // Rendering this body takes 4.5–7 s (the old code stalled every client for 8.8 s), so this
    // bound fails the moment rendering is back on the event loop. What remains of the slowest
    // probe (110–400 ms measured) is the synchronous rest of one 0.5 MB save in this process:
    // JSON parse and validation, the better-sqlite3 write with its FTS row and revision, and
    // serializing a ~1.5 MB answer; moving writes off the loop is the data layer's work (issue 9).
    const bound = Math.max(limit + 4 * writeMs, 1000);
    t.ok(s.max < bound, `slowest ${s.max.toFixed(1)} ms, ${s.slowest} (bound ${bound.toFixed(0)} ms; in-process write ${writeMs.toFixed(0)} ms)`);
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
  const count = ctx.app.db.sqlite.writer.prepare("SELECT count(*) AS n FROM articles WHERE headline = 'Too complex'").get() as { n: number };
  t.equal(count.n, 0, 'nothing was written');

  // The thread that ran out of time was replaced: the next render and search work.
  const ok = await tight.inject({ method: 'POST', url: '/v1/articles', headers: ctx.auth, payload: { headline: 'Fine', bureau: 'big-desk', body: 'x '.repeat(2000) } });
  t.equal(ok.statusCode, 201);
});

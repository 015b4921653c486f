import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { client } from '../../scripts/lib/http.js';
import type { DatabaseTarget } from '../../scripts/lib/instances.js';
import { checkDatabase, checkDeliveries, Ledger } from '../../scripts/lib/ledger.js';
import { createCluster } from '../../scripts/lib/pg-cluster.js';
import { startReceiver } from '../../scripts/lib/receiver.js';
import { adminToken, eventually, instances, sleep } from '../helpers/instances.js';
import { acceptable, outage, startLoad, type Answer } from '../helpers/outage-load.js';

// PostgreSQL restarted, then stopped for a few seconds, under a mixed load on one real server
// process: requests in the gap get 503 with Retry-After (never a 500, never a hang), the
// same process serves again once the database is back (its pool reconnects), its scheduler
// and webhook worker carry on, and every write acknowledged with a 2xx is in the database.
// The cluster is a private one (scripts/lib/pg-cluster.ts): the shared server on 5432 is
// never stopped. A machine that cannot create one fails here, it does not skip.
t.setTimeout(240_000);

t.test('PostgreSQL restarted and stopped under load: 503s in the gap, nothing lost, same process serves again', async (t) => {
  const cluster = await createCluster();
  t.teardown(() => cluster.destroy());
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE dateline');
  await admin.end();
  const dir = mkdtempSync(join(tmpdir(), 'dateline-restart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const target: DatabaseTarget = { engine: 'postgres', url: cluster.urlOf('dateline'), dir };

  // The in-memory rate limiter is on (no Redis), as a single instance runs it.
  const [server] = await instances(t, target, [{ RATE_LIMIT_PER_MINUTE: '1000000' }]);
  const call = client(server!.url, adminToken({ target, dir }));
  const anon = (path: string) => fetch(server!.url + path, { signal: AbortSignal.timeout(30_000) });
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const hook = await call('POST', '/v1/webhooks', { url: receiver.url, events: ['article.*', 'author.*'] });
  receiver.secret = hook.json.secret as string;
  const setup = [await call('POST', '/v1/bureaus', { name: 'Harbour Desk', location: 'Porto' }), await call('POST', '/v1/authors', { name: 'Harbour Reporter', bureau: 'harbour-desk' })];
  t.same(setup.map((r) => r.status), [201, 201], 'set up');

  const ledger = new Ledger();
  const load = startLoad({ call, anon, ledger, workers: 6, bureau: 'harbour-desk', author: 'harbour-reporter' });
  const stopLoad = async () => (await load.stop(), load.answers);
  const okSince = (since: number) => eventually(() => load.answers.some((a) => a.sent >= since && typeof a.status === 'number' && a.status < 300), 30_000);
  try {
    await sleep(2000);

    const restartAt = performance.now();
    await cluster.restart('fast');
    const restartedAt = performance.now();
    t.ok(await okSince(restartedAt), 'answers 2xx again after the restart');
    await sleep(2000);

    // Falls due while the database is down: the scheduler must announce it once it is back.
    const scheduled = await call('POST', '/v1/articles', { headline: 'Due in the gap', body: 'Ferry timetable.', bureau: 'harbour-desk', authors: ['harbour-reporter'] });
    const due = await call('POST', `/v1/articles/${scheduled.json.id as number}/publish`, { publishedAt: new Date(Date.now() + 1000).toISOString() }, { 'if-match': `"v${scheduled.json.version as number}"` });
    t.equal(due.status, 200, 'article scheduled to go live during the gap');
    const stoppedAt = performance.now();
    await cluster.stop('fast');
    await sleep(3000);
    await cluster.start();
    const startedAt = performance.now();
    t.ok(await okSince(startedAt), 'answers 2xx again after the stop and start');
    await sleep(2000);
    const answers = await stopLoad();

    const bad = answers.filter((a) => !acceptable(a));
    t.same(bad.slice(0, 10), [], 'every answer is 2xx/304, a 412 to a stale If-Match, or a problem+json 503 with Retry-After');
    t.same(answers.filter((a: Answer) => typeof a.status !== 'number'), [], 'no request timed out or lost its connection');
    const restart = outage(answers, restartAt, stoppedAt);
    const stopStart = outage(answers, stoppedAt, performance.now());
    const fmt = (o: ReturnType<typeof outage>, upAt: number) =>
      `${o.unavailable} × 503 over ${Math.round(o.windowMs)} ms; first 2xx ${o.firstOkAfter === undefined ? 'never' : `${Math.round(o.firstOkAfter - upAt)} ms after the database was up`}`;
    t.comment(`${answers.length} answers; restart (pg_ctl restart -m fast took ${Math.round(restartedAt - restartAt)} ms): ${fmt(restart, restartedAt)}`);
    t.comment(`stop, 3 s gap, start (down ${Math.round(startedAt - stoppedAt)} ms): ${fmt(stopStart, startedAt)}`);
    t.ok(restart.unavailable > 0 && stopStart.unavailable > 0, 'the load did meet the gaps');
    const writesOk = (from: number, to: number) =>
      answers.filter((a) => !a.op.startsWith('GET') && typeof a.status === 'number' && a.status < 300 && a.sent >= from && a.answered < to).length;
    const phases = [writesOk(0, restartAt), writesOk(restartedAt, stoppedAt), writesOk(startedAt, Infinity)];
    t.ok(phases.every((n) => n > 0), `writes acknowledged before the restart, between the gaps and after them (${phases.join(', ')})`);

    t.equal((await call('POST', '/v1/authors', { name: 'After the outage', bureau: 'harbour-desk' })).status, 201, 'a write succeeds');
    t.equal((await anon('/v1/articles?limit=1')).status, 200, 'a public read succeeds');

    const announced = () => receiver.events.some((e) => e.type === 'article.published' && (e.data as { id?: number }).id === scheduled.json.id);
    t.ok(await eventually(announced, 20_000), 'the scheduler announced the article that fell due while the database was down');
    const pending = async () => (await call('GET', `/v1/webhooks/${hook.json.id as number}/deliveries?status=pending&limit=1&total=true`)).json.meta as { total?: number };
    // A delivery sent just before the gap but not recorded waits out its lease (timeout + 60 s).
    t.ok(await eventually(async () => (await pending()).total === 0, 90_000), 'the webhook worker drained the outbox');
    const deliveries = await checkDeliveries(target, receiver.received);
    t.same(deliveries.violations, [], `every event delivered (${deliveries.events} events, ${deliveries.received} deliveries)`);
    const db = await checkDatabase(target, ledger);
    t.same(db.violations, [], `every acknowledged write is in the database, nothing half-written (${db.checks} checks)`);
  } finally {
    await load.stop();
    if (server!.proc.exitCode !== null || server!.proc.signalCode !== null) t.fail(`the server exited:\n${server!.output()}`);
  }
});

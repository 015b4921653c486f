import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { backupDatabase } from '../src/db/backup.js';
import { buildTestApp } from './helpers/app.js';
import { makeArticle, publish } from './helpers/factories.js';
import { rawSql } from './helpers/db.js';

t.test('health, readiness and metrics', async (t) => {
  const ctx = await buildTestApp(t);
  const health = await ctx.app.inject({ url: '/health' });
  t.same(health.json(), { status: 'ok' });
  const ready = await ctx.app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready', database: true, migrations: true });

  await ctx.app.inject({ url: '/v1/articles' });
  await ctx.app.inject({ url: '/v1/articles/nope' });
  const metrics = await ctx.app.inject({ url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /^text\/plain/);
  t.match(metrics.body, /dateline_http_requests_total\{method="GET",route="\/v1\/articles",status="200"\} 1/);
  t.match(metrics.body, /dateline_http_requests_total\{method="GET",route="\/v1\/articles\/:idOrSlug",status="404"\} 1/);
  t.match(metrics.body, /dateline_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/articles"\}/);
  t.match(metrics.body, /dateline_database_size_bytes \d+/);
  t.match(metrics.body, /dateline_webhook_queue_depth 0/);

  const journal = ctx.app.db.engine === 'sqlite' ? '__drizzle_migrations' : 'drizzle.__drizzle_migrations';
  await rawSql(ctx.app.db, `DELETE FROM ${journal} WHERE created_at = (SELECT max(created_at) FROM ${journal})`);
  const notReady = await ctx.app.inject({ url: '/ready' });
  t.equal(notReady.statusCode, 503);
  t.equal(notReady.json().migrations, false);
});

t.test('readiness with a database that does not answer: 503, and the driver\'s message stays in the log', async (t) => {
  const ctx = await buildTestApp(t);
  const secret = 'password authentication failed for user "dateline_secret" at db.internal:5432';
  // What a driver throws when the server refuses or drops the connection.
  (ctx.app.db as { migrationsApplied: () => Promise<number> }).migrationsApplied = async () => {
    throw new Error(secret);
  };
  const res = await ctx.app.inject({ url: '/ready' });
  t.equal(res.statusCode, 503);
  t.same(res.json(), { status: 'not_ready', database: false, migrations: false, detail: 'The database did not answer' });
  t.notMatch(res.body, /dateline_secret|db\.internal/);
});

t.test('metrics can sit behind their own token', async (t) => {
  const ctx = await buildTestApp(t, { metricsToken: 'metrics-secret-0123456789' });
  t.equal((await ctx.app.inject({ url: '/metrics' })).statusCode, 401);
  t.equal((await ctx.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
  t.equal((await ctx.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-secret-0123456789' } })).statusCode, 200);
});

t.test('rate limits per token and per address, with Retry-After', async (t) => {
  const ctx = await buildTestApp(t, { rateLimitPerMinute: 3 });
  for (let i = 0; i < 3; i++) t.equal((await ctx.app.inject({ url: '/v1/tags' })).statusCode, 200);
  const limited = await ctx.app.inject({ url: '/v1/tags' });
  t.equal(limited.statusCode, 429);
  t.equal(limited.headers['content-type'], 'application/problem+json');
  t.equal(limited.json().code, 'too_many_requests');
  t.ok(Number(limited.headers['retry-after']) > 0);
  t.equal((await ctx.app.inject({ url: '/v1/tags', headers: ctx.auth })).statusCode, 200, 'a token has its own budget');
  t.equal((await ctx.app.inject({ url: '/health' })).statusCode, 200, 'health is never limited');
});

t.test('under pressure the server sheds load with 503 and recovers', async (t) => {
  const ctx = await buildTestApp(t, { maxEventLoopDelayMs: 50 });
  const block = (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
  };
  let shed: Awaited<ReturnType<typeof ctx.app.inject>> | undefined;
  for (let i = 0; i < 10 && !shed; i++) {
    block(400);
    await new Promise((r) => setImmediate(r));
    const res = await ctx.app.inject({ url: '/v1/tags' });
    if (res.statusCode === 503) shed = res;
  }
  t.ok(shed, 'a 503 came while the event loop was blocked');
  t.equal(shed?.headers['retry-after'], '5');
  t.equal(shed?.headers['content-type'], 'application/problem+json');
  t.equal(shed?.json().code, 'unavailable');
  let recovered = false;
  for (let i = 0; i < 40 && !recovered; i++) {
    await new Promise((r) => setTimeout(r, 100));
    recovered = (await ctx.app.inject({ url: '/v1/tags' })).statusCode === 200;
  }
  t.ok(recovered, 'and answers again once the pressure is gone');
});

t.test('security headers: strict policy for the API, Swagger UI’s own on /docs', async (t) => {
  const ctx = await buildTestApp(t);
  const api = await ctx.app.inject({ url: '/v1/articles' });
  t.match(api.headers['content-security-policy'], /^default-src 'none'/);
  t.equal(api.headers['x-content-type-options'], 'nosniff');
  const docs = await ctx.app.inject({ url: '/docs/' });
  t.match(docs.headers['content-security-policy'], /script-src 'self'/);
  t.notMatch(docs.headers['content-security-policy'], /default-src 'none'/);
});

t.test('request shape limits are clear 4xx', async (t) => {
  const ctx = await buildTestApp(t);
  const deep = '{"name":"x","description":' + '['.repeat(100) + ']'.repeat(100) + '}';
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: { ...ctx.auth, 'content-type': 'application/json' }, payload: deep });
  t.equal(res.statusCode, 400);
  t.match(res.json().detail, 'nested deeper');
  const tooMany = Array.from({ length: 60 }, (_, i) => `p${i}=1`).join('&');
  const q = await ctx.app.inject({ url: `/v1/articles?${tooMany}` });
  t.equal(q.statusCode, 400);
  t.match(q.json().detail, 'query parameters');
  const long = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: ctx.auth, payload: { name: 'x'.repeat(101) } });
  t.equal(long.statusCode, 400);
  t.equal(long.json().errors[0].path, 'body.name');
  const bigList = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: ctx.auth, payload: { headline: 'x', bureau: 1, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } });
  t.equal(bigList.statusCode, 400);
  t.equal(bigList.json().errors[0].path, 'body.tags');
});

t.test('an online backup taken during writes restores to a working server', async (t) => {
  // SQLite's online backup API (npm run backup); on PostgreSQL backups are pg_dump's job.
  const ctx = await buildTestApp(t, {}, { engine: 'sqlite' });
  const a = await makeArticle(ctx, { headline: 'Backed-up story' });
  await publish(ctx, a.id);
  // Keep writing while the backup runs.
  const writes = Promise.all(Array.from({ length: 20 }, () => makeArticle(ctx, { bureau: a.bureau.slug, authors: [a.authors[0].slug] })));
  const target = join(ctx.dir, 'backup', 'copy.db');
  const [{ pages }] = await Promise.all([backupDatabase(ctx.config.databaseFile, target), writes]);
  t.ok(pages > 0);
  const copy = new Database(target, { readonly: true });
  t.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
  copy.close();
  const restored = await buildApp({ config: { ...ctx.config, databaseFile: target }, logger: false });
  t.teardown(() => restored.close());
  const res = await restored.inject({ url: `/v1/articles/${a.slug}` });
  t.equal(res.statusCode, 200);
  t.equal(res.json().headline, 'Backed-up story');
});

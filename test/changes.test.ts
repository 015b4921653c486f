import { Worker } from 'node:worker_threads';
import t, { type Test } from 'tap';
import { encodeChangeCursor } from '../src/modules/changes/changes.cursor.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../src/db/postgres.js';
import { rawSql } from './helpers/db.js';
import { change, makeArticle, makeAuthor, makeBureau, makeTag, publish } from './helpers/factories.js';

type Change = { seq: number; type: string; id: number; action: string; deleted: boolean; url: string | null; href: string | null };
type Page = { data: Change[]; meta: { nextCursor: string; hasMore: boolean } };

async function page(ctx: TestApp, query = ''): Promise<Page> {
  const res = await ctx.app.inject({ url: `/v1/changes${query}` });
  if (res.statusCode !== 200) throw new Error(`GET /v1/changes${query} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Reads until the feed is drained, as a sync client does; returns what it saw and where it stopped. */
async function drain(ctx: TestApp, since?: string, limit = 7) {
  const seen: Change[] = [];
  let cursor = since;
  for (;;) {
    const p = await page(ctx, `?limit=${limit}${cursor ? `&since=${cursor}` : ''}`);
    seen.push(...p.data);
    cursor = p.meta.nextCursor;
    if (!p.meta.hasMore) return { seen, cursor };
  }
}

const latest = (seen: Change[]) => new Map(seen.map((c) => [`${c.type}-${c.id}`, c]));

t.test('articles enter the feed when public and leave it with tombstones', async (t) => {
  const ctx = await buildTestApp(t, {
    site: { ...(await import('./helpers/app.js')).testConfig('/tmp').site, url: 'https://news.example.com' },
  });
  const start = await drain(ctx);
  t.same(start.seen, [], 'an empty newsroom has no changes');

  const tag = await makeTag(ctx);
  const a = await makeArticle(ctx, { tags: [tag.slug] });
  let step = await drain(ctx, start.cursor);
  t.same(
    step.seen.map((c) => `${c.type}:${c.action}`).sort(),
    ['author:published', 'bureau:published', 'tag:published'],
    'a draft is not in the feed; its bureau, author and tag are',
  );
  t.equal(step.seen.find((c) => c.type === 'tag')?.url, `https://news.example.com/tags/${tag.slug}`);

  await publish(ctx, a.id);
  step = await drain(ctx, step.cursor);
  t.match(step.seen, [{ type: 'article', id: a.id, action: 'published', deleted: false, href: `/v1/articles/${a.id}` }]);
  t.equal(step.seen[0]!.url, `https://news.example.com/${a.bureau.slug}/${a.slug}`);

  t.equal((await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { headline: 'A new headline' })).statusCode, 200);
  step = await drain(ctx, step.cursor);
  t.match(step.seen, [{ type: 'article', id: a.id, action: 'updated' }]);

  t.equal((await change(ctx, 'POST', `/v1/articles/${a.id}/unpublish`)).statusCode, 200);
  step = await drain(ctx, step.cursor);
  t.match(step.seen, [{ type: 'article', id: a.id, action: 'unpublished', deleted: true, href: null }]);
  t.equal(step.seen[0]!.url, `https://news.example.com/${a.bureau.slug}/${a.slug}`, 'the tombstone names the page to take down');

  t.equal((await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { headline: 'Edited while a draft' })).statusCode, 200);
  t.same((await drain(ctx, step.cursor)).seen, [], 'edits to a draft are not public changes');

  await publish(ctx, a.id);
  t.equal((await change(ctx, 'POST', `/v1/articles/${a.id}/archive`)).statusCode, 200);
  step = await drain(ctx, step.cursor);
  t.match(step.seen, [{ type: 'article', id: a.id, action: 'archived', deleted: true }], 'only the newest change of an item is listed');

  await publish(ctx, a.id);
  t.equal((await change(ctx, 'DELETE', `/v1/articles/${a.id}`)).statusCode, 204);
  await ctx.app.inject({ method: 'DELETE', url: `/v1/tags/${tag.slug}`, headers: ctx.auth });
  step = await drain(ctx, step.cursor);
  t.same(
    step.seen.map((c) => `${c.type}:${c.action}:${c.deleted}`),
    ['article:deleted:true', 'tag:deleted:true'],
  );
  t.ok(step.seen[0]!.seq < step.seen[1]!.seq, 'in commit order');

  const full = await drain(ctx);
  t.same(
    full.seen.map((c) => `${c.type}:${c.action}`).sort(),
    ['article:deleted', 'author:published', 'bureau:published', 'tag:deleted'],
    'a full sync without `since` lists every item once',
  );
});

t.test('a scheduled article appears when it goes live, not when it is scheduled', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx);
  const { cursor } = await drain(ctx);
  await publish(ctx, a.id, new Date(Date.now() + 400).toISOString());
  t.same((await drain(ctx, cursor)).seen, [], 'scheduled: not public yet');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(await ctx.app.scheduler.runOnce(), 1);
  t.match((await drain(ctx, cursor)).seen, [{ type: 'article', id: a.id, action: 'published' }]);
});

t.test('cursors: malformed is 400, older than the window or past purged tombstones is 410', async (t) => {
  const ctx = await buildTestApp(t, { changes: { retentionDays: 30 } });
  const bad = await ctx.app.inject({ url: '/v1/changes?since=not-a-cursor' });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'invalid_cursor');
  t.match(bad.json().errors, [{ path: 'query.since' }]);

  const old = encodeChangeCursor({ seq: 0, issuedAt: Date.now() - 31 * 86_400_000, purgedAtStart: 0 });
  const gone = await ctx.app.inject({ url: `/v1/changes?since=${old}` });
  t.equal(gone.statusCode, 410);
  t.match(gone.headers['content-type'], /^application\/problem\+json/);
  t.match(gone.json(), { code: 'gone', status: 410, detail: /without `since`/ });

  const tag = await makeTag(ctx);
  const { cursor } = await drain(ctx);
  await makeTag(ctx);
  await ctx.app.inject({ method: 'DELETE', url: `/v1/tags/${tag.id}`, headers: ctx.auth });
  // The tombstone ages past the window and the hourly purge drops it.
  await rawSql(ctx.app.db, `UPDATE changes SET changed_at = '2000-01-01T00:00:00.000Z' WHERE resource = 'tag' AND resource_id = ?`, tag.id);
    t.equal((await ctx.app.inject({ url: `/v1/changes?since=${cursor}` })).statusCode, 200, 'kept until purged');
  const purged = await (await import('../src/modules/changes/changes.service.js'))
    .createChangesService(ctx.app.db, { links: (await import('../src/lib/site-links.js')).createSiteLinks(null, ctx.config.site.paths), retentionDays: 30 })
    .purge();
  t.equal(purged, 1);
  t.equal((await ctx.app.inject({ url: `/v1/changes?since=${cursor}` })).statusCode, 410, 'a cursor from before the purged tombstone must start over');
  const after = await drain(ctx);
  t.notOk(after.seen.some((c) => c.type === 'tag' && c.id === tag.id), 'the purged tombstone is gone');
  t.equal((await ctx.app.inject({ url: `/v1/changes?since=${after.cursor}` })).statusCode, 200, 'a fresh cursor works');
});

// Writers on their own connections (as other processes would be) race for the write lock
// while a client keeps syncing. Whatever the interleaving, the client must end with every
// item's newest change: none skipped, seq strictly increasing along its reads.
/** The writer threads' work, done by another instance on the same PostgreSQL database. */
async function otherInstanceWrites(t: Test, url: string, ids: number[], n: number, writes: number) {
  const other = await openPostgres(url, { migrate: false, poolSize: 1 });
  t.teardown(() => other.close());
  for (let i = 0; i < writes; i++) {
    const id = ids[(i * 7 + n) % ids.length]!;
    await other.write(async () => {
      if (i % 5 === 0) await other.run(sql`UPDATE articles SET status = CASE status WHEN 'published' THEN 'draft' ELSE 'published' END WHERE id = ${id}`);
      else await other.run(sql`UPDATE articles SET headline = ${`w${n}-${i}`}, updated_at = ${new Date().toISOString()} WHERE id = ${id}`);
      if (i % 11 === 0) await other.run(sql`INSERT INTO tags (slug, name, created_at, updated_at) VALUES (${`w${n}-t${i}`}, 'T', 'x', 'x')`);
    });
  }
}

t.test('no change is skipped under concurrent writes', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) {
    const a = await makeArticle(ctx, { bureau: bureau.slug, authors: [author.slug] });
    await publish(ctx, a.id);
    ids.push(a.id);
  }
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.file);
    db.pragma('busy_timeout = 10000');
    const touch = db.prepare("UPDATE articles SET headline = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
    const flip = db.prepare("UPDATE articles SET status = CASE status WHEN 'published' THEN 'draft' ELSE 'published' END WHERE id = ?");
    const tag = db.prepare("INSERT INTO tags (slug, name, created_at, updated_at) VALUES (?, ?, 'x', 'x')");
    for (let i = 0; i < workerData.writes; i++) {
      const id = workerData.ids[(i * 7 + workerData.n) % workerData.ids.length];
      db.transaction(() => {
        if (i % 5 === 0) flip.run(id); else touch.run('w' + workerData.n + '-' + i, id);
        if (i % 11 === 0) tag.run('w' + workerData.n + '-t' + i, 'T');
      }).immediate();
    }
    db.close();
    parentPort.postMessage('done');
  `;
  const driver = (await import('node:module')).createRequire(import.meta.url).resolve('better-sqlite3');
  // Other processes writing: threads with their own SQLite connections, or on PostgreSQL other
  // instances (their own pools and units of work) on the same database.
  const workers = ctx.config.databaseUrl ? [0, 1, 2].map((n) => otherInstanceWrites(t, ctx.config.databaseUrl!, ids, n, 300)) : [0, 1, 2].map(
    (n) =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { file: ctx.config.databaseFile, ids, n, writes: 300, driver } });
        w.once('message', () => resolve());
        w.once('error', reject);
      }),
  );
  let done = false;
  const all = Promise.all(workers).then(() => (done = true));
  const seen: Change[] = [];
  let cursor: string | undefined;
  let polls = 0;
  while (!done || polls === 0) {
    const step = await drain(ctx, cursor, 5);
    seen.push(...step.seen);
    cursor = step.cursor;
    polls++;
    await new Promise((r) => setImmediate(r));
  }
  await all;
  const last = await drain(ctx, cursor, 5);
  seen.push(...last.seen);
  t.ok(polls > 1, `the client synced while writers ran (${polls} polls, ${seen.length} changes)`);
  t.ok(seen.every((c, i) => i === 0 || c.seq > seen[i - 1]!.seq), 'seq strictly increases along the reads');
  const truth = new Map(
    (await rawSql<{ resource: string; id: number; seq: number; action: string }>(ctx.app.db, 'SELECT resource, resource_id AS id, seq, action FROM changes')).map(
      (r) => [`${r.resource}-${r.id}`, r],
    ),
  );
  const mine = latest(seen);
  t.equal(mine.size, truth.size, 'the client knows every item');
  for (const [key, row] of truth) {
    t.equal(mine.get(key)?.seq, row.seq, `${key}: newest change seen`);
    t.equal(mine.get(key)?.action, row.action);
  }
  const status = await rawSql<{ id: number; live: number | boolean }>(ctx.app.db, "SELECT id, status = 'published' AS live FROM articles");
  for (const s of status) t.equal(mine.get(`article-${s.id}`)?.deleted, !s.live, `article ${s.id}: tombstone exactly when not public`);
});

// A foreign-key action (authors.bureau_id SET NULL) runs the change triggers under the
// outer statement's ABORT policy; an item already in the feed must still move, not fail.
t.test('deleting a bureau that is some authors’ home desk moves those authors in the feed', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx, { bureau: bureau.slug });
  const { cursor } = await drain(ctx);
  const res = await ctx.app.inject({ method: 'DELETE', url: `/v1/bureaus/${bureau.id}`, headers: ctx.auth });
  t.equal(res.statusCode, 204);
  t.same(
    (await drain(ctx, cursor)).seen.map((c) => `${c.type}-${c.id}:${c.action}`).sort(),
    [`author-${author.id}:updated`, `bureau-${bureau.id}:deleted`],
  );
});

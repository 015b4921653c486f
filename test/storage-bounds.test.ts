import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { rawSql, rawValue } from './helpers/db.js';
import { change, makeArticle, makeAuthor, makeBureau } from './helpers/factories.js';

// What a writer can grow is bounded: revisions by count and bytes, idempotency rows by
// size, the audit log by age.

t.test('revisions are bounded by total bytes per article, the newest always kept', async (t) => {
  const maxBytes = 100_000;
  const ctx = await buildTestApp(t, { limits: { revisionsMaxBytes: maxBytes, idempotencyMaxBytes: 64 * 1024, auditRetentionDays: 365 } });
  const body = (n: number) => `Paragraph ${n}. `.repeat(1500); // ~20 KB of Markdown, ~45 KB as a snapshot
  const a = await makeArticle(ctx, { body: body(0) });
  for (let v = 1; v <= 5; v++) t.equal((await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { body: body(v) })).statusCode, 200);
  const bytes = ctx.app.db.engine === 'sqlite' ? 'octet_length(snapshot)' : 'octet_length(snapshot::text)';
  const sizes = await rawSql<{ version: number; bytes: number }>(ctx.app.db, `SELECT version, ${bytes} AS bytes FROM article_revisions WHERE article_id = ? ORDER BY version DESC`, a.id);
  t.equal(sizes[0]!.version, 6, 'the newest revision is there');
  t.ok(sizes.length < 6, `${sizes.length} of 6 revisions kept`);
  t.ok(sizes.length >= 2, 'as many as fit');
  t.ok(sizes.reduce((n, s) => n + s.bytes, 0) <= maxBytes, 'within the byte budget');
  t.same(sizes.map((s) => s.version), Array.from({ length: sizes.length }, (_, i) => 6 - i), 'the oldest went first');
  const gone = await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions/1`, headers: ctx.auth });
  t.equal(gone.statusCode, 404);
  t.match(gone.json().detail, /100000 bytes/);

  // One revision larger than the whole budget is still kept: it is the article as it is.
  const huge = await makeArticle(ctx, { body: 'word '.repeat(30_000) });
  t.equal(await rawValue(ctx.app.db, 'SELECT count(*) AS n FROM article_revisions WHERE article_id = ?', huge.id), 1);
});

t.test('an idempotent create too large to store is not replayed whole', async (t) => {
  const ctx = await buildTestApp(t, { limits: { revisionsMaxBytes: 10 * 1024 * 1024, idempotencyMaxBytes: 2048, auditRetentionDays: 365 } });
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);
  const payload = { headline: 'Long read', bureau: bureau.slug, authors: [author.slug], body: 'A long paragraph. '.repeat(500) };
  const send = (key: string, p: object = payload) =>
    ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...ctx.auth, 'idempotency-key': key }, payload: p });
  const first = await send('big-1');
  t.equal(first.statusCode, 201);
  const stored = Number(await rawValue(ctx.app.db, "SELECT length(body) AS n FROM idempotency_keys WHERE key = 'big-1'"));
  t.ok(stored < 100, `the stored row keeps only the id (${stored} bytes)`);
  const again = await send('big-1');
  t.equal(again.statusCode, 409);
  t.equal(again.json().location, `/v1/articles/${first.json().id}`, 'the repeat says where the article is');
  t.match(again.json().detail, /too large to keep/);
  t.equal(await rawValue(ctx.app.db, "SELECT count(*) AS n FROM articles WHERE headline = 'Long read'"), 1, 'created once');

  // A small response is still replayed byte for byte.
  const small = { ...payload, headline: 'Short', body: 'Short.' };
  const one = await send('small-1', small);
  const two = await send('small-1', small);
  t.equal(two.statusCode, 201);
  t.equal(two.headers['idempotent-replayed'], 'true');
  t.equal(two.body, one.body);
});

t.test('the audit log keeps AUDIT_RETENTION_DAYS, pruned in batches', async (t) => {
  const ctx = await buildTestApp(t, { limits: { revisionsMaxBytes: 10 * 1024 * 1024, idempotencyMaxBytes: 64 * 1024, auditRetentionDays: 30 } });
  const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
  const recent = new Date(Date.now() - 29 * 86_400_000).toISOString();
  const { auditEvents } = ctx.app.db.tables;
  const entry = (createdAt: string) => ({ actorName: 'old', actorRole: 'admin', action: 'x', resourceType: 'article', createdAt });
  await ctx.app.db.write(() => ctx.app.db.conn.insert(auditEvents).values([...Array.from({ length: 1234 }, () => entry(old)), ...Array.from({ length: 10 }, () => entry(recent))]));
  const pruned = await ctx.app.scheduler.pruneAudit();
  t.equal(pruned, 1234, 'every entry past retention, across several batches');
  t.equal(await rawValue(ctx.app.db, "SELECT count(*) AS n FROM audit_events WHERE actor_name = 'old'"), 10, 'recent entries stay');

  const forever = await buildTestApp(t, { limits: { revisionsMaxBytes: 10 * 1024 * 1024, idempotencyMaxBytes: 64 * 1024, auditRetentionDays: 0 } });
  await rawSql(forever.app.db, "INSERT INTO audit_events (actor_name, actor_role, action, resource_type, created_at) VALUES ('old', 'admin', 'x', 'article', '2000-01-01T00:00:00.000Z')");
  t.equal(await forever.app.scheduler.pruneAudit(), 0, '0 keeps entries forever');
});

import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { spyOnReads, writeElsewhere } from './helpers/db.js';
import { makeArticle, makeAuthor, publish } from './helpers/factories.js';

t.test('public reads are cacheable and revalidate with 304', async (t) => {
  const ctx = await buildTestApp(t, { cache: { maxAge: 30, sMaxAge: 600, staleWhileRevalidate: 15, responseCacheBytes: 0 } });
  const a = await makeArticle(ctx, { tags: [] });
  await publish(ctx, a.id);

  const first = await ctx.app.inject({ url: '/v1/articles' });
  t.equal(first.statusCode, 200);
  t.equal(first.headers['cache-control'], 'public, max-age=30, s-maxage=600, stale-while-revalidate=15');
  t.match(first.headers.etag, /^W\/".+"$/);
  t.ok(first.headers['last-modified']);
  t.match(first.headers.vary, /Authorization/);
  const keys = String(first.headers['surrogate-key']).split(' ').sort();
  t.same(keys, ['articles', `article-${a.id}`, `author-${a.authors[0].id}`, `bureau-${a.bureau.id}`].sort());
  t.equal(first.headers['cache-tag'], String(first.headers['surrogate-key']).replaceAll(' ', ','));

  t.test('If-None-Match answers 304 with no body', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/articles', headers: { 'if-none-match': String(first.headers.etag) } });
    t.equal(res.statusCode, 304);
    t.equal(res.body, '');
    t.equal(res.headers.etag, first.headers.etag);
    const list = await ctx.app.inject({ url: '/v1/articles', headers: { 'if-none-match': `"other", ${first.headers.etag}` } });
    t.equal(list.statusCode, 304);
    const stale = await ctx.app.inject({ url: '/v1/articles', headers: { 'if-none-match': 'W/"0-0"' } });
    t.equal(stale.statusCode, 200);
    const since = await ctx.app.inject({ url: `/v1/articles/${a.id}`, headers: { 'if-modified-since': String(first.headers['last-modified']) } });
    t.equal(since.statusCode, 304);
  });

  t.test('any write changes the ETag', async (t) => {
    const before = String((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).headers.etag);
    await ctx.app.inject({ method: 'PATCH', url: `/v1/authors/${a.authors[0].id}`, headers: ctx.auth, payload: { name: 'Renamed Reporter' } });
    const res = await ctx.app.inject({ url: `/v1/articles/${a.id}`, headers: { 'if-none-match': before } });
    t.equal(res.statusCode, 200, 'the byline name changed, so the cached copy is stale');
    t.equal(res.json().authors[0].name, 'Renamed Reporter');
    t.not(res.headers.etag, before);
  });

  t.test('a scheduled article going live changes the ETag without any write', async (t) => {
    const s = await makeArticle(ctx);
    await publish(ctx, s.id, new Date(Date.now() + 1500).toISOString());
    const before = await ctx.app.inject({ url: '/v1/articles' });
    t.notOk(before.json().data.some((x: { id: number }) => x.id === s.id));
    await new Promise((r) => setTimeout(r, 1600));
    const after = await ctx.app.inject({ url: '/v1/articles', headers: { 'if-none-match': String(before.headers.etag) } });
    t.equal(after.statusCode, 200);
    t.ok(after.json().data.some((x: { id: number }) => x.id === s.id));
  });

  t.test('reads with a token and errors are private', async (t) => {
    const tokened = await ctx.app.inject({ url: '/v1/articles', headers: ctx.auth });
    t.equal(tokened.headers['cache-control'], 'private, no-store');
    t.notOk(tokened.headers.etag);
    t.notOk(tokened.headers['surrogate-key']);
    const tokened304 = await ctx.app.inject({ url: '/v1/articles', headers: { ...ctx.auth, 'if-none-match': String(first.headers.etag) } });
    t.equal(tokened304.statusCode, 200, 'no 304 for private reads');
    const missing = await ctx.app.inject({ url: '/v1/articles/nope' });
    t.equal(missing.headers['cache-control'], 'private, no-store');
  });

  t.test('surrogate keys follow what the response contains', async (t) => {
    const author = await makeAuthor(ctx, { name: 'Key Person' });
    const one = await ctx.app.inject({ url: `/v1/authors/${author.slug}` });
    t.equal(one.headers['surrogate-key'], `author-${author.id}`);
    const sparse = await ctx.app.inject({ url: `/v1/articles/${a.id}?fields=headline` });
    t.equal(sparse.headers['surrogate-key'], `article-${a.id}`, 'no related keys when relations are left out');
    const bureaus = await ctx.app.inject({ url: '/v1/bureaus' });
    t.match(bureaus.headers['surrogate-key'], /^bureaus bureau-\d+/);
  });
});

t.test('validators belong to the representation of this URL (RFC 9110)', async (t) => {
  const ctx = await buildTestApp(t, { cache: { maxAge: 60, sMaxAge: 300, staleWhileRevalidate: 60, responseCacheBytes: 0 } });
  const a = await makeArticle(ctx, { headline: 'Harbour reopens', tags: [] });
  await publish(ctx, a.id);
  const draft = await makeArticle(ctx, { headline: 'Embargoed scoop', tags: [] });
  const list = await ctx.app.inject({ url: '/v1/articles' });
  const one = await ctx.app.inject({ url: `/v1/articles/${a.slug}` });
  const future = new Date(Date.now() + 86_400_000).toUTCString();

  for (const headers of [{ 'if-none-match': '*' }, { 'if-none-match': String(one.headers.etag) }, { 'if-modified-since': future }]) {
    const missing = await ctx.app.inject({ url: '/v1/articles/no-such-story', headers });
    t.equal(missing.statusCode, 404, `a missing article stays 404 with ${JSON.stringify(headers)}`);
    const hidden = await ctx.app.inject({ url: `/v1/articles/${draft.slug}`, headers });
    t.equal(hidden.statusCode, 404, `an anonymous conditional read of a draft stays 404 with ${JSON.stringify(headers)}`);
  }
  const other = await ctx.app.inject({ url: `/v1/articles/${a.slug}`, headers: { 'if-none-match': String(list.headers.etag) } });
  t.equal(other.statusCode, 200, "another URL's ETag does not validate this one");
  const star = await ctx.app.inject({ url: `/v1/articles/${a.slug}`, headers: { 'if-none-match': '*' } });
  t.equal(star.statusCode, 304, '`*` matches an article that exists');
  t.equal(one.headers['last-modified'], new Date(one.json().updatedAt).toUTCString(), 'Last-Modified is the newest time in the body');

  // Only a draft changes: nothing public moved, so the public validators stay put.
  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/articles/${draft.id}`,
    headers: { ...ctx.auth, 'if-match': `"v${draft.version}"` },
    payload: { headline: 'Embargoed scoop, rewritten' },
  });
  t.equal(patched.statusCode, 200);
  const listAfter = await ctx.app.inject({ url: '/v1/articles', headers: { 'if-none-match': String(list.headers.etag) } });
  t.equal(listAfter.statusCode, 304, 'a draft edit does not move the public list ETag');
  const oneAfter = await ctx.app.inject({ url: `/v1/articles/${a.slug}`, headers: { 'if-none-match': String(one.headers.etag) } });
  t.equal(oneAfter.statusCode, 304, 'nor the public article ETag');
});

t.test('a cached public read answers its 304 before the handler runs', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { tags: [] });
  await publish(ctx, a.id);
  const first = await ctx.app.inject({ url: '/v1/articles' });
  const seen = spyOnReads(t, ctx.app.db);
  const res = await ctx.app.inject({ url: '/v1/articles', headers: { 'if-none-match': String(first.headers.etag) } });
  t.equal(res.statusCode, 304);
  t.equal(res.body, '');
  t.equal(res.headers.etag, first.headers.etag);
  t.notOk(seen.some((s) => s.includes('article_authors')), 'no bylines were loaded');
  t.notOk(seen.some((s) => s.includes('"bureaus"')), 'no list query ran');
  const missing = await ctx.app.inject({ url: '/v1/articles/nope', headers: { 'if-none-match': '*' } });
  t.equal(missing.statusCode, 404, 'a URL the cache does not hold still goes to the handler');
});

t.test('the in-process response cache is never stale, also across processes', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { headline: 'Cached headline' });
  await publish(ctx, a.id);
  const first = await ctx.app.inject({ url: `/v1/articles/${a.slug}` });
  t.equal(first.json().headline, 'Cached headline');

  const metric = async (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await ctx.app.inject({ url: '/metrics' })).body)?.[1]);
  const hitsBefore = await metric('dateline_response_cache_hits_total');
  const hit = await ctx.app.inject({ url: `/v1/articles/${a.slug}` });
  t.equal(await metric('dateline_response_cache_hits_total'), hitsBefore + 1, 'served from the cache');
  t.equal(hit.body, first.body);
  t.equal(hit.headers.etag, first.headers.etag);
  t.equal(hit.headers['surrogate-key'], first.headers['surrogate-key']);
  t.match(hit.headers['content-type'], /^application\/json/);
  await ctx.app.inject({ url: '/v1/articles' });
  const filled = await metric('dateline_response_cache_bytes');
  t.ok(filled > 2 * first.body.length, 'two responses cached');

  // Another process writes to the same database: a second connection, as a script would.
  await writeElsewhere(ctx.config, "UPDATE articles SET headline = 'Changed elsewhere' WHERE id = ?", a.id);
  const after = await ctx.app.inject({ url: `/v1/articles/${a.slug}` });
  t.equal(after.json().headline, 'Changed elsewhere', 'the write from the other process is seen at once');
  t.not(after.headers.etag, first.headers.etag);
  const refilled = await metric('dateline_response_cache_bytes');
  t.ok(refilled < filled && refilled > after.body.length, 'entries made dead by the write were dropped, the new one kept');

  const tokened = await ctx.app.inject({ url: `/v1/articles/${a.slug}`, headers: ctx.auth });
  t.equal(tokened.headers['cache-control'], 'private, no-store', 'token reads never come from or go into it');
});

t.test('a commit that changes no content keeps the cached responses', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { tags: [] });
  await publish(ctx, a.id);
  const metric = async (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await ctx.app.inject({ url: '/metrics' })).body)?.[1]);
  const first = await ctx.app.inject({ url: `/v1/articles/${a.slug}` });
  // Not content: SQLite's data_version moves (another connection committed), the content state does not.
  await writeElsewhere(ctx.config, "UPDATE api_tokens SET last_used_at = '2026-01-01T00:00:00.000Z'");
  const hitsBefore = await metric('dateline_response_cache_hits_total');
  const again = await ctx.app.inject({ url: `/v1/articles/${a.slug}` });
  t.equal(await metric('dateline_response_cache_hits_total'), hitsBefore + 1, 'still served from the cache');
  t.equal(again.headers.etag, first.headers.etag);
});

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t, { type Test } from 'tap';
import { buildTestApp, testConfig } from './helpers/app.js';
import { sqliteOf } from './helpers/db.js';
import { makeArticle, publish } from './helpers/factories.js';
import { smallNewsroom } from './helpers/newsroom.js';

const SM = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS = 'http://www.google.com/schemas/sitemap-news/0.9';
const site = { ...testConfig('/tmp').site, url: 'https://news.example.com', name: 'The Example Times', sitemapPageSize: 2 };
const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['url', 'sitemap'].includes(name) });

function parse(t: Test, body: string) {
  t.equal(XMLValidator.validate(body), true, 'well-formed XML');
  return parser.parse(body) as Record<string, Record<string, unknown>>;
}

t.test('sitemap index, paged article sitemaps, listed items and the news sitemap', async (t) => {
  const ctx = await buildTestApp(t, { site, publicBaseUrl: 'https://api.example.com' });
  const n = await smallNewsroom(ctx);
  const third = await makeArticle(ctx, { bureau: n.bureau.slug, authors: [n.jane.slug] });
  await publish(ctx, third.id, '2020-01-01T00:00:00Z'); // old: in the article sitemap, not in the news sitemap

  const index = await ctx.app.inject({ url: '/sitemap.xml' });
  t.equal(index.statusCode, 200);
  t.equal(index.headers['content-type'], 'application/xml; charset=utf-8');
  t.match(index.headers['cache-control'], /^public/);
  const idx = parse(t, index.body).sitemapindex!;
  t.equal(idx['@_xmlns'], SM);
  const locs = (idx.sitemap as { loc: string }[]).map((s) => s.loc);
  // 4 articles (ids 1–4) at 2 per page, 1 bureau, 2 authors, 1 tag, and the news sitemap.
  t.same(locs, [
    'https://api.example.com/sitemaps/articles-1.xml',
    'https://api.example.com/sitemaps/articles-2.xml',
    'https://api.example.com/sitemaps/bureaus-1.xml',
    'https://api.example.com/sitemaps/authors-1.xml',
    'https://api.example.com/sitemaps/tags-1.xml',
    'https://api.example.com/sitemaps/news.xml',
  ]);

  const urls: { loc: string; lastmod: string }[] = [];
  for (const p of [1, 2]) {
    const res = await ctx.app.inject({ url: `/sitemaps/articles-${p}.xml` });
    t.equal(res.statusCode, 200);
    const set = parse(t, res.body).urlset!;
    t.equal(set['@_xmlns'], SM);
    const page = (set.url as { loc: string; lastmod: string }[] | undefined) ?? [];
    t.ok(page.length <= 2, 'a page holds at most SITEMAP_PAGE_SIZE URLs');
    urls.push(...page);
  }
  t.same(
    urls.map((u) => u.loc).sort(),
    [n.lead, n.second, third].map((a) => `https://news.example.com/${n.bureau.slug}/${a.slug}`).sort(),
    'every public article once, the draft never',
  );
  t.ok(urls.every((u) => /^\d{4}-\d{2}-\d{2}T/.test(u.lastmod)), 'each with lastmod');

  const authors = parse(t, (await ctx.app.inject({ url: '/sitemaps/authors-1.xml' })).body).urlset!;
  t.same((authors.url as { loc: string }[]).map((u) => u.loc).sort(), [n.ali, n.jane].map((a) => `https://news.example.com/authors/${a.slug}`).sort());
  const tags = parse(t, (await ctx.app.inject({ url: '/sitemaps/tags-1.xml' })).body).urlset!;
  t.same((tags.url as { loc: string }[]).map((u) => u.loc), [`https://news.example.com/tags/${n.tag.slug}`]);

  const news = await ctx.app.inject({ url: '/sitemaps/news.xml' });
  const set = parse(t, news.body).urlset!;
  t.equal(set['@_xmlns'], SM);
  t.equal(set['@_xmlns:news'], NEWS);
  const items = set.url as { loc: string; 'news:news': Record<string, unknown> }[];
  t.same(items.map((u) => u.loc), [n.second, n.lead].map((a) => `https://news.example.com/${n.bureau.slug}/${a.slug}`), 'last two days only, newest first');
  t.match(items[1]!['news:news'], {
    'news:publication': { 'news:name': 'The Example Times', 'news:language': 'en' },
    'news:publication_date': /^\d{4}-\d{2}-\d{2}T/,
    'news:title': 'Subway slow zones halved',
  });

  t.test('pages that do not exist and bad names are problem+json', async (t) => {
    const missing = await ctx.app.inject({ url: '/sitemaps/articles-9.xml' });
    t.equal(missing.statusCode, 404);
    t.match(missing.headers['content-type'], /problem\+json/);
    t.equal((await ctx.app.inject({ url: '/sitemaps/drafts-1.xml' })).statusCode, 400);
    t.equal((await ctx.app.inject({ url: '/sitemaps/articles-0.xml' })).statusCode, 400);
  });
});

t.test('an empty news sitemap or article page is an empty urlset, not an error', async (t) => {
  const ctx = await buildTestApp(t, { site });
  const n = await smallNewsroom(ctx);
  const old = await makeArticle(ctx, { bureau: n.bureau.slug, authors: [n.jane.slug] });
  await publish(ctx, old.id, '2020-01-01T00:00:00Z');
  // Unpublish what smallNewsroom published recently: nothing went live in the last two days.
  for (const a of [n.lead, n.second]) {
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${a.id}/unpublish`, headers: { ...ctx.auth, 'if-match': '*' } });
    t.equal(res.statusCode, 200, `unpublished ${a.slug}`);
  }
  const news = await ctx.app.inject({ url: '/sitemaps/news.xml' });
  t.equal(news.statusCode, 200);
  const set = parse(t, news.body).urlset!;
  t.equal(set['@_xmlns'], SM);
  t.equal(set['@_xmlns:news'], NEWS);
  t.notOk(set.url, 'no urls');
  const page = await ctx.app.inject({ url: '/sitemaps/articles-1.xml' });
  t.equal(page.statusCode, 200, 'a page of drafts only');
  t.notOk(parse(t, page.body).urlset!.url);
});

t.test('the news sitemap stops at 1,000 and the article pages never scan the table', async (t) => {
  const ctx = await buildTestApp(t, { site: { ...site, sitemapPageSize: 50_000 } });
  const n = await smallNewsroom(ctx);
  // Bulk rows straight into the table, as the benchmark's loader does (the API would take minutes).
  const now = Date.now();
  const { articles } = ctx.app.db.tables;
  const rows = Array.from({ length: 1100 }, (_, i) => {
    const at = new Date(now - 1000 - i * 1000).toISOString();
    return { slug: `bulk-${i}`, headline: `Bulk ${i}`, bureauId: n.bureau.id, status: 'published' as const, publishedAt: at, announcedAt: at, createdAt: at, updatedAt: at };
  });
  // One unit of work, in multi-row inserts (engines cap the parameters of one statement).
  await ctx.app.db.write(async () => {
    for (let i = 0; i < rows.length; i += 500) await ctx.app.db.conn.insert(articles).values(rows.slice(i, i + 500));
  });
  const set = parser.parse((await ctx.app.inject({ url: '/sitemaps/news.xml' })).body).urlset;
  t.equal(set.url.length, 1000, 'at most 1,000 URLs');
  const page = parser.parse((await ctx.app.inject({ url: '/sitemaps/articles-1.xml' })).body).urlset;
  t.equal(page.url.length, 1102);

  // The plans below are SQLite's planner output (EXPLAIN QUERY PLAN); PostgreSQL's planner
  // picks by statistics, and a table this small is rightly read whole there.
  if (ctx.app.db.engine !== 'sqlite') return;
  const db = sqliteOf(ctx.app.db).writer;
  const plan = (q: string) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  const pagePlan = plan(
    `SELECT a.id, a.slug, a.published_at, a.updated_at, b.slug FROM articles a JOIN bureaus b ON b.id = a.bureau_id
     WHERE a.status = 'published' AND a.id > 0 AND a.id <= 50000 AND a.published_at <= '2030' ORDER BY a.id`,
  );
  t.match(pagePlan, /SEARCH a USING COVERING INDEX articles_sitemap_idx \(status=\? AND id>\? AND id<\?\)/, pagePlan);
  const newsPlan = plan(
    `SELECT a.id FROM articles a JOIN bureaus b ON b.id = a.bureau_id WHERE a.status = 'published' AND a.published_at <= '2030'
     AND a.published_at > '2029' ORDER BY a.published_at DESC, a.id DESC LIMIT 1000`,
  );
  t.match(newsPlan, /SEARCH a USING INDEX articles_status_published_idx \(status=\? AND published_at>\? AND published_at<\?\)/, newsPlan);
  t.notMatch(pagePlan + newsPlan, /SCAN a/, 'no full scan');
});

t.test('without SITE_URL there are no sitemaps', async (t) => {
  const ctx = await buildTestApp(t);
  const res = await ctx.app.inject({ url: '/sitemap.xml' });
  t.equal(res.statusCode, 404);
  t.match(res.json().detail, /SITE_URL/);
});

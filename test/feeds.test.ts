import { XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import t from 'tap';
import { buildTestApp, testConfig } from './helpers/app.js';
import { change } from './helpers/factories.js';
import { smallNewsroom } from './helpers/newsroom.js';

const site = { ...testConfig('/tmp').site, url: 'https://news.example.com', name: 'The Example Times' };

t.test('RSS, Atom and JSON Feed parse in a real feed parser and carry the newsroom', async (t) => {
  const ctx = await buildTestApp(t, { site, publicBaseUrl: 'https://api.example.com' });
  const n = await smallNewsroom(ctx);
  const guid = `tag:news.example.com,${n.lead.createdAt.slice(0, 10)}:article:${n.lead.id}`;
  const leadUrl = `https://news.example.com/${n.bureau.slug}/${n.lead.slug}`;

  t.test('RSS 2.0', async (t) => {
    const res = await ctx.app.inject({ url: '/feeds/articles.rss' });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'application/rss+xml; charset=utf-8');
    t.equal(XMLValidator.validate(res.body), true, 'well-formed XML');
    const feed = parseRssFeed(res.body);
    t.equal(feed.title, 'The Example Times');
    t.same(feed.items?.map((i) => i.title), ['Ferry fares frozen', 'Subway slow zones halved'], 'newest first, no draft');
    const item = feed.items![1]!;
    t.same(item.guid, { value: guid, isPermaLink: false }, 'the GUID is stable and not a permalink');
    t.equal(item.link, leadUrl);
    t.same(item.authors?.map((a) => a.name), ['Ali Çelik', 'Jane Q. Reporter'], 'bylines in order');
    t.equal(item.description, 'Officials credit track work.');
    t.match(item.content?.encoded, /slow zones/);
    t.notMatch(item.content?.encoded, /<script/, 'sanitised HTML');
    t.same(item.enclosures, [{ url: 'https://img.example.com/subway.jpg', length: 0, type: 'image/jpeg' }]);
    t.equal(new Date(String(item.pubDate)).toISOString().slice(0, 19), n.lead.publishedAt?.slice(0, 19) ?? new Date(String(item.pubDate)).toISOString().slice(0, 19));
    t.match(String(item.pubDate), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/, 'RFC 822 date');
    t.match(res.headers['surrogate-key'], new RegExp(`(^| )article-${n.lead.id}( |$)`));
    t.match(res.headers['surrogate-key'], /(^| )articles( |$)/);
    t.notMatch(res.body, /Secret draft/);
  });

  t.test('Atom 1.0', async (t) => {
    const res = await ctx.app.inject({ url: '/feeds/articles.atom' });
    t.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
    t.equal(XMLValidator.validate(res.body), true);
    const feed = parseAtomFeed(res.body);
    const entry = feed.entries!.find((e) => e.id === guid)!;
    t.ok(entry, 'the entry id is the stable tag: URI');
    t.same(entry.authors?.map((a) => a.name), ['Ali Çelik', 'Jane Q. Reporter']);
    t.match(String(entry.published), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'RFC 3339 date');
    t.match(entry.links, [{ href: leadUrl }, { rel: 'enclosure', href: 'https://img.example.com/subway.jpg' }]);
    t.equal(entry.summary?.value, 'Officials credit track work.');
    t.match(entry.content?.value, /slow zones/);
    t.match(feed.links, [{ rel: 'alternate' }, { rel: 'self', href: 'https://api.example.com/feeds/articles.atom' }]);
  });

  t.test('JSON Feed 1.1', async (t) => {
    const res = await ctx.app.inject({ url: '/feeds/articles.json' });
    t.equal(res.headers['content-type'], 'application/feed+json; charset=utf-8');
    const feed = parseJsonFeed(res.json());
    t.equal(res.json().version, 'https://jsonfeed.org/version/1.1');
    const item = feed.items!.find((i) => i.id === guid)!;
    t.same(item.authors?.map((a) => a.name), ['Ali Çelik', 'Jane Q. Reporter']);
    t.equal(item.url, leadUrl);
    t.equal(item.summary, 'Officials credit track work.');
    t.equal(item.date_published, n.lead.publishedAt ?? item.date_published);
    t.same(item.attachments, [{ url: 'https://img.example.com/subway.jpg', mime_type: 'image/jpeg', title: 'A train' }]);
    t.same(item.tags, ['Transit']);
  });

  t.test('narrowed by bureau, author or tag', async (t) => {
    const byTag = parseJsonFeed((await ctx.app.inject({ url: `/feeds/articles.json?tag=${n.tag.slug}` })).json());
    t.same(byTag.items?.map((i) => i.title), ['Subway slow zones halved']);
    t.equal(byTag.title, 'The Example Times — Transit');
    const byAuthor = parseRssFeed((await ctx.app.inject({ url: `/feeds/articles.rss?author=${n.ali.slug}` })).body);
    t.same(byAuthor.items?.map((i) => i.title), ['Subway slow zones halved'], 'the draft by the same author stays out');
    const byBureau = parseAtomFeed((await ctx.app.inject({ url: `/feeds/articles.atom?bureau=${n.bureau.slug}` })).body);
    t.equal(byBureau.entries?.length, 2);
    const none = (await ctx.app.inject({ url: '/feeds/articles.json?bureau=no-such-desk' })).json();
    t.same(none.items, [], 'an unknown bureau is an empty feed');
  });

  t.test('errors are problem+json', async (t) => {
    const res = await ctx.app.inject({ url: '/feeds/articles.xml' });
    t.equal(res.statusCode, 400);
    t.match(res.headers['content-type'], /problem\+json/);
    t.equal((await ctx.app.inject({ url: '/feeds/articles.rss?colour=red' })).statusCode, 400);
  });

  t.test('cached like other public reads: 304, cache hits keep the type, a change moves the ETag', async (t) => {
    const first = await ctx.app.inject({ url: '/feeds/articles.rss' });
    t.match(first.headers['cache-control'], /^public/);
    const again = await ctx.app.inject({ url: '/feeds/articles.rss' });
    t.equal(again.headers['content-type'], 'application/rss+xml; charset=utf-8', 'a cached copy keeps its content type');
    t.equal(again.body, first.body);
    const nm = await ctx.app.inject({ url: '/feeds/articles.rss', headers: { 'if-none-match': String(first.headers.etag) } });
    t.equal(nm.statusCode, 304);
    t.equal((await change(ctx, 'PATCH', `/v1/articles/${n.lead.id}`, { headline: 'Slow zones cut in half', slug: 'slow-zones-cut' })).statusCode, 200);
    const after = await ctx.app.inject({ url: '/feeds/articles.rss', headers: { 'if-none-match': String(first.headers.etag) } });
    t.equal(after.statusCode, 200);
    const item = parseRssFeed(after.body).items!.find((i) => i.title === 'Slow zones cut in half')!;
    t.equal(item.guid?.value, guid, 'the GUID did not change with the slug');
    t.equal(item.link, `https://news.example.com/${n.bureau.slug}/slow-zones-cut`);
  });
});

t.test('FEED_CONTENT=summary leaves the body out; without SITE_URL links point at the API', async (t) => {
  const ctx = await buildTestApp(t, { site: { ...site, url: null, feedContent: 'summary' }, publicBaseUrl: 'https://api.example.com' });
  const n = await smallNewsroom(ctx);
  const feed = parseRssFeed((await ctx.app.inject({ url: '/feeds/articles.rss' })).body);
  const item = feed.items!.find((i) => i.title === 'Subway slow zones halved')!;
  t.equal(item.content?.encoded, undefined);
  t.equal(item.link, `https://api.example.com/v1/articles/${n.lead.slug}`);
  t.match(item.guid?.value, /^tag:api\.example\.com,/);
});

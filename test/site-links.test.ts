import t from 'tap';
import { loadConfig } from '../src/config.js';
import { buildTestApp, testConfig } from './helpers/app.js';
import { smallNewsroom } from './helpers/newsroom.js';

t.test('site settings are validated at start', async (t) => {
  const c = loadConfig({ SITE_URL: 'https://news.example.com/', SITE_ARTICLE_PATH: '/{yyyy}/{mm}/{dd}/{slug}' });
  t.equal(c.site.url, 'https://news.example.com', 'the trailing slash is dropped');
  t.equal(c.site.paths.article, '/{yyyy}/{mm}/{dd}/{slug}');
  t.equal(loadConfig({}).site.url, null, 'no site by default');
  t.throws(() => loadConfig({ SITE_ARTICLE_PATH: '/{section}/{slug}' }), { name: 'ConfigError', message: /SITE_ARTICLE_PATH: unknown placeholder \{section\}/ });
  t.throws(() => loadConfig({ SITE_TAG_PATH: '/tags/{bureau}' }), /SITE_TAG_PATH: unknown placeholder \{bureau\}/);
  t.throws(() => loadConfig({ SITE_AUTHOR_PATH: '/team' }), /SITE_AUTHOR_PATH: must contain \{slug\} or \{id\}/);
  t.throws(() => loadConfig({ SITE_BUREAU_PATH: 'desks/{slug}' }), /SITE_BUREAU_PATH: must start with \//);
  t.throws(() => loadConfig({ SITE_URL: 'news.example.com' }), /SITE_URL/);
  t.throws(() => loadConfig({ SITE_URL: 'ftp://news.example.com' }), /SITE_URL/);
  t.throws(() => loadConfig({ SITE_URL: 'https://news.example.com/?x=1' }), /SITE_URL/);
  t.throws(() => loadConfig({ CHANGES_RETENTION_DAYS: '0' }), /CHANGES_RETENTION_DAYS/);
  t.throws(() => loadConfig({ SITEMAP_PAGE_SIZE: '50001' }), /SITEMAP_PAGE_SIZE/);
});

t.test('JSON responses carry each item’s url when a site is set', async (t) => {
  const site = { ...testConfig('/tmp').site, url: 'https://news.example.com', paths: { ...testConfig('/tmp').site.paths, article: '/{yyyy}/{slug}-{id}' } };
  const ctx = await buildTestApp(t, { site });
  const n = await smallNewsroom(ctx);
  const year = new Date().toISOString().slice(0, 4);
  const article = (await ctx.app.inject({ url: `/v1/articles/${n.lead.id}` })).json();
  t.equal(article.url, `https://news.example.com/${year}/${n.lead.slug}-${n.lead.id}`);
  const list = (await ctx.app.inject({ url: '/v1/articles?include=&fields=headline,url' })).json();
  t.ok(list.data.every((a: { url?: string }) => a.url?.startsWith('https://news.example.com/')), 'also in lists, also with fields');
  t.equal((await ctx.app.inject({ url: `/v1/bureaus/${n.bureau.slug}` })).json().url, `https://news.example.com/bureaus/${n.bureau.slug}`);
  t.equal((await ctx.app.inject({ url: '/v1/authors' })).json().data[0].url, `https://news.example.com/authors/${n.ali.slug}`);
  t.equal((await ctx.app.inject({ url: '/v1/tags' })).json().data[0].url, `https://news.example.com/tags/${n.tag.slug}`);
  const created = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: ctx.auth, payload: { name: 'Ferries' } });
  t.equal(created.json().url, 'https://news.example.com/tags/ferries', 'writes answer with it too');
});

t.test('no url without a site', async (t) => {
  const ctx = await buildTestApp(t);
  const n = await smallNewsroom(ctx);
  t.notOk('url' in (await ctx.app.inject({ url: `/v1/articles/${n.lead.id}` })).json());
  t.notOk('url' in (await ctx.app.inject({ url: `/v1/tags/${n.tag.id}` })).json());
});

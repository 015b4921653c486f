import { Readable } from 'node:stream';
import { SitemapIndexStream, SitemapStream, streamToPromise, type SitemapItemLoose } from 'sitemap';
import { AppError } from '../../errors.js';
import type { SiteLinks } from '../../lib/site-links.js';
import type { Database } from '../../db/database.js';
import { createSitemapsRepository, type ListedKind } from './sitemaps.repository.js';

export type SitemapKind = 'articles' | ListedKind;
export const sitemapKinds = ['articles', 'bureaus', 'authors', 'tags'] as const satisfies SitemapKind[];

// Google News takes articles from the last two days, at most 1,000 per sitemap.
const NEWS_WINDOW_MS = 2 * 86_400_000;
const NEWS_LIMIT = 1000;
// Bureaus, authors and tags pages: the protocol's own limit.
const LISTED_PAGE = 50_000;

// The sitemap library refuses to end a stream it wrote nothing to (EmptySitemap), but an empty
// page is a real answer: no article went live in the last two days, or a page holds only drafts.
const EMPTY_URLSET = (news: boolean) =>
  '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"' +
  (news ? ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' : '') +
  '></urlset>';

const xml = async (stream: SitemapStream | SitemapIndexStream, items: unknown[], news = false) =>
  items.length === 0 ? EMPTY_URLSET(news) : (await streamToPromise(Readable.from(items).pipe(stream))).toString('utf8');

export function createSitemapsService(db: Database, opts: { links: SiteLinks; siteName: string; apiBase: string; articlePage: number }) {
  const repo = createSitemapsRepository(db);
  const { links } = opts;
  const pageSize = (kind: SitemapKind) => (kind === 'articles' ? opts.articlePage : LISTED_PAGE);
  const pages = async (kind: SitemapKind) => Math.max(1, Math.ceil((await repo.maxId(kind)) / pageSize(kind)));

  function requireSite() {
    if (!links.enabled) throw new AppError('not_found', 'Sitemaps list pages of the site: set SITE_URL to serve them');
  }

  const singular = { bureaus: 'bureau', authors: 'author', tags: 'tag' } as const;

  return {
    async index(): Promise<string> {
      requireSite();
      const entries: { url: string }[] = [];
      for (const kind of sitemapKinds) {
        const n = await pages(kind);
        for (let p = 1; p <= n; p++) entries.push({ url: `${opts.apiBase}/sitemaps/${kind}-${p}.xml` });
      }
      entries.push({ url: `${opts.apiBase}/sitemaps/news.xml` });
      return xml(new SitemapIndexStream(), entries);
    },

    async page(kind: SitemapKind, page: number, now = new Date()): Promise<string> {
      requireSite();
      if (page > (await pages(kind))) throw new AppError('not_found', `There is no ${kind} sitemap page ${page}; /sitemap.xml lists them`);
      const lo = (page - 1) * pageSize(kind);
      const hi = lo + pageSize(kind);
      const items: SitemapItemLoose[] =
        kind === 'articles'
          ? (await repo.articles(lo, hi, now.toISOString())).map((a) => ({ url: links.article(a)!, lastmod: a.updatedAt }))
          : (await repo.items(kind, lo, hi)).map((x) => ({ url: links.item(singular[kind], x)!, lastmod: x.updatedAt }));
      return xml(new SitemapStream(), items);
    },

    async news(now = new Date()): Promise<string> {
      requireSite();
      const since = new Date(now.getTime() - NEWS_WINDOW_MS).toISOString();
      const items: SitemapItemLoose[] = (await repo.news(since, now.toISOString(), NEWS_LIMIT)).map((a) => ({
        url: links.article(a)!,
        news: {
          publication: { name: opts.siteName, language: newsLanguage(a.language) },
          publication_date: a.publishedAt,
          title: a.headline,
        },
      }));
      return xml(new SitemapStream({ xmlns: { news: true, video: false, xhtml: false, image: false } }), items, true);
    },
  };
}

/** Google News wants ISO 639 codes, lower case; only zh-cn and zh-tw keep a region. */
function newsLanguage(tag: string) {
  const lower = tag.toLowerCase();
  return lower === 'zh-cn' || lower === 'zh-tw' ? lower : lower.split('-')[0]!;
}

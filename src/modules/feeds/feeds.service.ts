import { Feed } from 'feed';
import { articleUri } from '../../lib/item-uri.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { surrogateKeys } from '../../lib/surrogate-keys.js';
import type { ArticlesService } from '../articles/articles.service.js';
import type { FeedFilter, FeedFormat, JsonFeed } from './feeds.schemas.js';
import { imageType, newestPublic, type PublicArticle } from './public-article.js';

export type FeedSettings = {
  links: SiteLinks;
  siteName: string;
  /** The API's public address: feed self links, and item links when no SITE_URL is set. */
  apiBase: string;
  uriAuthority: string;
  content: 'html' | 'summary';
  items: number;
};

export function createFeedsService(articles: ArticlesService, s: FeedSettings) {
  const link = (a: PublicArticle) =>
    s.links.article({ id: a.id, slug: a.slug, bureauSlug: a.bureau.slug, publishedAt: a.publishedAt }) ?? `${s.apiBase}/v1/articles/${a.slug}`;
  const authorLink = (x: { id: number; slug: string }) => s.links.item('author', x) ?? undefined;

  /** "Site — Metro Desk": the narrowed feed is titled after what it narrows to. */
  function title(filter: FeedFilter, items: PublicArticle[]) {
    const first = items[0];
    const named = filter.bureau
      ? (first?.bureau.name ?? filter.bureau)
      : filter.author
        ? (first?.authors.find((a) => a.slug === filter.author)?.name ?? filter.author)
        : filter.tag
          ? (first?.tags.find((t) => t.slug === filter.tag)?.name ?? filter.tag)
          : null;
    return named ? `${s.siteName} — ${named}` : s.siteName;
  }

  function jsonFeed(items: PublicArticle[], feedTitle: string, self: (f: FeedFormat) => string): JsonFeed {
    return {
      version: 'https://jsonfeed.org/version/1.1',
      title: feedTitle,
      home_page_url: s.links.page('/') ?? s.apiBase,
      feed_url: self('json'),
      items: items.map((a) => ({
        id: articleUri(s.uriAuthority, a.id, a.createdAt),
        url: link(a),
        title: a.headline,
        ...(a.standfirst ? { summary: a.standfirst } : {}),
        ...(s.content === 'html' ? { content_html: a.bodyHtml } : { content_text: a.standfirst ?? a.headline }),
        ...(a.featuredImage ? { image: a.featuredImage.url } : {}),
        date_published: a.publishedAt,
        date_modified: a.updatedAt,
        authors: a.authors.map((x) => ({ name: x.name, ...(authorLink(x) ? { url: authorLink(x) } : {}) })),
        tags: a.tags.map((t) => t.name),
        language: a.language,
        ...(a.featuredImage
          ? { attachments: [{ url: a.featuredImage.url, mime_type: imageType(a.featuredImage.url), ...(a.featuredImage.alt ? { title: a.featuredImage.alt } : {}) }] }
          : {}),
      })),
    };
  }

  function xmlFeed(format: 'rss' | 'atom', items: PublicArticle[], feedTitle: string, self: (f: FeedFormat) => string) {
    const newest = items.reduce((m, a) => (a.updatedAt > m ? a.updatedAt : m), items[0]?.updatedAt ?? new Date(0).toISOString());
    const feed = new Feed({
      id: self(format),
      title: feedTitle,
      link: s.links.page('/') ?? s.apiBase,
      updated: new Date(newest),
      generator: 'Dateline',
      feedLinks: { rss: self('rss'), atom: self('atom'), json: self('json') },
    });
    for (const a of items) {
      feed.addItem({
        id: articleUri(s.uriAuthority, a.id, a.createdAt),
        guid: articleUri(s.uriAuthority, a.id, a.createdAt),
        title: a.headline,
        link: link(a),
        date: new Date(a.updatedAt),
        published: new Date(a.publishedAt),
        description: a.standfirst ?? undefined,
        content: s.content === 'html' ? a.bodyHtml : undefined,
        author: a.authors.map((x) => ({ name: x.name, link: authorLink(x) })),
        category: a.tags.map((t) => ({ name: t.name, term: t.slug, domain: s.links.item('tag', t) ?? undefined })),
        ...(a.featuredImage
          ? { enclosure: { url: a.featuredImage.url, type: imageType(a.featuredImage.url), length: 0, title: a.featuredImage.alt ?? undefined } }
          : {}),
      });
    }
    return format === 'rss' ? feed.rss2() : feed.atom1();
  }

  return {
    /** The feed document and the surrogate keys of everything in it. */
    async build(format: FeedFormat, filter: FeedFilter, query: string) {
      const items = await newestPublic(articles, filter, s.items);
      const self = (f: FeedFormat) => `${s.apiBase}/feeds/articles.${f}${query}`;
      const feedTitle = title(filter, items);
      const body = format === 'json' ? JSON.stringify(jsonFeed(items, feedTitle, self)) : xmlFeed(format, items, feedTitle, self);
      return { body, keys: surrogateKeys('article', { data: items }) };
    },
  };
}

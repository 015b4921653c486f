import { articleUri } from '../../lib/item-uri.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { surrogateKeys } from '../../lib/surrogate-keys.js';
import type { ArticlesService } from '../articles/articles.service.js';
import { imageType, newestPublic, onePublic, type PublicArticle, type PublicFilter } from '../feeds/public-article.js';
import { NINJS_SCHEMA, NINJS_VERSION, type Ninjs } from './ninjs.schemas.js';

/** "A", "A and B", "A, B and C": the byline as a reader sees it. */
export const byline = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

// Code points, not UTF-16 units: "Ali Çelik 😀" is 11 characters.
const chars = (s: string) => [...s].length;

export function createNinjsService(articles: ArticlesService, opts: { links: SiteLinks; siteName: string; uriAuthority: string }) {
  const { links } = opts;
  const toNinjs = (a: PublicArticle): Ninjs => {
    const uri = articleUri(opts.uriAuthority, a.id, a.createdAt);
    const page = links.article({ id: a.id, slug: a.slug, bureauSlug: a.bureau.slug, publishedAt: a.publishedAt });
    const optionalUri = (u: string | null) => (u ? { uri: u } : {});
    const image = a.featuredImage;
    return {
      uri,
      type: 'text',
      representationType: 'full',
      version: String(a.version),
      firstCreated: a.createdAt,
      versionCreated: a.updatedAt,
      contentCreated: a.publishedAt,
      pubStatus: 'usable',
      language: a.language,
      slugline: a.slug,
      headlines: [{ role: 'main', value: a.headline }],
      ...(a.standfirst ? { descriptions: [{ role: 'summary', contentType: 'text/plain', value: a.standfirst }] } : {}),
      bodies: [
        { role: 'main', contentType: 'text/html', charCount: chars(a.bodyText), wordCount: a.wordCount, value: a.bodyHtml },
        { role: 'main', contentType: 'text/plain', charCount: chars(a.bodyText), wordCount: a.wordCount, value: a.bodyText },
      ],
      ...(a.authors.length > 0 ? { by: byline(a.authors.map((x) => x.name)) } : {}),
      people: a.authors.map((x) => ({ name: x.name, rel: 'author', literal: x.slug, ...optionalUri(links.item('author', x)) })),
      organisations: [{ name: a.bureau.name, rel: 'bureau', literal: a.bureau.slug, ...optionalUri(links.item('bureau', a.bureau)) }],
      ...(a.dateline ? { located: a.dateline } : {}),
      subjects: a.tags.map((t) => ({ name: t.name, literal: t.slug, ...optionalUri(links.item('tag', t)) })),
      ...(page ? { renditions: [{ name: 'web', href: page, contentType: 'text/html', title: a.headline }] } : {}),
      altIds: [{ role: 'dateline-id', value: String(a.id) }],
      copyrightHolder: opts.siteName,
      ...(image
        ? {
            associations: [
              {
                name: 'featureimage',
                rel: 'featured',
                uri: `${uri}:featured-image`,
                type: 'picture' as const,
                ...(image.caption ? { headlines: [{ role: 'caption', value: image.caption }] } : {}),
                ...(image.alt ? { descriptions: [{ role: 'alt', value: image.alt }] } : {}),
                ...(image.credit ? { by: image.credit } : {}),
                renditions: [{ name: 'original', href: image.url, contentType: imageType(image.url) }],
              },
            ],
          }
        : {}),
      standard: { name: 'ninjs', version: NINJS_VERSION, schema: NINJS_SCHEMA },
    };
  };

  return {
    /** Public only, with or without a token: drafts and scheduled articles are a 404 here. */
    async one(key: string) {
      const a = await onePublic(articles, key);
      return { item: toNinjs(a), keys: surrogateKeys('article', a) };
    },
    async list(filter: PublicFilter, limit: number) {
      const items = await newestPublic(articles, filter, limit);
      return { data: items.map(toNinjs), keys: surrogateKeys('article', { data: items }) };
    },
  };
}

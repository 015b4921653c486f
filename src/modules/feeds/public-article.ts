import type { ArticlesService } from '../articles/articles.service.js';
import type { ListArticlesInput } from '../articles/articles.schemas.js';

type Summary = { id: number; slug: string; name: string };

/** A published article as feeds, sitemaps and ninjs read it: every relation, HTML and text bodies. */
export type PublicArticle = {
  id: number;
  slug: string;
  headline: string;
  standfirst: string | null;
  dateline: string | null;
  language: string;
  publishedAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  wordCount: number;
  featuredImage: { url: string; alt?: string | null; caption?: string | null; credit?: string | null } | null;
  bureau: Summary;
  authors: Summary[];
  tags: Summary[];
  bodyHtml: string;
  bodyText: string;
};

export type PublicFilter = { bureau?: string; author?: string; tag?: string; language?: string };

/**
 * The newest public articles through the articles service, so feeds and partner lists show
 * exactly what listArticles shows the public (published, publish time come), never a draft.
 */
export async function newestPublic(articles: ArticlesService, filter: PublicFilter, limit: number): Promise<PublicArticle[]> {
  const input: ListArticlesInput = {
    limit,
    include: ['authors', 'bureau', 'tags'],
    formats: ['html', 'text'],
    sort: '-publishedAt',
    ...filter,
  };
  return (await articles.list(input, true)).data as unknown as PublicArticle[];
}

/** One public article by id or slug (404 for a draft, as for getArticle without a token). */
export const onePublic = async (articles: ArticlesService, key: string): Promise<PublicArticle> =>
  (await articles.get(key, { publicOnly: true }, { include: ['authors', 'bureau', 'tags'], formats: ['html', 'text'] })) as unknown as PublicArticle;

const imageTypes: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
};

/** The media type of an image URL, from its extension. */
export const imageType = (url: string) => imageTypes[new URL(url).pathname.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

import { snippetHtml } from '../../lib/fts-query.js';
import { readingMinutes } from '../../lib/markdown.js';
import type { ArticleRow, BodyColumns, Summary } from './articles.repository.js';
import type { Article, ArticleField, ArticleView, Format, Include } from './articles.schemas.js';

export type ViewOptions = { include: Include[]; fields?: ArticleField[]; formats: Format[] };

const formatColumn = { markdown: 'body', html: 'bodyHtml', text: 'bodyText' } as const;

/** Which body columns to read: `fields`, when given, decides; otherwise `formats`. */
export function bodyColumns(o: ViewOptions): BodyColumns {
  const out: BodyColumns = {};
  for (const [format, column] of Object.entries(formatColumn) as [Format, keyof BodyColumns][]) {
    out[column] = o.fields ? o.fields.includes(column) : o.formats.includes(format);
  }
  return out;
}

export const wantsRelation = (o: ViewOptions, rel: Include) =>
  o.include.includes(rel) && (!o.fields || o.fields.includes(rel));

type Stored = Omit<Article, 'bureau' | 'authors' | 'tags' | 'body' | 'bodyHtml' | 'bodyText'>;

/** The stored columns every shape of an article starts from (in the schema's order). */
function storedFields(row: ArticleRow, now: string, urlOf?: (row: ArticleRow) => string | null): Stored {
  const stored: Stored = {
    id: row.id,
    slug: row.slug,
    headline: row.headline,
    standfirst: row.standfirst,
    dateline: row.dateline,
    language: row.language,
    // A published article whose time has not come is reported as scheduled.
    status: row.status === 'published' && row.publishedAt !== null && row.publishedAt > now ? 'scheduled' : row.status,
    publishedAt: row.publishedAt,
    wordCount: row.wordCount,
    readingTimeMinutes: readingMinutes(row.wordCount),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    featuredImage: row.imageUrl
      ? { url: row.imageUrl, alt: row.imageAlt, caption: row.imageCaption, credit: row.imageCredit }
      : null,
  };
  // Where the frontend shows it (SITE_URL and SITE_ARTICLE_PATH); absent when no site is set.
  const url = urlOf?.(row);
  if (url) stored.url = url;
  return stored;
}

/** The body renderings the row was read with. */
function bodies(row: ArticleRow): Pick<Article, 'body' | 'bodyHtml' | 'bodyText'> {
  return {
    ...(row.body !== undefined ? { body: row.body } : {}),
    ...(row.bodyHtml !== undefined ? { bodyHtml: row.bodyHtml } : {}),
    ...(row.bodyText !== undefined ? { bodyText: row.bodyText } : {}),
  };
}

const bureauOf = (row: ArticleRow): Summary => ({ id: row.bureauId, slug: row.bureauSlug, name: row.bureauName });

/** The whole article with its relations: what writes answer and revisions store. */
export function toArticle(row: ArticleRow, bylines: Summary[], tags: Summary[], now: string, urlOf?: (row: ArticleRow) => string | null): Article {
  return { ...storedFields(row, now, urlOf), bureau: bureauOf(row), authors: bylines, tags, ...bodies(row) };
}

/** Shapes a stored row into the API's article, leaving out what the reader did not ask for. */
export function toArticleView(
  row: ArticleRow,
  bylines: Map<number, Summary[]> | undefined,
  tagsOf: Map<number, Summary[]> | undefined,
  o: ViewOptions,
  now: string,
  urlOf?: (row: ArticleRow) => string | null,
): ArticleView {
  const full: ArticleView = storedFields(row, now, urlOf);
  if (wantsRelation(o, 'bureau')) full.bureau = bureauOf(row);
  if (bylines && wantsRelation(o, 'authors')) full.authors = bylines.get(row.id) ?? [];
  if (tagsOf && wantsRelation(o, 'tags')) full.tags = tagsOf.get(row.id) ?? [];
  Object.assign(full, bodies(row));
  if (row.snippet !== undefined) full.snippet = snippetHtml(row.snippet);
  if (!o.fields) return full;
  // `id` and `version` always come: a client needs them to link and to send If-Match.
  const picked: ArticleView = {
    id: row.id,
    version: row.version,
    ...(row.snippet !== undefined ? { snippet: full.snippet } : {}),
  };
  for (const f of o.fields) if (f in full && f !== 'version') Object.assign(picked, { [f]: full[f] });
  return picked;
}

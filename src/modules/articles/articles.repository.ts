import { and, eq, exists, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleAuthors, articles, articleTags, authors, bureaus, tags, type articleStatuses } from '../../db/schema.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import type { PagingInput } from '../shared/schemas.js';
import type { ArticleSort } from './articles.schemas.js';

export type Status = (typeof articleStatuses)[number];
export type Summary = { id: number; slug: string; name: string };

/** What a reader may see: the public sees published articles whose time has come. */
export type Visibility = { publicOnly: boolean; now: string };

export type ArticleFilter = {
  bureauId?: number;
  authorId?: number;
  tagId?: number;
  language?: string;
  publishedAfter?: string;
  publishedBefore?: string;
  status?: Status;
};

export type BodyColumns = { body?: boolean; bodyHtml?: boolean; bodyText?: boolean };

const sorts: Record<ArticleSort, SortSpec> = {
  '-publishedAt': { name: '-publishedAt', column: articles.publishedAt, dir: 'desc', nullable: true },
  publishedAt: { name: 'publishedAt', column: articles.publishedAt, dir: 'asc', nullable: true },
  '-updatedAt': { name: '-updatedAt', column: articles.updatedAt, dir: 'desc' },
  updatedAt: { name: 'updatedAt', column: articles.updatedAt, dir: 'asc' },
  headline: { name: 'headline', column: articles.headline, dir: 'asc' },
  '-headline': { name: '-headline', column: articles.headline, dir: 'desc' },
};

const sortKey: Record<ArticleSort, (r: ArticleRow) => string | null> = {
  '-publishedAt': (r) => r.publishedAt,
  publishedAt: (r) => r.publishedAt,
  '-updatedAt': (r) => r.updatedAt,
  updatedAt: (r) => r.updatedAt,
  headline: (r) => r.headline,
  '-headline': (r) => r.headline,
};

// Everything a list item needs; the body renderings are added only when asked for.
const baseColumns = {
  id: articles.id,
  slug: articles.slug,
  headline: articles.headline,
  standfirst: articles.standfirst,
  dateline: articles.dateline,
  language: articles.language,
  status: articles.status,
  publishedAt: articles.publishedAt,
  wordCount: articles.wordCount,
  version: articles.version,
  createdAt: articles.createdAt,
  updatedAt: articles.updatedAt,
  imageUrl: articles.imageUrl,
  imageAlt: articles.imageAlt,
  imageCaption: articles.imageCaption,
  imageCredit: articles.imageCredit,
  bureauId: bureaus.id,
  bureauSlug: bureaus.slug,
  bureauName: bureaus.name,
};

export type ArticleRow = {
  [K in keyof typeof baseColumns]: (typeof baseColumns)[K]['_']['notNull'] extends true
    ? (typeof baseColumns)[K]['_']['data']
    : (typeof baseColumns)[K]['_']['data'] | null;
} & { body?: string; bodyHtml?: string; bodyText?: string };

// The unary `+` keeps SQLite from using `published_at <= now` as the index range: it is a
// cheap filter (only scheduled articles fail it), and leaving the range free lets a keyset
// cursor seek straight to its row, so page 200 costs what page 1 does.
const visible = (v: Visibility) =>
  v.publicOnly ? and(eq(articles.status, 'published'), sql`+${articles.publishedAt} <= ${v.now}`) : undefined;

export function createArticlesRepository(db: Db) {
  const select = (bodies: BodyColumns) =>
    db
      .select({
        ...baseColumns,
        ...(bodies.body ? { body: articles.body } : {}),
        ...(bodies.bodyHtml ? { bodyHtml: articles.bodyHtml } : {}),
        ...(bodies.bodyText ? { bodyText: articles.bodyText } : {}),
      })
      .from(articles)
      .innerJoin(bureaus, eq(bureaus.id, articles.bureauId));

  const filterWhere = (f: ArticleFilter, v: Visibility): SQL | undefined =>
    and(
      visible(v),
      f.status ? eq(articles.status, f.status) : undefined,
      f.bureauId !== undefined ? eq(articles.bureauId, f.bureauId) : undefined,
      f.language ? eq(articles.language, f.language) : undefined,
      f.publishedAfter ? gte(articles.publishedAt, f.publishedAfter) : undefined,
      f.publishedBefore ? lt(articles.publishedAt, f.publishedBefore) : undefined,
      f.authorId !== undefined
        ? exists(
            db
              .select({ one: sql`1` })
              .from(articleAuthors)
              .where(and(eq(articleAuthors.articleId, articles.id), eq(articleAuthors.authorId, f.authorId))),
          )
        : undefined,
      f.tagId !== undefined
        ? exists(
            db
              .select({ one: sql`1` })
              .from(articleTags)
              .where(and(eq(articleTags.articleId, articles.id), eq(articleTags.tagId, f.tagId))),
          )
        : undefined,
    );

  return {
    find(key: string, v: Visibility, bodies: BodyColumns): ArticleRow | undefined {
      return select(bodies).where(and(idOrSlugWhere(articles, key), visible(v))).get() as ArticleRow | undefined;
    },

    /** The raw stored row, for services that need every column. */
    findStored: (key: string) => db.select().from(articles).where(idOrSlugWhere(articles, key)).get(),

    list(f: ArticleFilter, v: Visibility, sort: ArticleSort, paging: PagingInput, bodies: BodyColumns) {
      // Public reads never see a NULL publish time; leaving out the NULL branch lets SQLite
      // seek straight to the cursor in the index instead of filtering row by row.
      const spec = v.publicOnly ? { ...sorts[sort], nullable: false } : sorts[sort];
      const where = filterWhere(f, v);
      const rows = select(bodies)
        .where(and(where, afterCursor(spec, articles.id, paging)))
        .orderBy(...orderFor(spec, articles.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0)
        .all() as ArticleRow[];
      const total = paging.total ? countWhere(db, articles, where) : undefined;
      return finishPage(rows, paging, spec, sortKey[sort], total);
    },

    /** Bylines of many articles in one query, in byline order. */
    bylines(ids: number[]): Map<number, Summary[]> {
      const rows = ids.length
        ? db
            .select({ articleId: articleAuthors.articleId, id: authors.id, slug: authors.slug, name: authors.name })
            .from(articleAuthors)
            .innerJoin(authors, eq(authors.id, articleAuthors.authorId))
            .where(inArray(articleAuthors.articleId, ids))
            .orderBy(articleAuthors.articleId, articleAuthors.position)
            .all()
        : [];
      return groupBy(rows);
    },

    /** Tags of many articles in one query, by name. */
    tags(ids: number[]): Map<number, Summary[]> {
      const rows = ids.length
        ? db
            .select({ articleId: articleTags.articleId, id: tags.id, slug: tags.slug, name: tags.name })
            .from(articleTags)
            .innerJoin(tags, eq(tags.id, articleTags.tagId))
            .where(inArray(articleTags.articleId, ids))
            .orderBy(articleTags.articleId, tags.name)
            .all()
        : [];
      return groupBy(rows);
    },

    idBySlug: {
      bureau: (slug: string) => db.select({ id: bureaus.id }).from(bureaus).where(eq(bureaus.slug, slug)).get()?.id ?? -1,
      author: (slug: string) => db.select({ id: authors.id }).from(authors).where(eq(authors.slug, slug)).get()?.id ?? -1,
      tag: (slug: string) => db.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug)).get()?.id ?? -1,
    },

    insert: (values: typeof articles.$inferInsert) =>
      db.insert(articles).values(values).returning({ id: articles.id }).get().id,

    update: (id: number, values: Partial<typeof articles.$inferInsert>) =>
      db
        .update(articles)
        .set({ ...values, version: sql`${articles.version} + 1` })
        .where(eq(articles.id, id))
        .run(),

    replaceBylines(articleId: number, authorIds: number[]) {
      db.delete(articleAuthors).where(eq(articleAuthors.articleId, articleId)).run();
      if (authorIds.length) {
        db.insert(articleAuthors)
          .values(authorIds.map((authorId, position) => ({ articleId, authorId, position })))
          .run();
      }
    },

    replaceTags(articleId: number, tagIds: number[]) {
      db.delete(articleTags).where(eq(articleTags.articleId, articleId)).run();
      if (tagIds.length) db.insert(articleTags).values(tagIds.map((tagId) => ({ articleId, tagId }))).run();
    },

    countBylines: (articleId: number) => countWhere(db, articleAuthors, eq(articleAuthors.articleId, articleId)),

    remove: (id: number) => db.delete(articles).where(eq(articles.id, id)).run(),
  };
}

function groupBy(rows: (Summary & { articleId: number })[]): Map<number, Summary[]> {
  const out = new Map<number, Summary[]>();
  for (const { articleId, ...item } of rows) {
    const list = out.get(articleId);
    if (list) list.push(item);
    else out.set(articleId, [item]);
  }
  return out;
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;

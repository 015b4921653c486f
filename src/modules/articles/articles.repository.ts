import { and, count, eq, exists, getTableName, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Database } from '../../db/database.js';
import type { Dialect } from '../../db/dialect.js';
import { prepared } from '../../db/prepared.js';
import type { Conn } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { decodeCursor } from '../../lib/cursor.js';
import type { articleStatuses } from '../../db/schema.js';
import type { Tables } from '../../db/tables.js';
import { countWhere, isId } from '../shared/lookup.js';
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
  status?: Status | 'scheduled';
};

export type BodyColumns = { body?: boolean; bodyHtml?: boolean; bodyText?: boolean };

const sortsOf = ({ articles }: Tables): Record<Exclude<ArticleSort, 'relevance'>, SortSpec> => ({
  '-publishedAt': { name: '-publishedAt', column: articles.publishedAt, dir: 'desc', nullable: true },
  publishedAt: { name: 'publishedAt', column: articles.publishedAt, dir: 'asc', nullable: true },
  '-updatedAt': { name: '-updatedAt', column: articles.updatedAt, dir: 'desc' },
  updatedAt: { name: 'updatedAt', column: articles.updatedAt, dir: 'asc' },
  headline: { name: 'headline', column: articles.headline, dir: 'asc' },
  '-headline': { name: '-headline', column: articles.headline, dir: 'desc' },
});

const sortKey: Record<Exclude<ArticleSort, 'relevance'>, (r: ArticleRow) => string | null> = {
  '-publishedAt': (r) => r.publishedAt,
  publishedAt: (r) => r.publishedAt,
  '-updatedAt': (r) => r.updatedAt,
  updatedAt: (r) => r.updatedAt,
  headline: (r) => r.headline,
  '-headline': (r) => r.headline,
};

// Everything a list item needs; the body renderings are added only when asked for.
const baseColumnsOf = ({ articles, bureaus }: Tables) => ({
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
});
type BaseColumns = ReturnType<typeof baseColumnsOf>;

export type ArticleRow = {
  [K in keyof BaseColumns]: BaseColumns[K]['_']['notNull'] extends true ? BaseColumns[K]['_']['data'] : BaseColumns[K]['_']['data'] | null;
} & { body?: string; bodyHtml?: string; bodyText?: string; snippet?: string };

/** An article row as inserted: every list column but the bureau's (see insertRow). */
export type InsertedRow = Omit<ArticleRow, 'bureauId' | 'bureauSlug' | 'bureauName' | 'body' | 'bodyHtml' | 'bodyText' | 'snippet'>;

// `published_at <= now` must not be the index range: it is a cheap filter (only scheduled
// articles fail it), and leaving the range free lets a keyset cursor seek straight to its
// row, so page 200 costs what page 1 does.
const visible = (d: Dialect, { articles }: Tables, v: Visibility) =>
  v.publicOnly ? and(eq(articles.status, 'published'), sql`${d.filterOnly(articles.publishedAt)} <= ${v.now}`) : undefined;


/**
 * How deep a relevance search may page (offset + limit). Ranking sorts every match before
 * the page is cut, and deeper pages fetch ever more candidates; time sorts page by keyset
 * and can go as deep as they like.
 */
export const MAX_RELEVANCE_DEPTH = 1000;

function relevanceOffset(paging: PagingInput): number {
  let offset = paging.offset ?? 0;
  if (paging.cursor !== undefined) {
    const c = decodeCursor(paging.cursor);
    offset = c?.sort === 'relevance' && c.key !== null ? Number(c.key) : NaN;
    if (paging.offset !== undefined || !Number.isSafeInteger(offset) || offset < 0) {
      throw new AppError('invalid_cursor', 'The cursor is malformed or was made for another sort order', {
        errors: [{ path: 'query.cursor', message: 'Use the `meta.nextCursor` of a page with the same sort' }],
      });
    }
  }
  if (offset + paging.limit > MAX_RELEVANCE_DEPTH) {
    const hint = `offset + limit may be at most ${MAX_RELEVANCE_DEPTH} when sorting by relevance; to go deeper, sort by time (e.g. sort=-publishedAt) and page with the cursor`;
    throw new AppError('validation_failed', `A relevance search pages at most ${MAX_RELEVANCE_DEPTH} results deep`, {
      errors: [{ path: paging.cursor === undefined ? 'query.offset' : 'query.cursor', message: hint }],
    });
  }
  return offset;
}

/** `published` means live now; `scheduled` is published with a time still to come. */
const statusWhere = (d: Dialect, { articles }: Tables, status: ArticleFilter['status'], now: string) => {
  if (status === 'published') return and(eq(articles.status, 'published'), sql`${d.filterOnly(articles.publishedAt)} <= ${now}`);
  if (status === 'scheduled') return and(eq(articles.status, 'published'), sql`${articles.publishedAt} > ${now}`);
  return status ? eq(articles.status, status) : undefined;
};

/** True when nothing but visibility narrows a search (the public search box): most matches qualify. */
const searchOnly = (f: ArticleFilter) =>
  f.bureauId === undefined &&
  f.authorId === undefined &&
  f.tagId === undefined &&
  !f.language &&
  !f.publishedAfter &&
  !f.publishedBefore &&
  (f.status === undefined || f.status === 'published');

export function createArticlesRepository(db: Database) {
  const d = db.dialect;
  const search = d.search;
  const t = db.tables;
  const { articleAuthors, articles, articleTags, authors, bureaus, tags } = t;
  const sorts = sortsOf(t);
  const baseColumns = baseColumnsOf(t);
  const { bureauId: _id, bureauSlug: _slug, bureauName: _name, ...insertedColumns } = baseColumns;
  const RELEVANCE: SortSpec = { name: 'relevance', column: articles.id, dir: 'asc' };
  const countMatching = async (where: SQL | undefined, match?: string) => {
    if (!match) return countWhere(db, articles, where);
    const [row] = await db.conn
      .select({ n: count() })
      .from(articles)
      .innerJoin(search.source, search.joinOn(articles.id))
      .where(where);
    return row?.n ?? 0;
  };

  const select = (bodies: BodyColumns, match?: string) => {
    const query = db.conn
      .select({
        ...baseColumns,
        ...(bodies.body ? { body: articles.body } : {}),
        ...(bodies.bodyHtml ? { bodyHtml: articles.bodyHtml } : {}),
        ...(bodies.bodyText ? { bodyText: articles.bodyText } : {}),
        ...(match ? { snippet: search.snippet(match) } : {}),
      })
      .from(articles)
      .innerJoin(bureaus, eq(bureaus.id, articles.bureauId));
    return match ? query.innerJoin(search.source, search.joinOn(articles.id)) : query;
  };

  const filterWhere = (f: ArticleFilter, v: Visibility): SQL | undefined =>
    and(
      visible(d, t, v),
      statusWhere(d, t, f.status, v.now),
      f.bureauId !== undefined ? eq(articles.bureauId, f.bureauId) : undefined,
      f.language ? eq(articles.language, f.language) : undefined,
      f.publishedAfter ? gte(articles.publishedAt, f.publishedAfter) : undefined,
      f.publishedBefore ? lt(articles.publishedAt, f.publishedBefore) : undefined,
      f.authorId !== undefined
        ? exists(
            db.conn
              .select({ one: sql`1` })
              .from(articleAuthors)
              .where(and(eq(articleAuthors.articleId, articles.id), eq(articleAuthors.authorId, f.authorId))),
          )
        : undefined,
      f.tagId !== undefined
        ? exists(
            db.conn
              .select({ one: sql`1` })
              .from(articleTags)
              .where(and(eq(articleTags.articleId, articles.id), eq(articleTags.tagId, f.tagId))),
          )
        : undefined,
    );

  type RelatedRow = Summary & { articleId: number };
  type RelatedQuery = PromiseLike<RelatedRow[]> & { prepare(): { execute(values: { id: number }): PromiseLike<RelatedRow[]> } };
  /**
   * Items related to many articles in one query, grouped by article. One article (every
   * write, every single-article read) uses a statement prepared once.
   */
  const relation =
    (name: string, articleId: SQLiteColumn, query: (c: Conn, where: SQL) => RelatedQuery) =>
    async (ids: number[]): Promise<Map<number, Summary[]>> => {
      const c = db.conn;
      if (ids.length === 1) {
        const one = prepared(c, `articles.${name}:1`, () => query(c, eq(articleId, sql.placeholder('id'))).prepare());
        return groupBy(await one.execute({ id: ids[0]! }));
      }
      return groupBy(ids.length ? await query(c, inArray(articleId, ids)) : []);
    };

  /**
   * Relevance, best for a common word: FTS5 ranks every match on its own (no row of
   * `articles` read per match), then only the best candidates are joined, filtered and
   * given a snippet. Visibility drops few rows, so a small surplus almost always fills the
   * page; when it does not, the candidate list grows until it has every match.
   */
  async function rankedFirst(where: SQL, bodies: BodyColumns, match: string, offset: number, want: number): Promise<ArticleRow[]> {
    const c = db.conn;
    const ranked = prepared(c, 'articles.ranked', () =>
      c
        .select({ id: search.rowId })
        .from(search.source)
        .where(search.matches(sql.placeholder('match')))
        .orderBy(search.rank(sql.placeholder('match')), search.rowId)
        .limit(sql.placeholder('k'))
        .prepare(),
    );
    for (let k = 2 * (offset + want) + 32; ; k *= 4) {
      const ids = (await ranked.execute({ match, k })).map((r) => r.id);
      const rows = (await select(bodies, match).where(
        and(where, d.inIds(articles.id, ids)),
      )) as ArticleRow[];
      if (rows.length >= offset + want || ids.length < k) {
        const position = new Map(ids.map((id, i) => [id, i]));
        return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!).slice(offset, offset + want);
      }
    }
  }

  /** Relevance when a filter narrows the list: filter first, then rank what is left. */
  const joinedFirst = async (where: SQL, bodies: BodyColumns, match: string, offset: number, want: number) =>
    (await select(bodies, match)
      .where(where)
      .orderBy(search.rank(match), articles.id)
      .limit(want)
      .offset(offset)) as ArticleRow[];

  async function idBySlug(table: typeof bureaus | typeof authors | typeof tags, slug: string): Promise<number> {
    const c = db.conn;
    const query = prepared(c, `articles.idBySlug:${getTableName(table)}`, () =>
      c.select({ id: table.id }).from(table).where(eq(table.slug, sql.placeholder('slug'))).prepare(),
    );
    return (await query.execute({ slug }))[0]?.id ?? -1;
  }

  /**
   * Inserts an article and gives back its stored columns as the database wrote them (id,
   * defaults), bodies and bureau aside: the caller has those in hand, and a create's answer
   * needs no read after the insert.
   */
  async function insertRow(values: Tables['articles']['$inferInsert']): Promise<InsertedRow> {
    // Prepared per set of columns given (creates always give the same set).
    const columns = Object.keys(values).sort();
    const c = db.conn;
    const query = prepared(c, `articles.insertRow:${columns.join(',')}`, () =>
      c
        .insert(articles)
        .values(Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)])) as unknown as Tables['articles']['$inferInsert'])
        .returning(insertedColumns)
        .prepare(),
    );
    return (await query.execute(values as Record<string, unknown>))[0]! as InsertedRow;
  }

  return {
    async find(key: string, v: Visibility, bodies: BodyColumns): Promise<ArticleRow | undefined> {
      const byId = isId(key);
      const name = `articles.find:${byId}:${v.publicOnly}:${bodies.body}:${bodies.bodyHtml}:${bodies.bodyText}`;
      const query = prepared(db.conn, name, () =>
        select(bodies)
          .where(
            and(
              eq(byId ? articles.id : articles.slug, sql.placeholder('key')),
              v.publicOnly ? visible(d, t, { publicOnly: true, now: sql.placeholder('now') as unknown as string }) : undefined,
            ),
          )
          .prepare(),
      );
      return (await query.execute({ key: byId ? Number(key) : key, now: v.now }))[0] as ArticleRow | undefined;
    },

    /**
     * The raw stored row, for services that need every column. `lock`: for a unit of work
     * about to change it: the row stays as read (version, slug, status) until the unit ends,
     * and a concurrent writer of the same article waits here, then reads what this one wrote.
     */
    async findStored(key: string, lock = false) {
      const byId = isId(key);
      const c = db.conn;
      const query = prepared(c, `articles.findStored:${byId}:${lock}`, () => {
        const select = c.select().from(articles).where(eq(byId ? articles.id : articles.slug, sql.placeholder('key')));
        return (lock ? db.dialect.lockRows(select, 'no key update') : select).prepare();
      });
      return (await query.execute({ key: byId ? Number(key) : key }))[0];
    },

    async list(f: ArticleFilter, v: Visibility, sort: ArticleSort, paging: PagingInput, bodies: BodyColumns, match?: string) {
      const where = and(filterWhere(f, v), match ? search.matches(match) : undefined);
      const total = paging.total ? await countMatching(where, match) : undefined;
      if (sort === 'relevance') {
        if (!match) throw new AppError('validation_failed', 'Sorting by relevance needs a search (`q`)', { errors: [{ path: 'query.sort', message: 'Only with q' }] });
        // Ranked results page by position: the cursor carries the next offset.
        const offset = relevanceOffset(paging);
        const want = paging.limit + 1;
        const rows = searchOnly(f) ? await rankedFirst(where!, bodies, match, offset, want) : await joinedFirst(where!, bodies, match, offset, want);
        return finishPage(rows, paging, RELEVANCE, () => String(offset + paging.limit), total);
      }
      // Public reads never see a NULL publish time; leaving out the NULL branch lets SQLite
      // seek straight to the cursor in the index instead of filtering row by row.
      const spec = v.publicOnly ? { ...sorts[sort], nullable: false } : sorts[sort];
      const rows = (await select(bodies, match)
        .where(and(where, afterCursor(spec, articles.id, paging)))
        .orderBy(...orderFor(spec, articles.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0)) as ArticleRow[];
      return finishPage(rows, paging, spec, sortKey[sort], total);
    },

    /** Bylines of many articles in one query, in byline order. */
    bylines: relation('bylines', articleAuthors.articleId, (c, where) =>
      c
        .select({ articleId: articleAuthors.articleId, id: authors.id, slug: authors.slug, name: authors.name })
        .from(articleAuthors)
        .innerJoin(authors, eq(authors.id, articleAuthors.authorId))
        .where(where)
        .orderBy(articleAuthors.articleId, articleAuthors.position),
    ),

    /** Tags of many articles in one query, by name. */
    tags: relation('tags', articleTags.articleId, (c, where) =>
      c
        .select({ articleId: articleTags.articleId, id: tags.id, slug: tags.slug, name: tags.name })
        .from(articleTags)
        .innerJoin(tags, eq(tags.id, articleTags.tagId))
        .where(where)
        .orderBy(articleTags.articleId, tags.name),
    ),

    /** The id a filter's slug names, or -1 (matches nothing). Every uncached filtered page runs one: prepared. */
    idBySlug: {
      bureau: (slug: string) => idBySlug(bureaus, slug),
      author: (slug: string) => idBySlug(authors, slug),
      tag: (slug: string) => idBySlug(tags, slug),
    },

    /**
     * Scheduled articles whose time has come but whose `published` event has not gone out,
     * locked for the caller's unit of work. Rows another unit of work holds (an instance
     * announcing them, an editor changing one) are skipped: the next pass sees them.
     */
    dueForAnnouncement: async (now: string) =>
      (
        await db.dialect.lockRows(
          db.conn
            .select({ id: articles.id })
            .from(articles)
            .where(and(eq(articles.status, 'published'), isNull(articles.announcedAt), lte(articles.publishedAt, now)))
            .orderBy(articles.id),
          'no key update',
          { skipLocked: true },
        )
      ).map((r) => r.id),

    /**
     * Takes the announcement of one due article: true for the one caller that marked it.
     * Conditional as well as locked (dueForAnnouncement): a row announced by another instance
     * between its commit and this read changes nothing here.
     */
    claimAnnouncement: async (id: number, now: string) =>
      (
        await db.conn
          .update(articles)
          .set({ announcedAt: now })
          .where(and(eq(articles.id, id), eq(articles.status, 'published'), isNull(articles.announcedAt), lte(articles.publishedAt, now)))
          .returning({ id: articles.id })
      ).length === 1,

    markAnnounced: async (id: number, at: string | null) => {
      await db.conn.update(articles).set({ announcedAt: at }).where(eq(articles.id, id));
    },

    insertRow,

    update: async (id: number, values: Partial<Tables['articles']['$inferInsert']>) => {
      await db.conn
        .update(articles)
        .set({ ...values, version: sql`${articles.version} + 1` })
        .where(eq(articles.id, id));
    },

    /** The body text alone, without a new version: the second half of a create (see create). */
    async setBodyText(id: number, bodyText: string) {
      const c = db.conn;
      await prepared(c, 'articles.setBodyText', () =>
        c.update(articles).set({ bodyText: sql.placeholder('bodyText') as unknown as string }).where(eq(articles.id, sql.placeholder('id'))).prepare(),
      ).execute({ id, bodyText });
    },

    async replaceBylines(articleId: number, authorIds: number[], isNew = false) {
      const c = db.conn;
      if (!isNew) await c.delete(articleAuthors).where(eq(articleAuthors.articleId, articleId));
      if (authorIds.length === 0) return;
      // One statement for the whole byline (one round trip), prepared per byline length.
      const add = prepared(c, `articles.addBylines:${authorIds.length}`, () =>
        c
          .insert(articleAuthors)
          .values(authorIds.map((_, i) => ({ articleId: sql.placeholder('articleId'), authorId: sql.placeholder(`a${i}`), position: i })))
          .prepare(),
      );
      await add.execute({ articleId, ...Object.fromEntries(authorIds.map((id, i) => [`a${i}`, id])) });
    },

    async replaceTags(articleId: number, tagIds: number[], isNew = false) {
      const c = db.conn;
      if (!isNew) await c.delete(articleTags).where(eq(articleTags.articleId, articleId));
      if (tagIds.length === 0) return;
      const add = prepared(c, `articles.addTags:${tagIds.length}`, () =>
        c
          .insert(articleTags)
          .values(tagIds.map((_, i) => ({ articleId: sql.placeholder('articleId'), tagId: sql.placeholder(`t${i}`) })))
          .prepare(),
      );
      await add.execute({ articleId, ...Object.fromEntries(tagIds.map((id, i) => [`t${i}`, id])) });
    },

    async bylineIds(articleId: number) {
      const c = db.conn;
      const query = prepared(c, 'articles.bylineIds', () =>
        c
          .select({ id: articleAuthors.authorId })
          .from(articleAuthors)
          .where(eq(articleAuthors.articleId, sql.placeholder('id')))
          // In byline order: the newsroom rule compares places in the byline.
          .orderBy(articleAuthors.position)
          .prepare(),
      );
      return (await query.execute({ id: articleId })).map((r) => r.id);
    },

    remove: async (id: number) => {
      await db.conn.delete(articles).where(eq(articles.id, id));
    },
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

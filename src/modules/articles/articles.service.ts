import type { Database } from '../../db/database.js';
import { AppError, notFound } from '../../errors.js';
import { parseSearch, SearchLimitError, type SearchTerm } from '../../lib/fts-query.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { nowIso, toIso } from '../../lib/time.js';
import { redirectIfMoved } from '../shared/slug-history.js';
import { createArticlesRepository, type ArticleFilter, type ArticleRow, type Summary } from './articles.repository.js';
import type { Article, ListArticlesInput } from './articles.schemas.js';
import { bodyColumns, toArticle, toArticleView, wantsRelation, type ViewOptions } from './articles.view.js';
import type { RevisionLimits } from './articles.revisions.js';
import { createArticleWrites } from './articles.writes.js';
import type { WorkerPool } from '../../workers/pool.js';

export const ALL_VIEW: ViewOptions = { include: ['authors', 'bureau', 'tags'], formats: ['markdown', 'html'] };

const NO_BODIES = { body: false, bodyHtml: false, bodyText: false };

/** Who is reading: the public sees live articles; a token or a preview link sees more. */
export type Access = { publicOnly: boolean; previewArticleId?: number | null };

/** Offsets past this are skipped row by row: such pages go to a reader thread. */
const DEEP_OFFSET = 500;

/**
 * `workers`: where reads whose cost the caller controls run (searches, deep offsets,
 * counts); without it (demo data, scripts) they run in process.
 */
export type ArticlesOptions = RevisionLimits & { workers?: Pick<WorkerPool, 'read'>; links?: SiteLinks };

export function createArticlesService(db: Database, opts: ArticlesOptions) {
  const { articles } = db.tables;
  const repo = createArticlesRepository(db);
  const { links } = opts;
  const urlOf = links?.enabled
    ? (r: ArticleRow) => links.article({ id: r.id, slug: r.slug, bureauSlug: r.bureauSlug, publishedAt: r.publishedAt })
    : undefined;

  async function read(key: string, access: Access, o: ViewOptions, query = '') {
    const now = nowIso();
    const bodies = bodyColumns(o);
    let row = await repo.find(key, { publicOnly: access.publicOnly, now }, bodies);
    if (!row && access.previewArticleId) {
      // A preview link opens exactly one article, whatever its status.
      const any = await repo.find(key, { publicOnly: false, now }, bodies);
      if (any?.id === access.previewArticleId) row = any;
    }
    if (!row) {
      // An old slug redirects only to an article this caller could read: to anyone else a
      // renamed draft's old slug is a 404 like any unknown slug, so its new one never leaks.
      const canSee = async (id: number) =>
        !access.publicOnly || id === access.previewArticleId || (await repo.find(String(id), { publicOnly: true, now }, NO_BODIES)) !== undefined;
      await redirectIfMoved(db, 'article', articles, key, query, canSee);
      throw notFound('article', key);
    }
    const [bylines, tagMap] = await relations([row.id], o);
    return toArticleView(row, bylines, tagMap, o, now, urlOf);
  }

  // Bylines and tags at once: on PostgreSQL two pooled connections answer them in one round
  // trip's time instead of two (SQLite answers each at once either way).
  const relations = (ids: number[], o: ViewOptions) =>
    Promise.all([wantsRelation(o, 'authors') ? repo.bylines(ids) : undefined, wantsRelation(o, 'tags') ? repo.tags(ids) : undefined]);

  function searchFor(q: ListArticlesInput): string | undefined {
    if (q.q === undefined) return undefined;
    let terms: SearchTerm[] | null;
    try {
      terms = parseSearch(q.q);
    } catch (err) {
      if (!(err instanceof SearchLimitError)) throw err;
      throw new AppError('validation_failed', err.message, { errors: [{ path: 'query.q', message: err.message }] });
    }
    if (terms === null) {
      throw new AppError('validation_failed', 'The search has no words to look for', {
        errors: [{ path: 'query.q', message: 'Give at least one letter or digit' }],
      });
    }
    // The engine's own query text: an FTS5 MATCH on SQLite, a tsquery on PostgreSQL.
    return db.dialect.search.query(terms);
  }

  async function list(q: ListArticlesInput, publicOnly: boolean) {
    const { limit, cursor, offset, total, include, fields, formats, status } = q;
    if (publicOnly && status && status !== 'published') {
      throw new AppError('unauthorized', `Listing ${status} articles needs \`Authorization: Bearer <token>\``);
    }
    const match = searchFor(q);
    const sort = q.sort ?? (match ? 'relevance' : '-publishedAt');
    const o: ViewOptions = { include: include ?? ALL_VIEW.include, fields, formats };
    // An unknown slug in a filter matches nothing rather than failing: a frontend asking
    // for an empty bureau page gets an empty page.
    const filter: ArticleFilter = {
      status,
      language: q.language,
      publishedAfter: q.publishedAfter && toIso(q.publishedAfter),
      publishedBefore: q.publishedBefore && toIso(q.publishedBefore),
      bureauId: q.bureau === undefined ? undefined : await repo.idBySlug.bureau(q.bureau),
      authorId: q.author === undefined ? undefined : await repo.idBySlug.author(q.author),
      tagId: q.tag === undefined ? undefined : await repo.idBySlug.tag(q.tag),
    };
    const now = nowIso();
    const args: Parameters<typeof repo.list> = [filter, { publicOnly, now }, sort, { limit, cursor, offset, total }, bodyColumns(o), match];
    // The home page and keyset pages are index seeks and stay here; what the caller can make
    // expensive goes to a reader thread with a time budget.
    const costly = match !== undefined || total === true || (offset ?? 0) > DEEP_OFFSET;
    const page = costly && opts.workers ? await opts.workers.read('articles.list', args, repo.list) : await repo.list(...args);
    const [bylines, tagMap] = await relations(page.rows.map((r) => r.id), o);
    return { data: page.rows.map((r) => toArticleView(r, bylines, tagMap, o, now, urlOf)), meta: page.meta };
  }

  /** The full article as an editor sees it: the shape of write responses, events and revisions. */
  async function readAll(id: number): Promise<Article> {
    const now = nowIso();
    const row = await repo.find(String(id), { publicOnly: false, now }, bodyColumns(ALL_VIEW));
    if (!row) throw notFound('article', String(id));
    const [bylines, tagMap] = [await repo.bylines([id]), await repo.tags([id])];
    return toArticle(row, bylines.get(id) ?? [], tagMap.get(id) ?? [], now, urlOf);
  }

  const shape = (row: ArticleRow, bylines: Summary[], tags: Summary[]) => toArticle(row, bylines, tags, nowIso(), urlOf);
  return { get: read, list, ...createArticleWrites(db, repo, readAll, shape, opts) };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;

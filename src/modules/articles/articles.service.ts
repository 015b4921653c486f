import type { Db } from '../../db/client.js';
import { articles } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import { toFtsQuery } from '../../lib/fts-query.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { nowIso, toIso } from '../../lib/time.js';
import { redirectIfMoved } from '../shared/slug-history.js';
import { createArticlesRepository, type ArticleFilter, type ArticleRow } from './articles.repository.js';
import type { ListArticlesInput } from './articles.schemas.js';
import { bodyColumns, toArticleView, wantsRelation, type ViewOptions } from './articles.view.js';
import { createArticleWrites } from './articles.writes.js';

export const ALL_VIEW: ViewOptions = { include: ['authors', 'bureau', 'tags'], formats: ['markdown', 'html'] };

const NO_BODIES = { body: false, bodyHtml: false, bodyText: false };

/** Who is reading: the public sees live articles; a token or a preview link sees more. */
export type Access = { publicOnly: boolean; previewArticleId?: number | null };

export function createArticlesService(db: Db, opts: { revisionsKeep: number; links?: SiteLinks }) {
  const repo = createArticlesRepository(db);
  const { links } = opts;
  const urlOf = links?.enabled
    ? (r: ArticleRow) => links.article({ id: r.id, slug: r.slug, bureauSlug: r.bureauSlug, publishedAt: r.publishedAt })
    : undefined;

  function read(key: string, access: Access, o: ViewOptions, query = '') {
    const now = nowIso();
    const bodies = bodyColumns(o);
    let row = repo.find(key, { publicOnly: access.publicOnly, now }, bodies);
    if (!row && access.previewArticleId) {
      // A preview link opens exactly one article, whatever its status.
      const any = repo.find(key, { publicOnly: false, now }, bodies);
      if (any?.id === access.previewArticleId) row = any;
    }
    if (!row) {
      // An old slug redirects only to an article this caller could read: to anyone else a
      // renamed draft's old slug is a 404 like any unknown slug, so its new one never leaks.
      const canSee = (id: number) =>
        !access.publicOnly || id === access.previewArticleId || repo.find(String(id), { publicOnly: true, now }, NO_BODIES) !== undefined;
      redirectIfMoved(db, 'article', articles, key, query, canSee);
      throw notFound('article', key);
    }
    const ids = [row.id];
    return toArticleView(
      row,
      wantsRelation(o, 'authors') ? repo.bylines(ids) : undefined,
      wantsRelation(o, 'tags') ? repo.tags(ids) : undefined,
      o,
      now,
      urlOf,
    );
  }

  function list(q: ListArticlesInput, publicOnly: boolean) {
    const { limit, cursor, offset, total, include, fields, formats, status } = q;
    if (publicOnly && status && status !== 'published') {
      throw new AppError('unauthorized', `Listing ${status} articles needs \`Authorization: Bearer <token>\``);
    }
    const match = q.q === undefined ? undefined : toFtsQuery(q.q);
    if (match === null) {
      throw new AppError('validation_failed', 'The search has no words to look for', {
        errors: [{ path: 'query.q', message: 'Give at least one letter or digit' }],
      });
    }
    const sort = q.sort ?? (match ? 'relevance' : '-publishedAt');
    const o: ViewOptions = { include: include ?? ALL_VIEW.include, fields, formats };
    // An unknown slug in a filter matches nothing rather than failing: a frontend asking
    // for an empty bureau page gets an empty page.
    const filter: ArticleFilter = {
      status,
      language: q.language,
      publishedAfter: q.publishedAfter && toIso(q.publishedAfter),
      publishedBefore: q.publishedBefore && toIso(q.publishedBefore),
      bureauId: q.bureau === undefined ? undefined : repo.idBySlug.bureau(q.bureau),
      authorId: q.author === undefined ? undefined : repo.idBySlug.author(q.author),
      tagId: q.tag === undefined ? undefined : repo.idBySlug.tag(q.tag),
    };
    const now = nowIso();
    const page = repo.list(filter, { publicOnly, now }, sort, { limit, cursor, offset, total }, bodyColumns(o), match);
    const ids = page.rows.map((r) => r.id);
    const bylines = wantsRelation(o, 'authors') ? repo.bylines(ids) : undefined;
    const tagMap = wantsRelation(o, 'tags') ? repo.tags(ids) : undefined;
    return { data: page.rows.map((r) => toArticleView(r, bylines, tagMap, o, now, urlOf)), meta: page.meta };
  }

  /** The full article as an editor sees it: the shape of write responses, events and revisions. */
  const readAll = (id: number) => read(String(id), { publicOnly: false }, ALL_VIEW) as ReturnType<typeof read> & { version: number };

  return { get: read, list, ...createArticleWrites(db, repo, readAll, opts.revisionsKeep) };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;

import type { Db } from '../../db/client.js';
import { articles, authors, bureaus, tags } from '../../db/schema.js';
import { AppError, type FieldError } from '../../errors.js';
import { toFtsQuery } from '../../lib/fts-query.js';
import { countWords, renderHtml, renderText } from '../../lib/markdown.js';
import { slugFrom } from '../../lib/slug.js';
import { nowIso, toIso } from '../../lib/time.js';
import { slugConflict } from '../bureaus/bureaus.service.js';
import { freeSlug, listRefs, required, resolveRefs, slugTaken } from '../shared/lookup.js';
import { createArticlesRepository, type ArticleFilter, type Visibility } from './articles.repository.js';
import type { CreateArticle, ListArticlesInput, UpdateArticle } from './articles.schemas.js';
import { bodyColumns, toArticleView, wantsRelation, type ViewOptions } from './articles.view.js';

const ALL: ViewOptions = { include: ['authors', 'bureau', 'tags'], formats: ['markdown', 'html'] };

/** The renderings stored beside the Markdown, so reads never render. */
const rendered = (body: string) => {
  const bodyText = renderText(body);
  return { body, bodyHtml: renderHtml(body), bodyText, wordCount: countWords(bodyText) };
};

const image = (img: CreateArticle['featuredImage']) =>
  img === undefined
    ? {}
    : {
        imageUrl: img?.url ?? null,
        imageAlt: img?.alt ?? null,
        imageCaption: img?.caption ?? null,
        imageCredit: img?.credit ?? null,
      };

function assertPublishable(body: string, bylineCount: number) {
  const errors: FieldError[] = [];
  if (body.trim() === '') errors.push({ path: 'body.body', message: 'A published article needs a body' });
  if (bylineCount === 0) errors.push({ path: 'body.authors', message: 'A published article needs at least one author' });
  if (errors.length) {
    throw new AppError('unprocessable', `Cannot publish: ${errors.map((e) => e.message.toLowerCase()).join('; ')}`, {
      errors,
    });
  }
}

export function createArticlesService(db: Db) {
  const repo = createArticlesRepository(db);

  function read(key: string, v: Visibility, o: ViewOptions) {
    const row = required(repo.find(key, v, bodyColumns(o)), 'article', key);
    const ids = [row.id];
    return toArticleView(
      row,
      wantsRelation(o, 'authors') ? repo.bylines(ids) : undefined,
      wantsRelation(o, 'tags') ? repo.tags(ids) : undefined,
      o,
    );
  }
  const readAll = (id: number) => read(String(id), { publicOnly: false, now: nowIso() }, ALL);
  const stored = (key: string) => required(repo.findStored(key), 'article', key);

  return {
    get: read,

    list(q: ListArticlesInput, publicOnly: boolean) {
      const { limit, cursor, offset, total, include, fields, formats, status } = q;
      const match = q.q === undefined ? undefined : toFtsQuery(q.q);
      if (match === null) {
        throw new AppError('validation_failed', 'The search has no words to look for', {
          errors: [{ path: 'query.q', message: 'Give at least one letter or digit' }],
        });
      }
      const sort = q.sort ?? (match ? 'relevance' : '-publishedAt');
      if (publicOnly && status && status !== 'published') {
        throw new AppError('unauthorized', `Listing ${status} articles needs \`Authorization: Bearer <token>\``);
      }
      const o: ViewOptions = { include: include ?? ALL.include, fields, formats };
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
      const page = repo.list(filter, { publicOnly, now: nowIso() }, sort, { limit, cursor, offset, total }, bodyColumns(o), match);
      const ids = page.rows.map((r) => r.id);
      const bylines = wantsRelation(o, 'authors') ? repo.bylines(ids) : undefined;
      const tagMap = wantsRelation(o, 'tags') ? repo.tags(ids) : undefined;
      return { data: page.rows.map((r) => toArticleView(r, bylines, tagMap, o)), meta: page.meta };
    },

    create(input: CreateArticle) {
      // better-sqlite3 transactions are synchronous: everything inside runs before COMMIT.
      const id = db.transaction(() => {
        const [bureauId] = resolveRefs(db, bureaus, 'bureau', [['body.bureau', input.bureau]]);
        const authorIds = resolveRefs(db, authors, 'author', listRefs('body.authors', input.authors ?? []));
        const tagIds = resolveRefs(db, tags, 'tag', listRefs('body.tags', input.tags ?? []));
        if (input.slug && slugTaken(db, articles, input.slug)) throw slugConflict('article', input.slug);
        const now = nowIso();
        const articleId = repo.insert({
          headline: input.headline,
          slug: input.slug ?? freeSlug(db, articles, slugFrom(input.headline, 'article')),
          standfirst: input.standfirst ?? null,
          dateline: input.dateline ?? null,
          ...rendered(input.body ?? ''),
          bureauId: bureauId!,
          language: input.language ?? 'en',
          status: 'draft',
          publishedAt: input.publishedAt ? toIso(input.publishedAt) : null,
          ...image(input.featuredImage),
          createdAt: now,
          updatedAt: now,
        });
        repo.replaceBylines(articleId, authorIds);
        repo.replaceTags(articleId, tagIds);
        return articleId;
      });
      return readAll(id);
    },

    update(key: string, input: UpdateArticle) {
      const id = db.transaction(() => {
        const current = stored(key);
        if (input.slug && slugTaken(db, articles, input.slug, current.id)) throw slugConflict('article', input.slug);
        const { bureau, authors: authorRefs, tags: tagRefs, featuredImage, body, publishedAt, ...plain } = input;
        const changes: Partial<typeof articles.$inferInsert> = { ...plain, ...image(featuredImage), updatedAt: nowIso() };
        if (bureau !== undefined) changes.bureauId = resolveRefs(db, bureaus, 'bureau', [['body.bureau', bureau]])[0];
        if (body !== undefined) Object.assign(changes, rendered(body));
        if (publishedAt !== undefined) changes.publishedAt = publishedAt === null ? null : toIso(publishedAt);
        if (authorRefs !== undefined) repo.replaceBylines(current.id, resolveRefs(db, authors, 'author', listRefs('body.authors', authorRefs)));
        if (tagRefs !== undefined) repo.replaceTags(current.id, resolveRefs(db, tags, 'tag', listRefs('body.tags', tagRefs)));
        if (current.status === 'published') {
          assertPublishable(body ?? current.body, repo.countBylines(current.id));
          if (changes.publishedAt === null) {
            throw new AppError('unprocessable', 'A published article keeps its publish time; unpublish it first', {
              errors: [{ path: 'body.publishedAt', message: 'Cannot be null while published' }],
            });
          }
        }
        repo.update(current.id, changes);
        return current.id;
      });
      return readAll(id);
    },

    publish(key: string, publishedAt?: string) {
      const id = db.transaction(() => {
        const current = stored(key);
        assertPublishable(current.body, repo.countBylines(current.id));
        const when = publishedAt ? toIso(publishedAt) : (current.publishedAt ?? nowIso());
        repo.update(current.id, { status: 'published', publishedAt: when, updatedAt: nowIso() });
        return current.id;
      });
      return readAll(id);
    },

    /** Back to draft; the publish time is kept so a republish keeps the original time. */
    unpublish: (key: string) => setStatus(key, 'draft'),
    archive: (key: string) => setStatus(key, 'archived'),

    remove(key: string) {
      db.transaction(() => repo.remove(stored(key).id));
    },
  };

  function setStatus(key: string, status: 'draft' | 'archived') {
    const id = db.transaction(() => {
      const current = stored(key);
      repo.update(current.id, { status, updatedAt: nowIso() });
      return current.id;
    });
    return readAll(id);
  }
}

import type { Db } from '../../db/client.js';
import type { Rendered } from '../../lib/markdown.js';
import { articles, authors, bureaus, tags } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { slugFrom } from '../../lib/slug.js';
import { surrogateKeys } from '../../lib/surrogate-keys.js';
import { nowIso, toIso } from '../../lib/time.js';
import { enqueueEvent, type EventType } from '../webhooks/outbox.js';
import { audit, SYSTEM, type Actor } from '../shared/actor.js';
import { listRefs, required, resolveRefs } from '../shared/lookup.js';
import { checkVersion } from '../shared/preconditions.js';
import { assertSlugFree, forgetSlugs, freshSlug, rememberSlug } from '../shared/slug-history.js';
import { inWrite } from '../shared/transaction.js';
import type { ArticlesRepository } from './articles.repository.js';
import { createRevisions, diffSnapshots, type RevisionLimits, type Snapshot } from './articles.revisions.js';
import { assertMayEdit, assertPublishable, imageColumns, rendered } from './articles.rules.js';
import type { CreateArticle, UpdateArticle } from './articles.schemas.js';

/** `undefined`: no precondition sent; `null`: `If-Match: *`; a number: the version the client saw. */
export type Expected = number | null | undefined;

export function createArticleWrites(db: Db, repo: ArticlesRepository, readAll: (id: number) => Snapshot, limits: RevisionLimits) {
  const revisions = createRevisions(db, limits);
  const stored = (key: string) => required(repo.findStored(key), 'article', key);
  const isLive = (a: { status: string; announcedAt: string | null }) => a.status === 'published' && a.announcedAt !== null;

  /** Everything that follows a change, in its transaction: revision, audit entry, event. */
  function commit(id: number, actor: Actor, action: string, event?: EventType) {
    const snapshot = readAll(id);
    revisions.record(snapshot, actor);
    audit(db, actor, action, 'article', id, snapshot.version);
    if (event) enqueueEvent(db, event, snapshot, surrogateKeys('article', snapshot));
    return snapshot;
  }

  /** Loads the article and enforces the caller's precondition and, for writers, ownership. */
  function guard(key: string, actor: Actor, expected: Expected, required = true) {
    const current = stored(key);
    checkVersion(expected, current.version, required, () => readAll(current.id));
    assertMayEdit(actor, repo.bylineIds(current.id));
    return current;
  }

  function applyUpdate(key: string, input: UpdateArticle, actor: Actor, expected: Expected, requirePrecondition: boolean, action: string, pre?: Rendered) {
    return inWrite(db, () => {
      const current = guard(key, actor, expected, requirePrecondition);
      if (input.slug) assertSlugFree(db, 'article', articles, input.slug, current.id);
      const { bureau, authors: authorRefs, tags: tagRefs, featuredImage, body, publishedAt, ...plain } = input;
      const changes: Partial<typeof articles.$inferInsert> = { ...plain, ...imageColumns(featuredImage), updatedAt: nowIso() };
      if (bureau !== undefined) changes.bureauId = resolveRefs(db, bureaus, 'bureau', [['body.bureau', bureau]])[0];
      if (body !== undefined) Object.assign(changes, rendered(body, pre));
      if (publishedAt !== undefined) changes.publishedAt = publishedAt === null ? null : toIso(publishedAt);
      if (authorRefs !== undefined) {
        const ids = resolveRefs(db, authors, 'author', listRefs('body.authors', authorRefs));
        assertMayEdit(actor, ids); // a writer cannot take their own byline off
        repo.replaceBylines(current.id, ids);
      }
      if (tagRefs !== undefined) repo.replaceTags(current.id, resolveRefs(db, tags, 'tag', listRefs('body.tags', tagRefs)));
      if (current.status === 'published') {
        assertPublishable(body ?? current.body, repo.bylineIds(current.id).length);
        if (changes.publishedAt === null) {
          throw new AppError('unprocessable', 'A published article keeps its publish time; unpublish it first', {
            errors: [{ path: 'body.publishedAt', message: 'Cannot be null while published' }],
          });
        }
      }
      if (input.slug) rememberSlug(db, 'article', current.id, current.slug, input.slug);
      repo.update(current.id, changes);
      return commit(current.id, actor, action, isLive(current) ? 'article.updated' : undefined);
    });
  }

  function setStatus(key: string, status: 'draft' | 'archived', actor: Actor, expected: Expected) {
    return inWrite(db, () => {
      const current = guard(key, actor, expected);
      repo.update(current.id, { status, updatedAt: nowIso() });
      repo.markAnnounced(current.id, null);
      return commit(current.id, actor, `article.${status === 'draft' ? 'unpublished' : 'archived'}`, isLive(current) ? 'article.unpublished' : undefined);
    });
  }

  return {
    /** `body`: the input's body rendered beforehand (off the event loop); rendered here when absent. */
    create(input: CreateArticle, actor: Actor, body?: Rendered) {
      return inWrite(db, () => {
        const [bureauId] = resolveRefs(db, bureaus, 'bureau', [['body.bureau', input.bureau]]);
        const authorIds = resolveRefs(db, authors, 'author', listRefs('body.authors', input.authors ?? []));
        const tagIds = resolveRefs(db, tags, 'tag', listRefs('body.tags', input.tags ?? []));
        assertMayEdit(actor, authorIds);
        if (input.slug) assertSlugFree(db, 'article', articles, input.slug);
        const now = nowIso();
        const id = repo.insert({
          headline: input.headline,
          slug: input.slug ?? freshSlug(db, 'article', articles, slugFrom(input.headline, 'article')),
          standfirst: input.standfirst ?? null,
          dateline: input.dateline ?? null,
          ...rendered(input.body ?? '', body),
          bureauId: bureauId!,
          language: input.language ?? 'en',
          status: 'draft',
          publishedAt: input.publishedAt ? toIso(input.publishedAt) : null,
          ...imageColumns(input.featuredImage),
          createdAt: now,
          updatedAt: now,
        });
        repo.replaceBylines(id, authorIds, true);
        repo.replaceTags(id, tagIds, true);
        return commit(id, actor, 'article.created');
      });
    },

    update: (key: string, input: UpdateArticle, actor: Actor, expected: Expected, body?: Rendered) =>
      applyUpdate(key, input, actor, expected, true, 'article.updated', body),

    publish(key: string, publishedAt: string | undefined, actor: Actor, expected: Expected) {
      return inWrite(db, () => {
        const current = guard(key, actor, expected);
        assertPublishable(current.body, repo.bylineIds(current.id).length);
        const now = nowIso();
        const when = publishedAt ? toIso(publishedAt) : (current.publishedAt ?? now);
        repo.update(current.id, { status: 'published', publishedAt: when, updatedAt: now });
        // A future time schedules it: the scheduler announces it when the time comes.
        const live = when <= now;
        repo.markAnnounced(current.id, live ? now : null);
        const event = live ? (isLive(current) ? 'article.updated' : 'article.published') : isLive(current) ? 'article.unpublished' : undefined;
        return commit(current.id, actor, 'article.published', event);
      });
    },

    unpublish: (key: string, actor: Actor, expected: Expected) => setStatus(key, 'draft', actor, expected),
    archive: (key: string, actor: Actor, expected: Expected) => setStatus(key, 'archived', actor, expected),

    remove(key: string, actor: Actor, expected: Expected) {
      inWrite(db, () => {
        const current = guard(key, actor, expected);
        const last = readAll(current.id);
        repo.remove(current.id);
        forgetSlugs(db, 'article', current.id);
        audit(db, actor, 'article.deleted', 'article', current.id, current.version);
        if (isLive(current)) enqueueEvent(db, 'article.deleted', { id: current.id, slug: current.slug }, surrogateKeys('article', last));
      });
    },

    /** Sends `article.published` for scheduled articles whose time has come (also after downtime). */
    announceDue(now = nowIso()): number {
      return inWrite(db, () => {
        const due = repo.dueForAnnouncement(now);
        for (const id of due) {
          repo.markAnnounced(id, now);
          const snapshot = readAll(id);
          audit(db, SYSTEM, 'article.went_live', 'article', id, snapshot.version);
          enqueueEvent(db, 'article.published', snapshot, surrogateKeys('article', snapshot));
        }
        return due.length;
      });
    },

    revisions: {
      list: (key: string) => revisions.list(stored(key).id),
      get: (key: string, version: number) => revisions.get(stored(key).id, version),
      compare(key: string, from: number, to: number) {
        const id = stored(key).id;
        return { from, to, changes: diffSnapshots(revisions.get(id, from).snapshot, revisions.get(id, to).snapshot) };
      },
      /** Puts an old revision's content back; the result is a new version and revision. */
      restore(key: string, version: number, actor: Actor, expected: Expected, body?: Rendered) {
        const old = revisions.get(stored(key).id, version).snapshot as Snapshot & {
          bureau: { id: number };
          authors: { id: number }[];
          tags: { id: number }[];
          featuredImage: CreateArticle['featuredImage'];
        };
        const input: UpdateArticle = {
          headline: old.headline as string,
          slug: old.slug as string,
          standfirst: old.standfirst as string | null,
          dateline: old.dateline as string | null,
          body: old.body as string,
          language: old.language as string,
          featuredImage: old.featuredImage,
          bureau: old.bureau.id,
          authors: old.authors.map((a) => a.id),
          tags: old.tags.map((t) => t.id),
        };
        return applyUpdate(key, input, actor, expected, false, 'article.restored', body);
      },
    },
  };
}

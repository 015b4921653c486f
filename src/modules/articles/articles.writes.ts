import type { Database } from '../../db/database.js';
import { together } from '../../db/together.js';
import type { Tables } from '../../db/tables.js';
import type { Rendered } from '../../lib/markdown.js';
import { AppError } from '../../errors.js';
import { slugFrom } from '../../lib/slug.js';
import { surrogateKeys } from '../../lib/surrogate-keys.js';
import { nowIso, toIso } from '../../lib/time.js';
import { enqueueEvent, type EventType } from '../webhooks/outbox.js';
import { audit, SYSTEM, type Actor } from '../shared/actor.js';
import { listRefs, required, resolveRefs, resolveSummaries } from '../shared/lookup.js';
import { checkVersion } from '../shared/preconditions.js';
import { assertSlugFree, forgetSlugs, freshSlug, markSlugPublic, redirectIfMoved } from '../shared/slug-history.js';
import type { ArticleRow, ArticlesRepository, Summary } from './articles.repository.js';
import { createRevisions, diffSnapshots, type RevisionLimits, type Snapshot } from './articles.revisions.js';
import { assertEditorial, assertMayChange, assertMayEdit, assertPublishable, imageColumns, isPublicNow, rendered } from './articles.rules.js';
import type { CreateArticle, UpdateArticle } from './articles.schemas.js';

/** `undefined`: no precondition sent; `null`: `If-Match: *`; a number: the version the client saw. */
export type Expected = number | null | undefined;

/** The full article from a row and its relations, as readAll gives it (what writes answer). */
export type ShapeArticle = (row: ArticleRow, bylines: Summary[], tags: Summary[]) => Snapshot;

export function createArticleWrites(
  db: Database,
  repo: ArticlesRepository,
  readAll: (id: number) => Promise<Snapshot>,
  shape: ShapeArticle,
  limits: RevisionLimits,
) {
  const { articles, authors, bureaus, tags } = db.tables;
  const revisions = createRevisions(db, limits);
  /**
   * The stored article; an old slug answers 308 to the same operation at the current one.
   * `lock`: for a write, the row is held until the unit of work ends (the If-Match check,
   * the revision number and the slug decisions all read it).
   */
  const stored = async (key: string, lock = false) => {
    const row = await repo.findStored(key, lock);
    if (!row) await redirectIfMoved(db, 'article', articles, key);
    return required(row, 'article', key);
  };
  const isLive = (a: { status: string; announcedAt: string | null }) => a.status === 'published' && a.announcedAt !== null;

  /** Everything that follows a change, in its transaction: revision, audit entry, event. */
  async function commit(id: number, actor: Actor, action: string, event?: EventType, inHand?: Snapshot) {
    const snapshot = inHand ?? (await readAll(id));
    await together([revisions.record(snapshot, actor), audit(db, actor, action, 'article', id, snapshot.version)]);
    if (event) await enqueueEvent(db, event, snapshot, surrogateKeys('article', snapshot));
    return snapshot;
  }

  /**
   * Loads the article, enforces the caller's precondition (every write needs one) and the
   * newsroom rule, and — when the article is public right now — records its slug as one
   * that was public: only such slugs keep redirecting after a rename (see markSlugPublic).
   * Every way out of public view (unpublish, archive, a later publish time, a rename) is a
   * write through here, so no public slug is missed.
   */
  async function guard(key: string, actor: Actor, expected: Expected, bylineAfter?: () => Promise<number[] | undefined>) {
    const current = await stored(key, true);
    const stale = expected !== undefined && expected !== null && expected !== current.version;
    checkVersion(expected, current.version, true, stale ? await readAll(current.id) : undefined);
    assertMayChange(actor, current, await repo.bylineIds(current.id), await bylineAfter?.());
    if (isPublicNow(current, nowIso())) await markSlugPublic(db, 'article', current.id, current.slug);
    return current;
  }

  function applyUpdate(key: string, input: UpdateArticle, actor: Actor, expected: Expected, action: string, pre?: Rendered) {
    return db.write(async () => {
      const { bureau, authors: authorRefs, tags: tagRefs, featuredImage, body, publishedAt, ...plain } = input;
      let authorIds: number[] | undefined;
      const resolveAuthors = async () =>
        (authorIds = authorRefs === undefined ? undefined : await resolveRefs(db, authors, 'author', listRefs('body.authors', authorRefs)));
      const current = await guard(key, actor, expected, resolveAuthors);
      if (input.slug) await assertSlugFree(db, 'article', articles, input.slug, current.id);
      const changes: Partial<Tables['articles']['$inferInsert']> = { ...plain, ...imageColumns(featuredImage), updatedAt: nowIso() };
      if (bureau !== undefined) changes.bureauId = (await resolveRefs(db, bureaus, 'bureau', [['body.bureau', bureau]]))[0];
      if (body !== undefined) Object.assign(changes, rendered(body, pre));
      if (publishedAt !== undefined) changes.publishedAt = publishedAt === null ? null : toIso(publishedAt);
      if (authorIds !== undefined) await repo.replaceBylines(current.id, authorIds);
      if (tagRefs !== undefined) await repo.replaceTags(current.id, await resolveRefs(db, tags, 'tag', listRefs('body.tags', tagRefs)));
      if (current.status === 'published') {
        assertPublishable(body ?? current.body, (await repo.bylineIds(current.id)).length);
        if (changes.publishedAt === null) {
          throw new AppError('unprocessable', 'A published article keeps its publish time; unpublish it first', {
            errors: [{ path: 'body.publishedAt', message: 'Cannot be null while published' }],
          });
        }
      }
      await repo.update(current.id, changes);
      return commit(current.id, actor, action, isLive(current) ? 'article.updated' : undefined);
    });
  }

  function setStatus(key: string, status: 'draft' | 'archived', actor: Actor, expected: Expected) {
    return db.write(async () => {
      assertEditorial(actor, status === 'draft' ? 'unpublish' : 'archive');
      const current = await guard(key, actor, expected);
      await repo.update(current.id, { status, updatedAt: nowIso() });
      await repo.markAnnounced(current.id, null);
      return commit(current.id, actor, `article.${status === 'draft' ? 'unpublished' : 'archived'}`, isLive(current) ? 'article.unpublished' : undefined);
    });
  }

  return {
    /** `body`: the input's body rendered beforehand (off the event loop); rendered here when absent. */
    create(input: CreateArticle, actor: Actor, body?: Rendered) {
      return db.write(async () => {
        const [[bureau], bylines, tagList] = await together([
          resolveSummaries(db, bureaus, 'bureau', [['body.bureau', input.bureau]]),
          resolveSummaries(db, authors, 'author', listRefs('body.authors', input.authors ?? [])),
          resolveSummaries(db, tags, 'tag', listRefs('body.tags', input.tags ?? [])),
        ]);
        const authorIds = bylines.map((a) => a.id);
        assertMayEdit(actor, authorIds);
        if (input.slug) await assertSlugFree(db, 'article', articles, input.slug);
        const now = nowIso();
        const r = rendered(input.body ?? '', body);
        // SQLite's search row (articles_fts) is built by triggers: once when the row goes in
        // and again for each byline added. Inserting the body text after the bylines means its
        // words are indexed once, not once per byline (the other passes see only headline
        // and standfirst). Where bylines are indexed apart, the body goes in with the row.
        const bodyLater = authorIds.length > 0 && db.dialect.search.bylinesReindexBody;
        const row = await repo.insertRow({
          headline: input.headline,
          slug: input.slug ?? (await freshSlug(db, 'article', articles, slugFrom(input.headline, 'article'))),
          standfirst: input.standfirst ?? null,
          dateline: input.dateline ?? null,
          ...r,
          bodyText: bodyLater ? '' : r.bodyText,
          bureauId: bureau!.id,
          language: input.language ?? 'en',
          status: 'draft',
          publishedAt: input.publishedAt ? toIso(input.publishedAt) : null,
          ...imageColumns(input.featuredImage),
          createdAt: now,
          updatedAt: now,
        });
        const { id } = row;
        await together([repo.replaceBylines(id, authorIds, true), repo.replaceTags(id, tagList.map((t) => t.id), true)]);
        if (bodyLater) await repo.setBodyText(id, r.bodyText);
        // The answer is built from what was just written, not read back (three reads fewer on
        // every create). Tags are listed by name in the engine's collation: more than one is
        // read back so that the order is the engine's, as on every later read.
        const tagsInOrder = tagList.length > 1 ? ((await repo.tags([id])).get(id) ?? []) : tagList;
        const full = { ...row, bureauId: bureau!.id, bureauSlug: bureau!.slug, bureauName: bureau!.name, body: r.body, bodyHtml: r.bodyHtml };
        return commit(id, actor, 'article.created', undefined, shape(full, bylines, tagsInOrder));
      });
    },

    update: (key: string, input: UpdateArticle, actor: Actor, expected: Expected, body?: Rendered) =>
      applyUpdate(key, input, actor, expected, 'article.updated', body),

    publish(key: string, publishedAt: string | undefined, actor: Actor, expected: Expected) {
      return db.write(async () => {
        assertEditorial(actor, 'publish');
        const current = await guard(key, actor, expected);
        assertPublishable(current.body, (await repo.bylineIds(current.id)).length);
        const now = nowIso();
        const when = publishedAt ? toIso(publishedAt) : (current.publishedAt ?? now);
        await repo.update(current.id, { status: 'published', publishedAt: when, updatedAt: now });
        // A future time schedules it: the scheduler announces it when the time comes.
        const live = when <= now;
        await repo.markAnnounced(current.id, live ? now : null);
        const event = live ? (isLive(current) ? 'article.updated' : 'article.published') : isLive(current) ? 'article.unpublished' : undefined;
        return commit(current.id, actor, 'article.published', event);
      });
    },

    unpublish: (key: string, actor: Actor, expected: Expected) => setStatus(key, 'draft', actor, expected),
    archive: (key: string, actor: Actor, expected: Expected) => setStatus(key, 'archived', actor, expected),

    async remove(key: string, actor: Actor, expected: Expected) {
      await db.write(async () => {
        assertEditorial(actor, 'delete');
        const current = await guard(key, actor, expected);
        const last = await readAll(current.id);
        await repo.remove(current.id);
        await forgetSlugs(db, 'article', current.id);
        await audit(db, actor, 'article.deleted', 'article', current.id, current.version);
        if (isLive(current)) await enqueueEvent(db, 'article.deleted', { id: current.id, slug: current.slug }, surrogateKeys('article', last));
      });
    },

    /** Sends `article.published` for scheduled articles whose time has come (also after downtime). */
    announceDue(now = nowIso()): Promise<number> {
      return db.write(async () => {
        let announced = 0;
        for (const id of await repo.dueForAnnouncement(now)) {
          if (!(await repo.claimAnnouncement(id, now))) continue; // another instance did
          const snapshot = await readAll(id);
          await audit(db, SYSTEM, 'article.went_live', 'article', id, snapshot.version);
          await enqueueEvent(db, 'article.published', snapshot, surrogateKeys('article', snapshot));
          announced++;
        }
        return announced;
      });
    },

    revisions: {
      list: async (key: string) => revisions.list((await stored(key)).id),
      get: async (key: string, version: number) => revisions.get((await stored(key)).id, version),
      async compare(key: string, from: number, to: number) {
        const id = (await stored(key)).id;
        const [a, b] = [await revisions.get(id, from), await revisions.get(id, to)];
        return { from, to, changes: diffSnapshots(a.snapshot, b.snapshot) };
      },
      /**
       * Puts an old revision's content back; the result is a new version and revision. The
       * current slug stays unless `withSlug` asks for the revision's slug too: a restore must
       * not silently move the article's address. `body`: the revision's body rendered beforehand.
       */
      async restore(key: string, version: number, actor: Actor, expected: Expected, withSlug = false, body?: Rendered) {
        const old = (await revisions.get((await stored(key)).id, version)).snapshot as Snapshot & {
          bureau: { id: number };
          authors: { id: number }[];
          tags: { id: number }[];
          featuredImage: CreateArticle['featuredImage'];
        };
        const input: UpdateArticle = {
          headline: old.headline as string,
          ...(withSlug ? { slug: old.slug as string } : {}),
          standfirst: old.standfirst as string | null,
          dateline: old.dateline as string | null,
          body: old.body as string,
          language: old.language as string,
          featuredImage: old.featuredImage,
          bureau: old.bureau.id,
          authors: old.authors.map((a) => a.id),
          tags: old.tags.map((t) => t.id),
        };
        return applyUpdate(key, input, actor, expected, 'article.restored', body);
      },
    },
  };
}

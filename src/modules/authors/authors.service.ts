import type { Database } from '../../db/database.js';
import type { RowLock } from '../../db/dialect.js';
import { AppError } from '../../errors.js';
import { slugFrom } from '../../lib/slug.js';
import { surrogateKeys } from '../../lib/surrogate-keys.js';
import { nowIso } from '../../lib/time.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import { audit, type Actor } from '../shared/actor.js';
import { required, resolveRefs } from '../shared/lookup.js';
import { checkVersion } from '../shared/preconditions.js';
import type { PagingInput } from '../shared/schemas.js';
import { assertSlugFree, forgetSlugs, freshSlug, redirectIfMoved, rememberSlug } from '../shared/slug-history.js';
import { createAuthorsRepository } from './authors.repository.js';
import type { CreateAuthor, UpdateAuthor } from './authors.schemas.js';

/** E-mail addresses are for the newsroom only: public reads never carry them. */
const forAudience = <T extends { email: string | null }>(author: T, showEmail: boolean) => {
  if (showEmail) return author;
  const { email: _email, ...rest } = author;
  return rest;
};

export function createAuthorsService(db: Database) {
  const { authors, bureaus } = db.tables;
  const repo = createAuthorsRepository(db);
  const stored = async (key: string, lock?: RowLock) => required(await repo.find(key, lock), 'author', key);
  const bureauId = async (ref: CreateAuthor['bureau']) =>
    ref === undefined || ref === null ? ref : (await resolveRefs(db, bureaus, 'bureau', [['body.bureau', ref]]))[0];
  const changed = async (id: number, actor: Actor, action: 'created' | 'updated') => {
    const author = await stored(String(id));
    await audit(db, actor, `author.${action}`, 'author', id, author.version);
    // Events go to newsroom systems, but e-mail addresses still stay out of them.
    await enqueueEvent(db, `author.${action}`, forAudience(author, false), surrogateKeys('author', author));
    return author;
  };

  return {
    async get(key: string, showEmail: boolean, query = '') {
      const found = await repo.find(key);
      if (!found) await redirectIfMoved(db, 'author', authors, key, query);
      return forAudience(required(found, 'author', key), showEmail);
    },

    async list(paging: PagingInput, filter: { bureau?: string }, showEmail: boolean) {
      const bureau = filter.bureau === undefined ? undefined : await repo.bureauIdBySlug(filter.bureau);
      const page = await repo.list(paging, bureau);
      return { ...page, rows: page.rows.map((a) => forAudience(a, showEmail)) };
    },

    create({ bureau, ...input }: CreateAuthor, actor: Actor) {
      return db.write(async () => {
        if (input.slug) await assertSlugFree(db, 'author', authors, input.slug);
        const slug = input.slug ?? (await freshSlug(db, 'author', authors, slugFrom(input.name, 'author')));
        const now = nowIso();
        const id = await repo.insert({ ...input, slug, bureauId: await bureauId(bureau), createdAt: now, updatedAt: now });
        return changed(id, actor, 'created');
      });
    },

    /** `expected` is honoured when sent (If-Match), not required. */
    update(key: string, { bureau, ...input }: UpdateAuthor, actor: Actor, expected?: number | null) {
      return db.write(async () => {
        const current = await stored(key, 'no key update');
        checkVersion(expected, current.version, false, current);
        if (input.slug) {
          await assertSlugFree(db, 'author', authors, input.slug, current.id);
          await rememberSlug(db, 'author', current.id, current.slug, input.slug);
        }
        await repo.update(current.id, { ...input, bureauId: await bureauId(bureau), updatedAt: nowIso() });
        return changed(current.id, actor, 'updated');
      });
    },

    async remove(key: string, actor: Actor, expected?: number | null) {
      await db.write(async () => {
        // Locked before counting: an article adding a byline holds the row (key share) first.
        const current = await stored(key, 'update');
        checkVersion(expected, current.version, false, current);
        const count = await repo.countBylines(current.id);
        if (count > 0) {
          throw new AppError(
            'conflict',
            `The author "${current.slug}" still has bylines on ${count} article${count === 1 ? '' : 's'}; remove them first`,
            { extra: { bylineCount: count } },
          );
        }
        await repo.remove(current.id);
        await forgetSlugs(db, 'author', current.id);
        await audit(db, actor, 'author.deleted', 'author', current.id, current.version);
        await enqueueEvent(db, 'author.deleted', { id: current.id, slug: current.slug }, [`author-${current.id}`, 'authors']);
      });
    },
  };
}

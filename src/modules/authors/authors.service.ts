import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authors, bureaus } from '../../db/schema.js';
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
import { inWrite } from '../shared/transaction.js';
import { createAuthorsRepository } from './authors.repository.js';
import type { CreateAuthor, UpdateAuthor } from './authors.schemas.js';

/** E-mail addresses are for the newsroom only: public reads never carry them. */
const forAudience = <T extends { email: string | null }>(author: T, showEmail: boolean) => {
  if (showEmail) return author;
  const { email: _email, ...rest } = author;
  return rest;
};

export function createAuthorsService(db: Db) {
  const repo = createAuthorsRepository(db);
  const stored = (key: string) => required(repo.find(key), 'author', key);
  const bureauId = (ref: CreateAuthor['bureau']) =>
    ref === undefined || ref === null ? ref : resolveRefs(db, bureaus, 'bureau', [['body.bureau', ref]])[0];
  const changed = (id: number, actor: Actor, action: 'created' | 'updated') => {
    const author = stored(String(id));
    audit(db, actor, `author.${action}`, 'author', id, author.version);
    // Events go to newsroom systems, but e-mail addresses still stay out of them.
    enqueueEvent(db, `author.${action}`, forAudience(author, false), surrogateKeys('author', author));
    return author;
  };

  return {
    get(key: string, showEmail: boolean, query = '') {
      const found = repo.find(key);
      if (!found) redirectIfMoved(db, 'author', authors, key, query);
      return forAudience(required(found, 'author', key), showEmail);
    },

    list(paging: PagingInput, filter: { bureau?: string }, showEmail: boolean) {
      let bureau: number | undefined;
      if (filter.bureau !== undefined) {
        bureau = db.select({ id: bureaus.id }).from(bureaus).where(eq(bureaus.slug, filter.bureau)).get()?.id ?? -1;
      }
      const page = repo.list(paging, bureau);
      return { ...page, rows: page.rows.map((a) => forAudience(a, showEmail)) };
    },

    create({ bureau, ...input }: CreateAuthor, actor: Actor) {
      return inWrite(db, () => {
        if (input.slug) assertSlugFree(db, 'author', authors, input.slug);
        const slug = input.slug ?? freshSlug(db, 'author', authors, slugFrom(input.name, 'author'));
        const now = nowIso();
        const id = repo.insert({ ...input, slug, bureauId: bureauId(bureau), createdAt: now, updatedAt: now });
        return changed(id, actor, 'created');
      });
    },

    /** `expected` is honoured when sent (If-Match), not required. */
    update(key: string, { bureau, ...input }: UpdateAuthor, actor: Actor, expected?: number | null) {
      return inWrite(db, () => {
        const current = stored(key);
        checkVersion(expected, current.version, false, () => current);
        if (input.slug) {
          assertSlugFree(db, 'author', authors, input.slug, current.id);
          rememberSlug(db, 'author', current.id, current.slug, input.slug);
        }
        repo.update(current.id, { ...input, bureauId: bureauId(bureau), updatedAt: nowIso() });
        return changed(current.id, actor, 'updated');
      });
    },

    remove(key: string, actor: Actor, expected?: number | null) {
      inWrite(db, () => {
        const current = stored(key);
        checkVersion(expected, current.version, false, () => current);
        const count = repo.countBylines(current.id);
        if (count > 0) {
          throw new AppError(
            'conflict',
            `The author "${current.slug}" still has bylines on ${count} article${count === 1 ? '' : 's'}; remove them first`,
            { extra: { bylineCount: count } },
          );
        }
        repo.remove(current.id);
        forgetSlugs(db, 'author', current.id);
        audit(db, actor, 'author.deleted', 'author', current.id, current.version);
        enqueueEvent(db, 'author.deleted', { id: current.id, slug: current.slug }, [`author-${current.id}`, 'authors']);
      });
    },
  };
}

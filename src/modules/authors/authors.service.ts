import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authors, bureaus } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { slugFrom } from '../../lib/slug.js';
import { nowIso } from '../../lib/time.js';
import { slugConflict } from '../bureaus/bureaus.service.js';
import { freeSlug, required, resolveRefs, slugTaken } from '../shared/lookup.js';
import type { PagingInput } from '../shared/schemas.js';
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
  const get = (key: string) => required(repo.find(key), 'author', key);
  const bureauId = (ref: CreateAuthor['bureau']) =>
    ref === undefined || ref === null ? ref : resolveRefs(db, bureaus, 'bureau', [['body.bureau', ref]])[0];

  return {
    get: (key: string, showEmail: boolean) => forAudience(get(key), showEmail),

    list(paging: PagingInput, filter: { bureau?: string }, showEmail: boolean) {
      let bureau: number | undefined;
      if (filter.bureau !== undefined) {
        bureau = db.select({ id: bureaus.id }).from(bureaus).where(eq(bureaus.slug, filter.bureau)).get()?.id ?? -1;
      }
      const page = repo.list(paging, bureau);
      return { ...page, rows: page.rows.map((a) => forAudience(a, showEmail)) };
    },

    create({ bureau, ...input }: CreateAuthor) {
      return db.transaction(() => {
        if (input.slug && slugTaken(db, authors, input.slug)) throw slugConflict('author', input.slug);
        const slug = input.slug ?? freeSlug(db, authors, slugFrom(input.name, 'author'));
        const now = nowIso();
        const id = repo.insert({ ...input, slug, bureauId: bureauId(bureau), createdAt: now, updatedAt: now });
        return get(String(id));
      });
    },

    update(key: string, { bureau, ...input }: UpdateAuthor) {
      return db.transaction(() => {
        const current = get(key);
        if (input.slug && slugTaken(db, authors, input.slug, current.id)) throw slugConflict('author', input.slug);
        repo.update(current.id, { ...input, bureauId: bureauId(bureau), updatedAt: nowIso() });
        return get(String(current.id));
      });
    },

    remove(key: string) {
      db.transaction(() => {
        const current = get(key);
        const count = repo.countBylines(current.id);
        if (count > 0) {
          throw new AppError(
            'conflict',
            `The author "${current.slug}" still has bylines on ${count} article${count === 1 ? '' : 's'}; remove them first`,
            { extra: { bylineCount: count } },
          );
        }
        repo.remove(current.id);
      });
    },
  };
}

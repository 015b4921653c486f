import type { Db } from '../../db/client.js';
import { bureaus } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { slugFrom } from '../../lib/slug.js';
import { nowIso } from '../../lib/time.js';
import { freeSlug, required, slugTaken } from '../shared/lookup.js';
import type { PagingInput } from '../shared/schemas.js';
import { createBureausRepository } from './bureaus.repository.js';
import type { CreateBureau, UpdateBureau } from './bureaus.schemas.js';

export const slugConflict = (what: string, slug: string) =>
  new AppError('conflict', `The slug "${slug}" is already used by another ${what}`, {
    errors: [{ path: 'body.slug', message: 'Already taken' }],
  });

export function createBureausService(db: Db) {
  const repo = createBureausRepository(db);

  const get = (key: string) => required(repo.find(key), 'bureau', key);

  return {
    get,
    list: (paging: PagingInput) => repo.list(paging),

    create(input: CreateBureau) {
      return db.transaction(() => {
        if (input.slug && slugTaken(db, bureaus, input.slug)) throw slugConflict('bureau', input.slug);
        const slug = input.slug ?? freeSlug(db, bureaus, slugFrom(input.name, 'bureau'));
        const now = nowIso();
        return repo.insert({ ...input, slug, createdAt: now, updatedAt: now });
      });
    },

    update(key: string, input: UpdateBureau) {
      return db.transaction(() => {
        const current = get(key);
        if (input.slug && slugTaken(db, bureaus, input.slug, current.id)) throw slugConflict('bureau', input.slug);
        return repo.update(current.id, { ...input, updatedAt: nowIso() });
      });
    },

    remove(key: string) {
      db.transaction(() => {
        const current = get(key);
        const count = repo.countArticles(current.id);
        if (count > 0) {
          throw new AppError(
            'conflict',
            `The bureau "${current.slug}" still has ${count} article${count === 1 ? '' : 's'}; move or delete them first`,
            { extra: { articleCount: count } },
          );
        }
        repo.remove(current.id);
      });
    },
  };
}

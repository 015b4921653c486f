import type { Db } from '../../db/client.js';
import { tags } from '../../db/schema.js';
import { slugFrom } from '../../lib/slug.js';
import { nowIso } from '../../lib/time.js';
import { slugConflict } from '../bureaus/bureaus.service.js';
import { freeSlug, required, slugTaken } from '../shared/lookup.js';
import type { PagingInput } from '../shared/schemas.js';
import { createTagsRepository } from './tags.repository.js';
import type { CreateTag, UpdateTag } from './tags.schemas.js';

export function createTagsService(db: Db) {
  const repo = createTagsRepository(db);
  const get = (key: string) => required(repo.find(key), 'tag', key);

  return {
    get,
    list: (paging: PagingInput) => repo.list(paging),

    create(input: CreateTag) {
      return db.transaction(() => {
        if (input.slug && slugTaken(db, tags, input.slug)) throw slugConflict('tag', input.slug);
        const slug = input.slug ?? freeSlug(db, tags, slugFrom(input.name, 'tag'));
        const now = nowIso();
        return repo.insert({ ...input, slug, createdAt: now, updatedAt: now });
      });
    },

    update(key: string, input: UpdateTag) {
      return db.transaction(() => {
        const current = get(key);
        if (input.slug && slugTaken(db, tags, input.slug, current.id)) throw slugConflict('tag', input.slug);
        return repo.update(current.id, { ...input, updatedAt: nowIso() });
      });
    },

    /** Removing a tag takes it off every article that had it; the articles stay. */
    remove(key: string) {
      db.transaction(() => repo.remove(get(key).id));
    },
  };
}

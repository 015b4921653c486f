import type { Db } from '../../db/client.js';
import { tags } from '../../db/schema.js';
import { slugFrom } from '../../lib/slug.js';
import { nowIso } from '../../lib/time.js';
import { slugConflict } from '../bureaus/bureaus.service.js';
import { audit, type Actor } from '../shared/actor.js';
import { freeSlug, required, slugTaken } from '../shared/lookup.js';
import { inWrite } from '../shared/transaction.js';
import type { PagingInput } from '../shared/schemas.js';
import { createTagsRepository } from './tags.repository.js';
import type { CreateTag, UpdateTag } from './tags.schemas.js';

export function createTagsService(db: Db) {
  const repo = createTagsRepository(db);
  const get = (key: string) => required(repo.find(key), 'tag', key);

  return {
    get,
    list: (paging: PagingInput) => repo.list(paging),

    create(input: CreateTag, actor: Actor) {
      return inWrite(db, () => {
        if (input.slug && slugTaken(db, tags, input.slug)) throw slugConflict('tag', input.slug);
        const slug = input.slug ?? freeSlug(db, tags, slugFrom(input.name, 'tag'));
        const now = nowIso();
        const tag = repo.insert({ ...input, slug, createdAt: now, updatedAt: now });
        audit(db, actor, 'tag.created', 'tag', tag.id);
        return tag;
      });
    },

    update(key: string, input: UpdateTag, actor: Actor) {
      return inWrite(db, () => {
        const current = get(key);
        if (input.slug && slugTaken(db, tags, input.slug, current.id)) throw slugConflict('tag', input.slug);
        audit(db, actor, 'tag.updated', 'tag', current.id);
        return repo.update(current.id, { ...input, updatedAt: nowIso() });
      });
    },

    /** Removing a tag takes it off every article that had it; the articles stay. */
    remove(key: string, actor: Actor) {
      inWrite(db, () => {
        const id = get(key).id;
        repo.remove(id);
        audit(db, actor, 'tag.deleted', 'tag', id);
      });
    },
  };
}

import type { Database } from '../../db/database.js';
import type { RowLock } from '../../db/dialect.js';
import { slugFrom } from '../../lib/slug.js';
import { nowIso } from '../../lib/time.js';
import { audit, type Actor } from '../shared/actor.js';
import { required } from '../shared/lookup.js';
import type { PagingInput } from '../shared/schemas.js';
import { assertSlugFree, freshSlug } from '../shared/slug-history.js';
import { createTagsRepository } from './tags.repository.js';
import type { CreateTag, UpdateTag } from './tags.schemas.js';

export function createTagsService(db: Database) {
  const { tags } = db.tables;
  const repo = createTagsRepository(db);
  const get = async (key: string, lock?: RowLock) => required(await repo.find(key, lock), 'tag', key);

  return {
    get,
    list: (paging: PagingInput) => repo.list(paging),

    create(input: CreateTag, actor: Actor) {
      return db.write(async () => {
        if (input.slug) await assertSlugFree(db, 'tag', tags, input.slug);
        const slug = input.slug ?? (await freshSlug(db, 'tag', tags, slugFrom(input.name, 'tag')));
        const now = nowIso();
        const tag = await repo.insert({ ...input, slug, createdAt: now, updatedAt: now });
        await audit(db, actor, 'tag.created', 'tag', tag.id);
        return tag;
      });
    },

    update(key: string, input: UpdateTag, actor: Actor) {
      return db.write(async () => {
        const current = await get(key, 'no key update');
        if (input.slug) await assertSlugFree(db, 'tag', tags, input.slug, current.id);
        await audit(db, actor, 'tag.updated', 'tag', current.id);
        return repo.update(current.id, { ...input, updatedAt: nowIso() });
      });
    },

    /** Removing a tag takes it off every article that had it; the articles stay. */
    async remove(key: string, actor: Actor) {
      await db.write(async () => {
        const id = (await get(key, 'update')).id;
        await repo.remove(id);
        await audit(db, actor, 'tag.deleted', 'tag', id);
      });
    },
  };
}

import type { Database } from '../../db/database.js';
import type { RowLock } from '../../db/dialect.js';
import { AppError } from '../../errors.js';
import { slugFrom } from '../../lib/slug.js';
import { surrogateKeys } from '../../lib/surrogate-keys.js';
import { nowIso } from '../../lib/time.js';
import { audit, type Actor } from '../shared/actor.js';
import { required } from '../shared/lookup.js';
import { checkVersion } from '../shared/preconditions.js';
import type { PagingInput } from '../shared/schemas.js';
import { assertSlugFree, forgetSlugs, freshSlug, redirectIfMoved, rememberSlug } from '../shared/slug-history.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import { createBureausRepository } from './bureaus.repository.js';
import type { CreateBureau, UpdateBureau } from './bureaus.schemas.js';

export function createBureausService(db: Database) {
  const { bureaus } = db.tables;
  const repo = createBureausRepository(db);
  const stored = async (key: string, lock?: RowLock) => required(await repo.find(key, lock), 'bureau', key);
  const changed = async <T extends { id: number; version: number }>(bureau: T, actor: Actor, action: 'created' | 'updated'): Promise<T> => {
    await audit(db, actor, `bureau.${action}`, 'bureau', bureau.id, bureau.version);
    await enqueueEvent(db, `bureau.${action}`, bureau, surrogateKeys('bureau', bureau));
    return bureau;
  };

  return {
    async get(key: string, query = '') {
      const found = await repo.find(key);
      if (!found) await redirectIfMoved(db, 'bureau', bureaus, key, query);
      return required(found, 'bureau', key);
    },
    list: (paging: PagingInput) => repo.list(paging),

    create(input: CreateBureau, actor: Actor) {
      return db.write(async () => {
        if (input.slug) await assertSlugFree(db, 'bureau', bureaus, input.slug);
        const slug = input.slug ?? (await freshSlug(db, 'bureau', bureaus, slugFrom(input.name, 'bureau')));
        const now = nowIso();
        return changed(await repo.insert({ ...input, slug, createdAt: now, updatedAt: now }), actor, 'created');
      });
    },

    /** `expected` is honoured when sent (If-Match), not required. */
    update(key: string, input: UpdateBureau, actor: Actor, expected?: number | null) {
      return db.write(async () => {
        const current = await stored(key, 'no key update');
        checkVersion(expected, current.version, false, current);
        if (input.slug) {
          await assertSlugFree(db, 'bureau', bureaus, input.slug, current.id);
          await rememberSlug(db, 'bureau', current.id, current.slug, input.slug);
        }
        return changed(await repo.update(current.id, { ...input, updatedAt: nowIso() }), actor, 'updated');
      });
    },

    async remove(key: string, actor: Actor, expected?: number | null) {
      await db.write(async () => {
        // Locked before counting: an article naming the bureau holds the row (key share) first.
        const current = await stored(key, 'update');
        checkVersion(expected, current.version, false, current);
        const count = await repo.countArticles(current.id);
        if (count > 0) {
          throw new AppError(
            'conflict',
            `The bureau "${current.slug}" still has ${count} article${count === 1 ? '' : 's'}; move or delete them first`,
            { extra: { articleCount: count } },
          );
        }
        await repo.remove(current.id);
        await forgetSlugs(db, 'bureau', current.id);
        await audit(db, actor, 'bureau.deleted', 'bureau', current.id, current.version);
        await enqueueEvent(db, 'bureau.deleted', { id: current.id, slug: current.slug }, [`bureau-${current.id}`, 'bureaus']);
      });
    },
  };
}

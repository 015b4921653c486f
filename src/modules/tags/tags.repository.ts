import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tags } from '../../db/schema.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import type { PagingInput } from '../shared/schemas.js';

const byName: SortSpec = { name: 'name', column: tags.name, dir: 'asc' };

export function createTagsRepository(db: Db) {
  return {
    find: (key: string) => db.select().from(tags).where(idOrSlugWhere(tags, key)).get(),

    list(paging: PagingInput) {
      const rows = db
        .select()
        .from(tags)
        .where(and(afterCursor(byName, tags.id, paging)))
        .orderBy(...orderFor(byName, tags.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0)
        .all();
      return finishPage(rows, paging, byName, (r) => r.name, paging.total ? countWhere(db, tags) : undefined);
    },

    insert: (values: typeof tags.$inferInsert) => db.insert(tags).values(values).returning().get(),
    update: (id: number, values: Partial<typeof tags.$inferInsert>) =>
      db.update(tags).set(values).where(eq(tags.id, id)).returning().get(),
    remove: (id: number) => db.delete(tags).where(eq(tags.id, id)).run(),
  };
}

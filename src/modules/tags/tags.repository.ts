import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { RowLock } from '../../db/dialect.js';
import type { Tables } from '../../db/tables.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import type { PagingInput } from '../shared/schemas.js';

const byName = (tags: Tables['tags']): SortSpec => ({ name: 'name', column: tags.name, dir: 'asc' });

export function createTagsRepository(db: Database) {
  const { tags } = db.tables;
  const order = byName(tags);
  return {
    /** `lock`: inside a unit of work, the row stays as read until it ends (see Dialect.lockRows). */
    find: async (key: string, lock?: RowLock) => {
      const query = db.conn.select().from(tags).where(idOrSlugWhere(tags, key)).limit(1);
      return (await (lock ? db.dialect.lockRows(query, lock) : query))[0];
    },

    async list(paging: PagingInput) {
      const rows = await db.conn
        .select()
        .from(tags)
        .where(and(afterCursor(order, tags.id, paging)))
        .orderBy(...orderFor(order, tags.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0);
      return finishPage(rows, paging, order, (r) => r.name, paging.total ? await countWhere(db, tags) : undefined);
    },

    insert: async (values: Tables['tags']['$inferInsert']) => (await db.conn.insert(tags).values(values).returning())[0]!,
    update: async (id: number, values: Partial<Tables['tags']['$inferInsert']>) =>
      (await db.conn.update(tags).set(values).where(eq(tags.id, id)).returning())[0]!,
    remove: async (id: number) => {
      await db.conn.delete(tags).where(eq(tags.id, id));
    },
  };
}

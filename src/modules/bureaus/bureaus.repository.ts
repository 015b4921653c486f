import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { RowLock } from '../../db/dialect.js';
import type { Tables } from '../../db/tables.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import type { PagingInput } from '../shared/schemas.js';

const byName = (bureaus: Tables['bureaus']): SortSpec => ({ name: 'name', column: bureaus.name, dir: 'asc' });

export function createBureausRepository(db: Database) {
  const { articles, bureaus } = db.tables;
  const order = byName(bureaus);
  const one = async (where: ReturnType<typeof eq>, lock?: RowLock) => {
    const query = db.conn.select().from(bureaus).where(where).limit(1);
    return (await (lock ? db.dialect.lockRows(query, lock) : query))[0];
  };
  return {
    /** `lock`: inside a unit of work, the row stays as read until it ends (see Dialect.lockRows). */
    find: (key: string, lock?: RowLock) => one(idOrSlugWhere(bureaus, key), lock),
    findBySlug: (slug: string) => one(eq(bureaus.slug, slug)),
    findById: (id: number) => one(eq(bureaus.id, id)),

    async list(paging: PagingInput) {
      const rows = await db.conn
        .select()
        .from(bureaus)
        .where(and(afterCursor(order, bureaus.id, paging)))
        .orderBy(...orderFor(order, bureaus.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0);
      const total = paging.total ? await countWhere(db, bureaus) : undefined;
      return finishPage(rows, paging, order, (r) => r.name, total);
    },

    insert: async (values: Tables['bureaus']['$inferInsert']) => (await db.conn.insert(bureaus).values(values).returning())[0]!,

    update: async (id: number, values: Partial<Tables['bureaus']['$inferInsert']>) =>
      (
        await db.conn
          .update(bureaus)
          .set({ ...values, version: sql`${bureaus.version} + 1` })
          .where(eq(bureaus.id, id))
          .returning()
      )[0]!,

    remove: async (id: number) => {
      await db.conn.delete(bureaus).where(eq(bureaus.id, id));
    },

    countArticles: (id: number) => countWhere(db, articles, eq(articles.bureauId, id)),
  };
}

export type BureausRepository = ReturnType<typeof createBureausRepository>;

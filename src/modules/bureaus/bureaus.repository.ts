import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, bureaus } from '../../db/schema.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import type { PagingInput } from '../shared/schemas.js';

const byName: SortSpec = { name: 'name', column: bureaus.name, dir: 'asc' };

export function createBureausRepository(db: Db) {
  return {
    find: (key: string) => db.select().from(bureaus).where(idOrSlugWhere(bureaus, key)).get(),
    findBySlug: (slug: string) => db.select().from(bureaus).where(eq(bureaus.slug, slug)).get(),
    findById: (id: number) => db.select().from(bureaus).where(eq(bureaus.id, id)).get(),

    list(paging: PagingInput) {
      const rows = db
        .select()
        .from(bureaus)
        .where(and(afterCursor(byName, bureaus.id, paging)))
        .orderBy(...orderFor(byName, bureaus.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0)
        .all();
      const total = paging.total ? countWhere(db, bureaus) : undefined;
      return finishPage(rows, paging, byName, (r) => r.name, total);
    },

    insert: (values: typeof bureaus.$inferInsert) => db.insert(bureaus).values(values).returning().get(),

    update: (id: number, values: Partial<typeof bureaus.$inferInsert>) =>
      db
        .update(bureaus)
        .set({ ...values, version: sql`${bureaus.version} + 1` })
        .where(eq(bureaus.id, id))
        .returning()
        .get(),

    remove: (id: number) => db.delete(bureaus).where(eq(bureaus.id, id)).run(),

    countArticles: (id: number) => countWhere(db, articles, eq(articles.bureauId, id)),
  };
}

export type BureausRepository = ReturnType<typeof createBureausRepository>;

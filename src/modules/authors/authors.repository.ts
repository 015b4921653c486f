import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { RowLock } from '../../db/dialect.js';
import type { Tables } from '../../db/tables.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import type { PagingInput } from '../shared/schemas.js';

export function createAuthorsRepository(db: Database) {
  const { articleAuthors, authors, bureaus } = db.tables;
  const byName: SortSpec = { name: 'name', column: authors.name, dir: 'asc' };
  // One join gives every author its bureau summary: no query per row.
  const select = (where: SQL | undefined) =>
    db.conn
      .select({
        id: authors.id,
        slug: authors.slug,
        name: authors.name,
        bio: authors.bio,
        email: authors.email,
        avatarUrl: authors.avatarUrl,
        version: authors.version,
        createdAt: authors.createdAt,
        updatedAt: authors.updatedAt,
        bureauId: bureaus.id,
        bureauSlug: bureaus.slug,
        bureauName: bureaus.name,
      })
      .from(authors)
      .leftJoin(bureaus, eq(bureaus.id, authors.bureauId))
      .where(where);

  type Row = Awaited<ReturnType<typeof select>>[number];
  const shape = ({ bureauId, bureauSlug, bureauName, ...a }: Row) => ({
    ...a,
    bureau: bureauId !== null && bureauSlug !== null && bureauName !== null ? { id: bureauId, slug: bureauSlug, name: bureauName } : null,
  });

  return {
    /** `lock`: inside a unit of work, the row stays as read until it ends (see Dialect.lockRows). */
    find: async (key: string, lock?: RowLock) => {
      const query = select(idOrSlugWhere(authors, key)).limit(1);
      const [row] = await (lock ? db.dialect.lockRows(query, lock, { of: authors }) : query);
      return row && shape(row);
    },

    /** An id for a bureau slug, -1 when there is none (a filter that then matches nothing). */
    bureauIdBySlug: async (slug: string) => (await db.conn.select({ id: bureaus.id }).from(bureaus).where(eq(bureaus.slug, slug)))[0]?.id ?? -1,

    async list(paging: PagingInput, bureauId?: number) {
      const filter = bureauId !== undefined ? eq(authors.bureauId, bureauId) : undefined;
      const rows = (
        await select(and(filter, afterCursor(byName, authors.id, paging)))
          .orderBy(...orderFor(byName, authors.id))
          .limit(paging.limit + 1)
          .offset(paging.offset ?? 0)
      ).map(shape);
      const total = paging.total ? await countWhere(db, authors, filter) : undefined;
      return finishPage(rows, paging, byName, (r) => r.name, total);
    },

    insert: async (values: Tables['authors']['$inferInsert']) => (await db.conn.insert(authors).values(values).returning({ id: authors.id }))[0]!.id,

    update: async (id: number, values: Partial<Tables['authors']['$inferInsert']>) => {
      await db.conn
        .update(authors)
        .set({ ...values, version: sql`${authors.version} + 1` })
        .where(eq(authors.id, id));
    },

    remove: async (id: number) => {
      await db.conn.delete(authors).where(eq(authors.id, id));
    },

    countBylines: (id: number) => countWhere(db, articleAuthors, eq(articleAuthors.authorId, id)),
  };
}

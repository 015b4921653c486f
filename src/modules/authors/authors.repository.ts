import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleAuthors, authors, bureaus } from '../../db/schema.js';
import { countWhere, idOrSlugWhere } from '../shared/lookup.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import type { PagingInput } from '../shared/schemas.js';

const byName: SortSpec = { name: 'name', column: authors.name, dir: 'asc' };

export function createAuthorsRepository(db: Db) {
  // One join gives every author its bureau summary: no query per row.
  const select = (where: SQL | undefined) =>
    db
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

  type Row = Awaited<ReturnType<ReturnType<typeof select>['get']>> & {};
  const shape = ({ bureauId, bureauSlug, bureauName, ...a }: Row) => ({
    ...a,
    bureau: bureauId !== null && bureauSlug !== null && bureauName !== null ? { id: bureauId, slug: bureauSlug, name: bureauName } : null,
  });

  return {
    find: (key: string) => {
      const row = select(idOrSlugWhere(authors, key)).get();
      return row && shape(row);
    },
    findId: (key: string) => db.select({ id: authors.id }).from(authors).where(idOrSlugWhere(authors, key)).get()?.id,

    list(paging: PagingInput, bureauId?: number) {
      const filter = bureauId !== undefined ? eq(authors.bureauId, bureauId) : undefined;
      const rows = select(and(filter, afterCursor(byName, authors.id, paging)))
        .orderBy(...orderFor(byName, authors.id))
        .limit(paging.limit + 1)
        .offset(paging.offset ?? 0)
        .all()
        .map(shape);
      const total = paging.total ? countWhere(db, authors, filter) : undefined;
      return finishPage(rows, paging, byName, (r) => r.name, total);
    },

    insert: (values: typeof authors.$inferInsert) => db.insert(authors).values(values).returning({ id: authors.id }).get().id,

    update: (id: number, values: Partial<typeof authors.$inferInsert>) =>
      db
        .update(authors)
        .set({ ...values, version: sql`${authors.version} + 1` })
        .where(eq(authors.id, id))
        .run(),

    remove: (id: number) => db.delete(authors).where(eq(authors.id, id)).run(),

    countBylines: (id: number) => countWhere(db, articleAuthors, eq(articleAuthors.authorId, id)),
  };
}

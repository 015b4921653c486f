import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { Tables } from '../../db/tables.js';

// What an admin may see of a token: never its hash.
const adminColumns = (apiTokens: Tables['apiTokens']) => ({
  id: apiTokens.id,
  name: apiTokens.name,
  role: apiTokens.role,
  authorId: apiTokens.authorId,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
  lastUsedAt: apiTokens.lastUsedAt,
  createdAt: apiTokens.createdAt,
});

export function createTokensRepository(db: Database) {
  const { apiTokens } = db.tables;
  const columns = adminColumns(apiTokens);
  return {
    insert: async (values: Tables['apiTokens']['$inferInsert']) =>
      (await db.conn.insert(apiTokens).values(values).returning({ id: apiTokens.id }))[0]!.id,

    count: async () => (await db.conn.select({ n: sql<number>`count(*)` }).from(apiTokens))[0]?.n ?? 0,

    /** Every request with a token runs this lookup: prepared once per connection. */
    async byPublicId(publicId: string) {
      const c = db.conn;
      const query = prepared(c, 'tokens.byPublicId', () =>
        c.select().from(apiTokens).where(eq(apiTokens.publicId, sql.placeholder('publicId'))).prepare(),
      );
      return (await query.execute({ publicId }))[0];
    },

    byId: async (id: number) => (await db.conn.select(columns).from(apiTokens).where(eq(apiTokens.id, id)))[0],
    list: () => db.conn.select(columns).from(apiTokens).orderBy(desc(apiTokens.id)),

    touch: async (id: number, at: string) => {
      await db.conn.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
    },
    revoke: async (id: number, at: string) => {
      await db.conn.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id));
    },
  };
}

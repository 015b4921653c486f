import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { idempotencyKeys } from '../../db/schema.js';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** The `Idempotency-Key` records behind plugins/idempotency.ts (injected from app.ts). */
export function createIdempotencyRepository(db: Database) {
  const { idempotencyKeys } = db.tables;
  return {
    find: async (tokenId: number, key: string): Promise<IdempotencyRow | undefined> =>
      (await db.conn.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key))))[0],
    insert: async (row: typeof idempotencyKeys.$inferInsert) => {
      await db.conn.insert(idempotencyKeys).values(row);
    },
    purgeOlderThan: (iso: string) =>
      db.write(async () => {
        await db.conn.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, iso));
      }),
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;

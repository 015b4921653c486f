import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { idempotencyKeys } from '../../db/schema.js';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** The `Idempotency-Key` records behind plugins/idempotency.ts (injected from app.ts). */
export function createIdempotencyRepository(db: Database) {
  const { idempotencyKeys } = db.tables;
  return {
    /**
     * The key's record, if any. In a unit of work the key is held first (Database.serialise)
     * until the unit ends: a second request with the same key, on any instance, waits here for
     * the first to commit or roll back, then reads its outcome.
     */
    find: async (tokenId: number, key: string): Promise<IdempotencyRow | undefined> => {
      if (db.inWrite) await db.serialise(`idempotency:${tokenId}:${key}`);
      return (await db.conn.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key))))[0];
    },
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

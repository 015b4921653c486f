import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { changes } from '../../db/schema.js';

export const tombstoneActions = ['unpublished', 'archived', 'deleted'] as const;

export type ChangeRow = typeof changes.$inferSelect;

export function createChangesRepository(db: Database) {
  const { changeFeedState, changes } = db.tables;
  return {
    /** One statement, so the page is one consistent snapshot; walks the primary key from `after`. */
    page: (after: number, limit: number): Promise<ChangeRow[]> =>
      db.conn.select().from(changes).where(gt(changes.seq, after)).orderBy(changes.seq).limit(limit),

    /** The newest `seq` ever given (kept by the engine even when that row is gone). */
    async lastSeq(): Promise<number> {
      const rows = await db.all<{ seq: number }>(db.dialect.lastSequence('changes', 'seq'));
      return rows[0]?.seq ?? 0;
    },

    async purgedThrough(): Promise<number> {
      const [row] = await db.conn.select({ n: changeFeedState.purgedThrough }).from(changeFeedState).where(eq(changeFeedState.id, 1));
      return row?.n ?? 0;
    },

    /** Drops tombstones older than `cutoff` and remembers the highest `seq` it dropped. */
    purgeTombstones(cutoff: string): Promise<number> {
      return db.write(async () => {
        const gone = await db.conn
          .delete(changes)
          .where(and(inArray(changes.action, [...tombstoneActions]), lt(changes.changedAt, cutoff)))
          .returning({ seq: changes.seq });
        if (gone.length === 0) return 0;
        const highest = Math.max(...gone.map((g) => g.seq));
        await db.conn
          .update(changeFeedState)
          .set({ purgedThrough: db.dialect.greatest(changeFeedState.purgedThrough, highest) })
          .where(eq(changeFeedState.id, 1));
        return gone.length;
      });
    },
  };
}

import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { changeFeedState, changes } from '../../db/schema.js';
import { inWrite } from '../shared/transaction.js';

export const tombstoneActions = ['unpublished', 'archived', 'deleted'] as const;

export type ChangeRow = typeof changes.$inferSelect;

export function createChangesRepository(db: Db) {
  return {
    /** One statement, so the page is one consistent snapshot; walks the primary key from `after`. */
    page: (after: number, limit: number): ChangeRow[] =>
      db.select().from(changes).where(gt(changes.seq, after)).orderBy(changes.seq).limit(limit).all(),

    /** The newest `seq` ever given (AUTOINCREMENT keeps it even when that row is gone). */
    lastSeq: (): number =>
      db.get<{ seq: number } | undefined>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'changes'`)?.seq ?? 0,

    purgedThrough: (): number =>
      db.select({ n: changeFeedState.purgedThrough }).from(changeFeedState).where(eq(changeFeedState.id, 1)).get()?.n ?? 0,

    /** Drops tombstones older than `cutoff` and remembers the highest `seq` it dropped. */
    purgeTombstones(cutoff: string): number {
      return inWrite(db, () => {
        const gone = db
          .delete(changes)
          .where(and(inArray(changes.action, [...tombstoneActions]), lt(changes.changedAt, cutoff)))
          .returning({ seq: changes.seq })
          .all();
        if (gone.length === 0) return 0;
        const highest = Math.max(...gone.map((g) => g.seq));
        db.update(changeFeedState)
          .set({ purgedThrough: sql`max(${changeFeedState.purgedThrough}, ${highest})` })
          .where(eq(changeFeedState.id, 1))
          .run();
        return gone.length;
      });
    },
  };
}

import { and, asc, inArray, desc, eq, gte, lt } from 'drizzle-orm';
import type { Database } from '../../db/database.js';

export type AuditFilter = { resourceType?: string; resourceId?: number; since?: string; until?: string; before?: number };

export function createAuditRepository(db: Database) {
  const { auditEvents } = db.tables;
  return {
    /** Newest first, paged by id (`before`); times are ISO strings as stored. */
    list: (f: AuditFilter, limit: number) =>
      db.conn
        .select()
        .from(auditEvents)
        .where(
          and(
            f.resourceType ? eq(auditEvents.resourceType, f.resourceType) : undefined,
            f.resourceId ? eq(auditEvents.resourceId, f.resourceId) : undefined,
            f.since ? gte(auditEvents.createdAt, f.since) : undefined,
            f.until ? lt(auditEvents.createdAt, f.until) : undefined,
            f.before ? lt(auditEvents.id, f.before) : undefined,
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(limit),
    /**
     * Deletes up to `batch` entries older than `before`, oldest first, and says how many
     * went; call inside a unit of work. Small batches keep each delete a short transaction
     * (through the created_at index), so retention never holds the write lock for long.
     */
    async pruneOlderThan(before: string, batch: number): Promise<number> {
      const oldest = db.conn
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(lt(auditEvents.createdAt, before))
        .orderBy(asc(auditEvents.createdAt))
        .limit(batch);
      const gone = await db.conn.delete(auditEvents).where(inArray(auditEvents.id, oldest)).returning({ id: auditEvents.id });
      return gone.length;
    },
  };
}

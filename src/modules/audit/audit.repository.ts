import { and, desc, eq, gte, lt } from 'drizzle-orm';
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
  };
}

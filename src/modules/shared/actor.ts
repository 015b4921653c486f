import { sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.js';
import { auditEvents } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { nowIso } from '../../lib/time.js';
import type { Principal, Role } from '../tokens/tokens.service.js';

/** Who is making a change: a token, or the server itself (demo data, the scheduler). */
export type Actor = { tokenId: number | null; name: string; role: Role | 'system'; authorId: number | null };

export const SYSTEM: Actor = { tokenId: null, name: 'system', role: 'system', authorId: null };

export const actorOf = (p: Principal | null): Actor =>
  p ? { tokenId: p.tokenId, name: p.name, role: p.role, authorId: p.authorId } : SYSTEM;

/**
 * Deletes up to `batch` audit entries older than `before`, oldest first, and says how many
 * went. Small batches keep each delete a short transaction (through the created_at index),
 * so retention never holds the write lock for long.
 */
export function pruneAudit(db: Db, before: string, batch: number): number {
  const prune = prepared(db, 'audit.prune', () =>
    db.$client.prepare(
      `DELETE FROM audit_events WHERE id IN
         (SELECT id FROM audit_events WHERE created_at < @before ORDER BY created_at LIMIT @batch)`,
    ),
  );
  return prune.run({ before, batch }).changes;
}

/** Appends to the audit log; call inside the transaction of the change it records. */
export function audit(
  db: Db,
  actor: Actor,
  action: string,
  resourceType: string,
  resourceId: number | null,
  version: number | null = null,
): void {
  // Every write appends one: prepared once per connection.
  const insert = prepared(db, 'audit.insert', () => {
    const columns = ['actorName', 'actorRole', 'tokenId', 'action', 'resourceType', 'resourceId', 'version', 'createdAt'] as const;
    return db
      .insert(auditEvents)
      .values(Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)])) as unknown as typeof auditEvents.$inferInsert)
      .prepare();
  });
  insert.run({ actorName: actor.name, actorRole: actor.role, tokenId: actor.tokenId, action, resourceType, resourceId, version, createdAt: nowIso() });
}

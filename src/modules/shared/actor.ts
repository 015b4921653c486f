import { sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.js';
import type { Database } from '../../db/database.js';
import { nowIso } from '../../lib/time.js';
import type { Principal, Role } from '../tokens/tokens.service.js';

/** Who is making a change: a token, or the server itself (demo data, the scheduler). */
export type Actor = { tokenId: number | null; name: string; role: Role | 'system'; authorId: number | null };

export const SYSTEM: Actor = { tokenId: null, name: 'system', role: 'system', authorId: null };

export const actorOf = (p: Principal | null): Actor =>
  p ? { tokenId: p.tokenId, name: p.name, role: p.role, authorId: p.authorId } : SYSTEM;

/** Appends to the audit log; call inside the transaction of the change it records. */
export async function audit(
  db: Database,
  actor: Actor,
  action: string,
  resourceType: string,
  resourceId: number | null,
  version: number | null = null,
): Promise<void> {
  // Every write appends one: prepared once per connection.
  const c = db.conn;
  const { auditEvents } = db.tables;
  const insert = prepared(c, 'audit.insert', () => {
    const columns = ['actorName', 'actorRole', 'tokenId', 'action', 'resourceType', 'resourceId', 'version', 'createdAt'] as const;
    return c
      .insert(auditEvents)
      .values(Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)])) as unknown as typeof auditEvents.$inferInsert)
      .prepare();
  });
  await insert.execute({ actorName: actor.name, actorRole: actor.role, tokenId: actor.tokenId, action, resourceType, resourceId, version, createdAt: nowIso() });
}

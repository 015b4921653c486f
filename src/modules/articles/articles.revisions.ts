import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleRevisions } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../../lib/time.js';
import type { Actor } from '../shared/actor.js';

export type Snapshot = Record<string, unknown> & { id: number; version: number };

// Fields that change on every revision and say nothing about the content.
const BOOKKEEPING = new Set(['version', 'updatedAt', 'createdAt', 'status', 'readingTimeMinutes', 'wordCount', 'bodyHtml']);

export function createRevisions(db: Db, keep: number) {
  return {
    /** Stores the article as it is after a change and drops the oldest beyond `keep`. */
    record(snapshot: Snapshot, actor: Actor) {
      db.insert(articleRevisions)
        .values({
          articleId: snapshot.id,
          version: snapshot.version,
          snapshot,
          actorName: actor.name,
          actorRole: actor.role,
          createdAt: nowIso(),
        })
        .run();
      db.delete(articleRevisions)
        .where(and(eq(articleRevisions.articleId, snapshot.id), lte(articleRevisions.version, snapshot.version - keep)))
        .run();
    },

    list: (articleId: number) =>
      db
        .select({
          version: articleRevisions.version,
          actorName: articleRevisions.actorName,
          actorRole: articleRevisions.actorRole,
          createdAt: articleRevisions.createdAt,
        })
        .from(articleRevisions)
        .where(eq(articleRevisions.articleId, articleId))
        .orderBy(desc(articleRevisions.version))
        .all(),

    get(articleId: number, version: number) {
      const row = db
        .select()
        .from(articleRevisions)
        .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.version, version)))
        .get();
      if (!row) throw new AppError('not_found', `Article ${articleId} has no revision ${version} (only the last ${keep} are kept)`);
      return { ...row, snapshot: row.snapshot as Snapshot };
    },
  };
}

/** Which content fields differ between two snapshots, from the first to the second. */
export function diffSnapshots(from: Snapshot, to: Snapshot) {
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((f) => !BOOKKEEPING.has(f));
  return fields
    .filter((f) => JSON.stringify(from[f] ?? null) !== JSON.stringify(to[f] ?? null))
    .map((field) => ({ field, from: from[field] ?? null, to: to[field] ?? null }));
}

import { and, desc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { articleRevisions } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../../lib/time.js';
import type { Actor } from '../shared/actor.js';

export type Snapshot = Record<string, unknown> & { id: number; version: number };

// Fields that change on every revision and say nothing about the content.
const BOOKKEEPING = new Set(['version', 'updatedAt', 'createdAt', 'status', 'readingTimeMinutes', 'wordCount', 'bodyHtml']);

/** Revisions kept per article: the last `revisionsKeep`, and of those only as many as fit in `revisionsMaxBytes`. */
export type RevisionLimits = { revisionsKeep: number; revisionsMaxBytes?: number };

export function createRevisions(db: Db, { revisionsKeep: keep, revisionsMaxBytes: maxBytes = Infinity }: RevisionLimits) {
  // Newest first, a running total of snapshot bytes; every revision past the budget goes,
  // except the newest (the article as it is now), whatever its size. octet_length reads the
  // size from the record header without loading the snapshot; the scan is at most `keep` rows.
  const trimBytes = () =>
    prepared(db, 'revisions.trimBytes', () =>
      db.$client.prepare(
        `DELETE FROM article_revisions WHERE article_id = @articleId AND version IN (
           SELECT version FROM (
             SELECT version, SUM(octet_length(snapshot)) OVER (ORDER BY version DESC) AS running
             FROM article_revisions WHERE article_id = @articleId)
           WHERE running > @maxBytes AND version < @newest)`,
      ),
    );
  return {
    /** Stores the article as it is after a change and drops the oldest beyond the limits. */
    record(snapshot: Snapshot, actor: Actor) {
      // Runs on every write: both statements are prepared once.
      const ph = (name: string) => sql.placeholder(name);
      prepared(db, 'revisions.insert', () =>
        db
          .insert(articleRevisions)
          .values({ articleId: ph('articleId'), version: ph('version'), snapshot: ph('snapshot'), actorName: ph('actorName'), actorRole: ph('actorRole'), createdAt: ph('createdAt') })
          .prepare(),
      ).run({ articleId: snapshot.id, version: snapshot.version, snapshot, actorName: actor.name, actorRole: actor.role, createdAt: nowIso() });
      // A first revision is the newest and only one: nothing to trim.
      if (Number.isFinite(maxBytes) && snapshot.version > 1) trimBytes().run({ articleId: snapshot.id, maxBytes, newest: snapshot.version });
      if (snapshot.version <= keep) return;
      prepared(db, 'revisions.trim', () =>
        db
          .delete(articleRevisions)
          .where(and(eq(articleRevisions.articleId, ph('articleId')), lte(articleRevisions.version, ph('upTo'))))
          .prepare(),
      ).run({ articleId: snapshot.id, upTo: snapshot.version - keep });
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
      if (!row) throw new AppError('not_found', `Article ${articleId} has no revision ${version} (only the last ${keep}, up to ${Number.isFinite(maxBytes) ? `${maxBytes} bytes` : 'any size'} in all, are kept)`);
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

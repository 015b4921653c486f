import { and, desc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../../lib/time.js';
import type { Actor } from '../shared/actor.js';
import type { Article } from './articles.schemas.js';

/** The whole article after a change, as an editor reads it (ArticleSchema). */
export type Snapshot = Article;

// Fields that change on every revision and say nothing about the content.
const BOOKKEEPING = new Set(['version', 'updatedAt', 'createdAt', 'status', 'readingTimeMinutes', 'wordCount', 'bodyHtml']);

/** Revisions kept per article: the last `revisionsKeep`, and of those only as many as fit in `revisionsMaxBytes`. */
export type RevisionLimits = { revisionsKeep: number; revisionsMaxBytes?: number };

export function createRevisions(db: Database, { revisionsKeep: keep, revisionsMaxBytes: maxBytes = Infinity }: RevisionLimits) {
  const { articleRevisions } = db.tables;
  const r = articleRevisions;
  // Newest first, a running total of snapshot bytes; every revision past the budget goes,
  // except the newest (the article as it is now), whatever its size. The byte length is
  // read without decoding the snapshot where the engine can; the scan is at most `keep` rows.
  const trimBytes = (articleId: number, newest: number) => sql`DELETE FROM ${r} WHERE ${r.articleId} = ${articleId} AND ${r.version} IN (
    SELECT version FROM (
      SELECT ${r.version} AS version, SUM(${db.dialect.byteLength(r.snapshot)}) OVER (ORDER BY ${r.version} DESC) AS running
      FROM ${r} WHERE ${r.articleId} = ${articleId}) AS sized
    WHERE running > ${maxBytes} AND version < ${newest})`;
  return {
    /** Stores the article as it is after a change and drops the oldest beyond the limits. */
    async record(snapshot: Snapshot, actor: Actor) {
      // Runs on every write: both statements are prepared once.
      const ph = (name: string) => sql.placeholder(name);
      const c = db.conn;
      await prepared(c, 'revisions.insert', () =>
        c
          .insert(articleRevisions)
          .values({ articleId: ph('articleId'), version: ph('version'), snapshot: ph('snapshot'), actorName: ph('actorName'), actorRole: ph('actorRole'), createdAt: ph('createdAt') })
          .prepare(),
      ).execute({ articleId: snapshot.id, version: snapshot.version, snapshot, actorName: actor.name, actorRole: actor.role, createdAt: nowIso() });
      // A window function Drizzle's builder cannot express: a statement on the unit of work's connection.
      // A first revision is the newest and only one: nothing to trim.
      if (Number.isFinite(maxBytes) && snapshot.version > 1) await db.run(trimBytes(snapshot.id, snapshot.version));
      if (snapshot.version <= keep) return;
      await prepared(c, 'revisions.trim', () =>
        c
          .delete(articleRevisions)
          .where(and(eq(articleRevisions.articleId, ph('articleId')), lte(articleRevisions.version, ph('upTo'))))
          .prepare(),
      ).execute({ articleId: snapshot.id, upTo: snapshot.version - keep });
    },

    list: (articleId: number) =>
      db.conn
        .select({
          version: articleRevisions.version,
          actorName: articleRevisions.actorName,
          actorRole: articleRevisions.actorRole,
          createdAt: articleRevisions.createdAt,
        })
        .from(articleRevisions)
        .where(eq(articleRevisions.articleId, articleId))
        .orderBy(desc(articleRevisions.version)),

    async get(articleId: number, version: number) {
      const [row] = await db.conn
        .select()
        .from(articleRevisions)
        .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.version, version)));
      if (!row) throw new AppError('not_found', `Article ${articleId} has no revision ${version} (only the last ${keep}, up to ${Number.isFinite(maxBytes) ? `${maxBytes} bytes` : 'any size'} in all, are kept)`);
      // Written by record() from a Snapshot; the JSON column gives it back untyped.
      return { ...row, snapshot: row.snapshot as Snapshot };
    },
  };
}

/** Which content fields differ between two snapshots, from the first to the second. */
export function diffSnapshots(a: Snapshot, b: Snapshot) {
  // By field name: a revision stored before a field existed lacks it (compared as null).
  const from: Record<string, unknown> = a;
  const to: Record<string, unknown> = b;
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((f) => !BOOKKEEPING.has(f));
  return fields
    .filter((f) => JSON.stringify(from[f] ?? null) !== JSON.stringify(to[f] ?? null))
    .map((field) => ({ field, from: from[field] ?? null, to: to[field] ?? null }));
}

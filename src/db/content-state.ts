import type { Db } from './client.js';

export type ContentState = { version: number; changedAt: string; newestVisible: string | null };

/**
 * What every public response depends on, in two primary-key/index lookups: the write
 * counter (bumped by triggers on every content change) and the newest publish time that has
 * come, which moves when a scheduled article goes live without any write.
 */
export function createContentStateReader(db: Db) {
  // One statement, one call into SQLite: this runs on every public request.
  const stmt = db.$client.prepare(
    `SELECT version, changed_at AS changedAt,
       (SELECT published_at FROM articles WHERE status = 'published' AND published_at <= ?
        ORDER BY published_at DESC LIMIT 1) AS newestVisible
     FROM content_version WHERE id = 1`,
  );
  return (now: string): ContentState => stmt.get(now) as ContentState;
}

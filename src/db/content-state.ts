import type { Db } from './client.js';

export type ContentState = { version: number; changedAt: string; newestVisible: string | null };

/**
 * What every public response depends on, in two primary-key/index lookups: the write
 * counter (bumped by triggers on every content change) and the newest publish time that has
 * come, which moves when a scheduled article goes live without any write.
 */
export function createContentStateReader(db: Db) {
  const versionStmt = db.$client.prepare('SELECT version, changed_at AS changedAt FROM content_version WHERE id = 1');
  const newestStmt = db.$client
    .prepare(
      "SELECT published_at FROM articles WHERE status = 'published' AND published_at <= ? ORDER BY published_at DESC LIMIT 1",
    )
    .pluck();
  return (now: string): ContentState => {
    const v = versionStmt.get() as { version: number; changedAt: string };
    return { ...v, newestVisible: (newestStmt.get(now) as string | undefined) ?? null };
  };
}

import type BetterSqlite3 from 'better-sqlite3';

export type ContentState = { version: number; changedAt: string; newestVisible: string | null };

/**
 * What every public response depends on: the write counter (bumped by triggers on every
 * content change) and the newest publish time that has come, which moves when a scheduled
 * article goes live without any write.
 *
 * This runs on every public request, so the answer is remembered and re-read only when it
 * may have moved: when the reader connection's `data_version` says another connection
 * committed (this process's writer connection or another process: every write goes through
 * a writer, never the reader), or when the clock passes the next scheduled publish time.
 * Checking those is one call into SQLite that touches no table. It stays synchronous: it
 * runs in callback-style hooks on the hottest path, and the SQLite reader answers at once.
 */
export function createContentStateReader(reader: BetterSqlite3.Database) {
  const changed = reader.prepare('SELECT data_version FROM pragma_data_version').pluck();
  const state = reader.prepare(
    `SELECT version, changed_at AS changedAt,
       (SELECT published_at FROM articles WHERE status = 'published' AND published_at <= @now
        ORDER BY published_at DESC LIMIT 1) AS newestVisible,
       (SELECT published_at FROM articles WHERE status = 'published' AND published_at > @now
        ORDER BY published_at ASC LIMIT 1) AS nextScheduled
     FROM content_version WHERE id = 1`,
  );
  let memo: { stamp: number; until: number; state: ContentState } | null = null;

  return (nowMs = Date.now()): ContentState => {
    const stamp = changed.get() as number;
    if (memo && memo.stamp === stamp && nowMs < memo.until) return memo.state;
    const row = state.get({ now: new Date(nowMs).toISOString() }) as ContentState & { nextScheduled: string | null };
    const { nextScheduled, ...current } = row;
    // data_version moves on any commit (a token's last use, a webhook delivery): when the
    // content did not move, keep the same object, which callers compare by identity
    // (caching.ts drops every cached response when it changes).
    const same = memo && memo.state.version === current.version && memo.state.newestVisible === current.newestVisible;
    memo = { stamp, until: nextScheduled ? Date.parse(nextScheduled) : Infinity, state: same ? memo!.state : current };
    return memo.state;
  };
}

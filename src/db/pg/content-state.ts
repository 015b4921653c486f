import type pg from 'pg';
import type { ContentState } from '../content-state.js';

type Queryable = Pick<pg.Pool, 'query'>;

// Named, so each pooled connection parses and plans them once.
const VERSION = { name: 'dateline_content_version', text: 'SELECT version FROM content_version WHERE id = 1' };
const STATE = {
  name: 'dateline_content_state',
  text: `SELECT version, changed_at AS "changedAt",
       (SELECT published_at FROM articles WHERE status = 'published' AND published_at <= $1
        ORDER BY published_at DESC NULLS LAST LIMIT 1) AS "newestVisible",
       (SELECT published_at FROM articles WHERE status = 'published' AND published_at > $1
        ORDER BY published_at ASC NULLS FIRST LIMIT 1) AS "nextScheduled"
     FROM content_version WHERE id = 1`,
};

/**
 * The PostgreSQL counterpart of createContentStateReader (src/db/content-state.ts). SQLite
 * can ask "did anyone commit?" without a query (data_version); here another instance may
 * have written, and the only answer that is never stale is the database's. So each check
 * reads the content_version row (one primary-key lookup, one round trip), and the full state
 * only when the version moved or the next scheduled publish time has come.
 *
 * LISTEN/NOTIFY would save the round trip but cannot promise that a write acknowledged by
 * instance A is seen by B's next request: the notification may arrive after that request.
 *
 * Concurrent checks share one query, but only one that started after they were asked: a query
 * already in flight may have taken its snapshot before a write the caller has seen
 * acknowledged. So under load the cost is about one query per round trip, not per request.
 */
export function createPgContentStateReader(db: Queryable) {
  let memo: { version: number; until: number; state: ContentState } | undefined;
  let running: Promise<number> | undefined;
  let next: Promise<number> | undefined;

  const readVersion = async () => Number((await db.query<{ version: string }>(VERSION)).rows[0]!.version);
  const start = () => {
    const run: Promise<number> = readVersion().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  const currentVersion = (): Promise<number> => {
    if (!running) return start();
    next ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };

  return async (nowMs = Date.now()): Promise<ContentState> => {
    const version = await currentVersion();
    if (memo && memo.version === version && nowMs < memo.until) return memo.state;
    const { rows } = await db.query<{ version: string; changedAt: string; newestVisible: string | null; nextScheduled: string | null }>({
      ...STATE,
      values: [new Date(nowMs).toISOString()],
    });
    const { nextScheduled, ...row } = rows[0]!;
    const state: ContentState = { ...row, version: Number(row.version) };
    // A newer version may already be memoised by a concurrent caller; never go back.
    if (!memo || state.version >= memo.version) {
      memo = { version: state.version, until: nextScheduled ? Date.parse(nextScheduled) : Infinity, state };
    }
    return state;
  };
}

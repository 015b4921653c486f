import type pg from 'pg';
import type { ContentState } from '../content-state.js';

type Queryable = Pick<pg.Pool, 'query'>;

// Named, so the connection parses and plans them once.
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
 * This runs before every public read, so a check costs its caller one `then` on the shared
 * query and nothing else; `mapError` turns a failed query into the caller's error once per
 * query, not once per caller.
 */
export function createPgContentStateReader(db: Queryable, mapError: (err: unknown) => unknown = (err) => err) {
  let memo: { version: number; until: number; state: ContentState } | undefined;
  let running: Promise<number> | undefined;
  let next: Promise<number> | undefined;

  const start = () => {
    const run: Promise<number> = db.query<{ version: string }>(VERSION).then(
      ({ rows }) => {
        if (running === run) running = undefined;
        return Number(rows[0]!.version);
      },
      (err: unknown) => {
        if (running === run) running = undefined;
        throw mapError(err);
      },
    );
    running = run;
    return run;
  };
  const settled = () => {
    next = undefined;
    return start();
  };
  // The query in flight may predate the caller: wait for it to end, then share the next one.
  const currentVersion = (): Promise<number> => (running ? (next ??= running.then(settled, settled)) : start());

  async function fullState(nowMs: number): Promise<ContentState> {
    let rows;
    try {
      ({ rows } = await db.query<{ version: string; changedAt: string; newestVisible: string | null; nextScheduled: string | null }>({
        ...STATE,
        values: [new Date(nowMs).toISOString()],
      }));
    } catch (err) {
      throw mapError(err);
    }
    const { nextScheduled, ...row } = rows[0]!;
    const state: ContentState = { ...row, version: Number(row.version) };
    // A newer version may already be memoised by a concurrent caller; never go back.
    if (!memo || state.version > memo.version || (state.version === memo.version && nowMs >= memo.until)) {
      memo = { version: state.version, until: nextScheduled ? Date.parse(nextScheduled) : Infinity, state };
      return state;
    }
    // The same state read twice at once: one object, as callers compare states by identity
    // (caching.ts drops every cached response when the state object changes).
    return state.version === memo.version && state.newestVisible === memo.state.newestVisible ? memo.state : state;
  }

  return (nowMs = Date.now()): Promise<ContentState> =>
    currentVersion().then((version) => (memo && memo.version === version && nowMs < memo.until ? memo.state : fullState(nowMs)));
}

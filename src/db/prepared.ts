import type { Db } from './client.js';

const perConnection = new WeakMap<Db, Map<string, unknown>>();

/**
 * A query built once per connection and reused with `sql.placeholder` values. Building SQL
 * through Drizzle costs more than SQLite spends on a primary-key lookup, and a single
 * article write runs a dozen such lookups; the hot paths use this, the rest stays plain.
 */
export function prepared<T>(db: Db, key: string, build: () => T): T {
  let cache = perConnection.get(db);
  if (!cache) perConnection.set(db, (cache = new Map()));
  let query = cache.get(key) as T | undefined;
  if (query === undefined) cache.set(key, (query = build()));
  return query;
}

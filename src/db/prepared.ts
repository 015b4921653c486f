import type { Conn } from './database.js';

const perConnection = new WeakMap<Conn, Map<string, unknown>>();

/**
 * A query built once per connection and reused with `sql.placeholder` values, run with
 * `.execute(values)` (which both engines' Drizzle drivers give prepared queries). Building
 * SQL through Drizzle costs more than SQLite spends on a primary-key lookup, and a single
 * article write runs a dozen such lookups; the hot paths use this, the rest stays plain.
 * The key doubles as the statement name an engine with named statements needs.
 */
export function prepared<T>(conn: Conn, key: string, build: () => T): T {
  let cache = perConnection.get(conn);
  if (!cache) perConnection.set(conn, (cache = new Map()));
  let query = cache.get(key) as T | undefined;
  if (query === undefined) cache.set(key, (query = build()));
  return query;
}

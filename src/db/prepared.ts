import { createHash } from 'node:crypto';
import type { Conn } from './database.js';

const perConnection = new WeakMap<Conn, Map<string, unknown>>();

// What node-postgres' Drizzle prepared query carries (SQLite's has neither).
type PgQueryConfigs = { queryConfig?: { name?: string }; rawQueryConfig?: { name?: string } };

/**
 * PostgreSQL parses and plans an unnamed statement on every run; a named one once per
 * connection (node-postgres remembers which of its connections have it). Drizzle names a
 * statement only when given a name, which SQLite's builder (the type repositories see)
 * cannot take, so the key names it here. Hashed: the server keeps the first 63 bytes of
 * a name, and two long keys must not share them. One key is one SQL text (the key says
 * everything the text depends on), as a name must be on a connection.
 */
function nameStatement(query: unknown, key: string) {
  const { queryConfig, rawQueryConfig } = (query ?? {}) as PgQueryConfigs;
  if (!queryConfig || !rawQueryConfig || queryConfig.name !== undefined) return;
  queryConfig.name = rawQueryConfig.name = `dl_${createHash('sha1').update(key).digest('base64url').slice(0, 24)}`;
}

/**
 * A query built once per connection and reused with `sql.placeholder` values, run with
 * `.execute(values)` (which both engines' Drizzle drivers give prepared queries). Building
 * SQL through Drizzle costs more than SQLite spends on a primary-key lookup, and a single
 * article write runs a dozen such lookups; the hot paths use this, the rest stays plain.
 * The key doubles as the statement's name on PostgreSQL (see nameStatement).
 */
export function prepared<T>(conn: Conn, key: string, build: () => T): T {
  let cache = perConnection.get(conn);
  if (!cache) perConnection.set(conn, (cache = new Map()));
  let query = cache.get(key) as T | undefined;
  if (query === undefined) {
    query = build();
    nameStatement(query, key);
    cache.set(key, query);
  }
  return query;
}

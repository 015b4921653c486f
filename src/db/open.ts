import type { Database } from './database.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** Where the data is: PostgreSQL when `url` is set (config's DATABASE_URL), else the SQLite file. */
export type DatabaseLocation = { file: string; url?: string };

export type OpenOptions = {
  /** Longest a unit of work waits for the write lock (and on PostgreSQL for a connection). */
  lockTimeoutMs?: number;
  /** PostgreSQL connections this process keeps. */
  poolSize?: number;
  /** Budget of a read outside a unit of work on PostgreSQL. */
  queryTimeoutMs?: number;
  onHookError?: (err: unknown) => void;
};

/**
 * Opens and migrates the configured engine: the one place that chooses between them, for the
 * server (plugins/db.ts) and the scripts that work on its database (`npm run token`).
 */
export async function openConfigured(at: DatabaseLocation, opts: OpenOptions = {}): Promise<Database> {
  if (at.url) return openPostgres(at.url, opts);
  return openSqlite(at.file, { lockTimeoutMs: opts.lockTimeoutMs, onHookError: opts.onHookError });
}

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets readers run while a writer commits; NORMAL sync is durable across a process
  // crash in WAL mode (only an OS crash can lose the last commits); the busy timeout lets a
  // second process (a script, a backup) wait for the write lock instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Reads: a 32 MB page cache and 64 MB of memory-mapped I/O keep hot pages out of
  // syscalls. Both are bounded on purpose: with the 32 MB response cache they keep the
  // process under 250 MB whatever the size of the database (a million articles is ~17 GB).
  // Writes: temporary b-trees in memory instead of a file created and deleted per statement.
  sqlite.pragma('cache_size = -32768');
  sqlite.pragma('mmap_size = 67108864');
  sqlite.pragma('temp_store = MEMORY');
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * A read-only connection to a database file another connection has opened and migrated,
 * for a reader thread (src/workers/pool.ts). `query_only` makes any write an error even if
 * a bug tried one; the page cache is smaller because each reader thread has its own.
 */
export function openReader(file: string): Db {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('query_only = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -8192');
  sqlite.pragma('mmap_size = 67108864');
  sqlite.pragma('temp_store = MEMORY');
  return drizzle(sqlite, { schema }) as Db;
}

/** How long a starting instance waits for another one's migrations before giving up. */
const MIGRATION_WAIT_MS = 10 * 60_000;

/**
 * Applies the pending migrations of `folder`, all in one transaction, in drizzle's own
 * bookkeeping (`__drizzle_migrations`, as `drizzle-orm/better-sqlite3/migrator` keeps it).
 *
 * Not drizzle's migrator itself: it reads what was applied *before* it takes the write lock,
 * so instances starting together on one file all see the same migrations pending, and all
 * but the first fail applying them again ("table already exists"). Here the write lock is
 * taken first (BEGIN IMMEDIATE, waiting out another process's migration), then what was
 * applied is read, so the others find nothing left to do. Startup may block for that wait:
 * nothing is listening yet.
 */
export function migrateDatabase(db: Db, folder = migrationsFolder): void {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const sqlite = db.$client;
  const busyTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma(`busy_timeout = ${MIGRATION_WAIT_MS}`);
  try {
    sqlite.exec('BEGIN IMMEDIATE');
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
  try {
    sqlite.exec('CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)');
    const last = sqlite.prepare('SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1').pluck().get() as number | undefined;
    const record = sqlite.prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)');
    for (const migration of migrations) {
      if (last !== undefined && Number(last) >= migration.folderMillis) continue;
      for (const statement of migration.sql) sqlite.exec(statement);
      record.run(migration.hash, migration.folderMillis);
    }
    sqlite.exec('COMMIT');
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}

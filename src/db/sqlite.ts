import { E_TIMEOUT, Mutex, withTimeout } from 'async-mutex';
import BetterSqlite3 from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrateDatabase, migrationsFolder, openDatabase, openReader as openQueryOnly, type Db } from './client.js';
import { createContentStateReader } from './content-state.js';
import type { Database } from './database.js';
import * as schema from './schema.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { sqliteTables } from './tables.js';
import { busy, createUnitOfWork, type Session } from './unit-of-work.js';

export type SqliteOptions = {
  /** Longest wait for the write lock (this process's queue, then other processes') before a 503. */
  lockTimeoutMs?: number;
  migrate?: boolean;
  onHookError?: (err: unknown) => void;
};

export type SqliteDatabase = Database & {
  /** The raw connections, for maintenance (backup, metrics, tests): statements on them bypass the unit of work. */
  readonly sqlite: { writer: BetterSqlite3.Database; reader: BetterSqlite3.Database; file: string };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isBusy = (err: unknown) => (err as { code?: string }).code === 'SQLITE_BUSY';

function openReader(file: string): Db {
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  // Reads in WAL mode are only ever busy during recovery; waiting briefly is harmless there.
  sqlite.pragma('busy_timeout = 1000');
  sqlite.pragma('cache_size = -32768');
  sqlite.pragma('mmap_size = 67108864');
  sqlite.pragma('temp_store = MEMORY');
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * SQLite behind the unit of work. better-sqlite3 runs statements synchronously and its
 * native transactions cannot span an `await`, so:
 * - one writer connection, used only inside a unit of work, behind an async lock: units
 *   of work in this process queue on the lock, never on the connection;
 * - `BEGIN IMMEDIATE` takes SQLite's write lock up front (a read-check-write cannot be
 *   overtaken by another process). The writer's busy timeout is 0 and BEGIN is retried
 *   with short sleeps: another process holding the lock then costs this one a wait on a
 *   timer, not a blocked event loop;
 * - one read-only reader connection for everything outside a unit of work. WAL gives it
 *   the last committed state, never the writer's uncommitted rows.
 * A `:memory:` database cannot be shared by two connections: there the reader is the
 * writer (tools only; the server refuses it in config).
 */
export function openSqlite(file: string, opts: SqliteOptions = {}): SqliteDatabase {
  const writerDb = openDatabase(file);
  if (opts.migrate !== false) migrateDatabase(writerDb);
  const writer = writerDb.$client;
  // Smaller than the reader's: the writer mostly touches the pages it changes.
  writer.pragma('cache_size = -8192');
  writer.pragma('busy_timeout = 0');
  const readerDb = file === ':memory:' ? writerDb : openReader(file);
  const reader = readerDb.$client;
  const applied = reader.prepare('SELECT count(*) FROM __drizzle_migrations').pluck();
  const size = reader.prepare('SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()').pluck();

  const lockTimeoutMs = opts.lockTimeoutMs ?? 5000;
  // Units of work in this process queue here, never on the connection.
  const lock = withTimeout(new Mutex(), lockTimeoutMs, E_TIMEOUT);
  const session = (release: () => void): Session => ({
    async begin(deadline) {
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        try {
          writer.exec('BEGIN IMMEDIATE');
          return;
        } catch (err) {
          if (!isBusy(err)) throw err;
          if (Date.now() + pause > deadline) throw busy('another process holds the write lock');
          await sleep(pause);
        }
      }
    },
    async commit() {
      writer.exec('COMMIT');
    },
    async rollback() {
      if (writer.inTransaction) writer.exec('ROLLBACK');
    },
    async savepoint(name) {
      writer.exec(`SAVEPOINT ${name}`);
    },
    async release(name) {
      writer.exec(`RELEASE ${name}`);
    },
    async undo(name) {
      writer.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
    },
    // One writer for the process: it cannot be swapped for a new one. A ROLLBACK that failed
    // (it does not, short of a disk error) would leave the next BEGIN failing loudly.
    end: () => release(),
  });
  const uow = createUnitOfWork({
    async open() {
      try {
        return session(await lock.acquire());
      } catch (err) {
        if (err === E_TIMEOUT) throw busy('waiting for the write lock');
        throw err;
      }
    },
    lockTimeoutMs,
    onHookError: opts.onHookError ?? ((err) => process.emitWarning(`after-commit hook failed: ${String(err)}`)),
  });

  const contentState = createContentStateReader(reader);
  return {
    engine: 'sqlite',
    dialect: sqliteDialect,
    tables: sqliteTables,
    migrationsFolder,
    get conn() {
      return uow.current() ? writerDb : readerDb;
    },
    get inWrite() {
      return uow.current() !== undefined;
    },
    all: async <T>(query: SQL) => (uow.current() ? writerDb : readerDb).all<T>(query),
    run: async (query: SQL) => void (uow.current() ? writerDb : readerDb).run(query),
    write: uow.write,
    // Units of work already run one at a time.
    serialise: async () => {},
    onCommit: uow.onCommit,
    async close() {
      if (readerDb !== writerDb) readerDb.$client.close();
      writer.close();
    },
    migrationsApplied: async () => applied.get() as number,
    sizeBytes: async () => size.get() as number,
    contentState,
    sqlite: { writer, reader, file },
  };
}

/**
 * A read-only Database on a file another connection has opened and migrated, for a reader
 * thread (src/workers/tasks.ts): repositories run on it unchanged, and a write is an error
 * rather than a second writer on the file.
 */
export function openSqliteReadOnly(file: string): Database {
  const conn = openQueryOnly(file);
  const refuse = () => {
    throw new Error('This database is read-only (a reader thread): writes go through the server\'s unit of work');
  };
  return {
    engine: 'sqlite',
    dialect: sqliteDialect,
    tables: sqliteTables,
    migrationsFolder,
    conn,
    inWrite: false,
    all: async <T>(query: SQL) => conn.all<T>(query),
    run: async (query: SQL) => void conn.run(query),
    contentState: createContentStateReader(conn.$client),
    write: async () => refuse(),
    serialise: async () => refuse(),
    onCommit: refuse,
    async close() {
      conn.$client.close();
    },
    migrationsApplied: async () => conn.$client.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number,
    sizeBytes: async () => conn.$client.prepare('SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()').pluck().get() as number,
  };
}

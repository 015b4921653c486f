import type { SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import type { ContentState } from './content-state.js';
import type { Dialect } from './dialect.js';
import type { Tables } from './tables.js';
import type { WriteOptions } from './unit-of-work.js';

/**
 * A connection repositories query through (a Drizzle database bound to one connection). It is
 * typed as SQLite's; on PostgreSQL it is node-postgres' Drizzle database over pg tables (see
 * tables.ts for why one type stands for both).
 */
export type Conn = Db;

/**
 * The engine seam: every service and repository reaches the database through this.
 *
 * The unit of work travels through AsyncLocalStorage rather than as a parameter. It has
 * to span code that does not know about it: the idempotency plugin opens the unit around
 * a module's create, and shared helpers (audit, outbox, slug history, reference lookups)
 * are called from every service. With an implicit context, no call can forget to pass
 * the transaction and land on another connection, nesting needs no plumbing (an inner
 * `write` becomes a savepoint of the outer one), and outside a unit of work `conn` is a
 * read-only connection, so a write that bypasses the unit of work fails instead of
 * waiting for a lock the event loop holds.
 */
export interface Database {
  readonly engine: 'sqlite' | 'postgres';
  /** This engine's tables; repositories query these, never the schema modules directly. */
  readonly tables: Tables;
  /** The SQL that differs between engines (search, id lists, planner hints). */
  readonly dialect: Dialect;
  /** The current unit of work's connection; outside one, a read-only connection that sees committed rows only. */
  readonly conn: Conn;
  /**
   * Raw SQL on `conn`, for the few statements Drizzle's builder cannot express (window
   * functions, engine catalogues through the dialect): rows as objects, column names as given.
   */
  all<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Raw SQL on `conn` that returns no rows. */
  run(query: SQL): Promise<void>;
  /** True while the caller runs inside a unit of work of this database. */
  readonly inWrite: boolean;
  /**
   * Runs `fn` as one unit of work: all of it commits or none of it. Nested calls become
   * savepoints. Waiting longer than the write-lock timeout is a 503 `database_busy`.
   */
  write<T>(fn: () => Promise<T> | T, opts?: WriteOptions): Promise<T>;
  /**
   * Inside a unit of work: waits until no other unit of work, in this process or any other on
   * the same database, holds `key`, then holds it until this unit ends. For decisions no row
   * lock can cover because the row does not exist yet (is this slug free? was this
   * Idempotency-Key used?). A no-op on SQLite, whose units of work already run one at a time.
   */
  serialise(key: string): Promise<void>;
  /** Runs `hook` after the outermost unit of work commits (at once outside one); dropped on rollback. */
  onCommit(hook: () => void): void;
  close(): Promise<void>;
  /** Where this engine's migrations are (readiness compares their count with what is applied). */
  readonly migrationsFolder: string;
  /** How many migrations the database has applied (readiness). */
  migrationsApplied(): Promise<number>;
  /** Bytes the database takes (metrics). */
  sizeBytes(): Promise<number>;
  /**
   * What public responses depend on (write counter, newest visible publish time), as every
   * process sees it. Synchronous where the engine can answer without a round trip (SQLite).
   */
  contentState(nowMs?: number): ContentState | Promise<ContentState>;
}

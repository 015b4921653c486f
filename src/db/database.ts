import type { Db } from './client.js';
import type { Dialect } from './dialect.js';
import type { WriteOptions } from './unit-of-work.js';

/** A connection repositories query through (a Drizzle database bound to one connection). */
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
  readonly engine: 'sqlite';
  /** The SQL that differs between engines (search, id lists, planner hints). */
  readonly dialect: Dialect;
  /** The current unit of work's connection; outside one, a read-only connection that sees committed rows only. */
  readonly conn: Conn;
  /** True while the caller runs inside a unit of work of this database. */
  readonly inWrite: boolean;
  /**
   * Runs `fn` as one unit of work: all of it commits or none of it. Nested calls become
   * savepoints. Waiting longer than the write-lock timeout is a 503 `database_busy`.
   */
  write<T>(fn: () => Promise<T> | T, opts?: WriteOptions): Promise<T>;
  /** Runs `hook` after the outermost unit of work commits (at once outside one); dropped on rollback. */
  onCommit(hook: () => void): void;
  close(): Promise<void>;
  /** How many migrations the database has applied (readiness). */
  migrationsApplied(): Promise<number>;
  /** Bytes the database takes (metrics). */
  sizeBytes(): Promise<number>;
}

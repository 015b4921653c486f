import type { Db } from '../../db/client.js';

/** Databases inside a flat transaction (see inFlatWrite): nested units join it without a savepoint. */
const flat = new WeakSet<Db>();

/**
 * A write transaction. IMMEDIATE takes the write lock at BEGIN, so a read-check-write
 * (a version precondition, a slug check) cannot be overtaken by another process between
 * the read and the write. The callback must be synchronous: better-sqlite3 commits when
 * it returns. Nested, it is a savepoint, unless it runs inside inFlatWrite.
 */
export const inWrite = <T>(db: Db, fn: () => T): T => (flat.has(db) ? fn() : db.transaction(fn, { behavior: 'immediate' }));

/**
 * One transaction in which nested units open no savepoints: for many small units committed
 * together (a bulk import's batch). A savepoint is not free: the search index (FTS5) writes
 * what it has pending as a new segment at each one, so a savepoint per article means a
 * segment per article and constant merging. The price: a unit that fails cannot roll back
 * alone, so anything thrown inside rolls back the whole transaction, and the caller redoes
 * the work with inWrite, where each unit has its savepoint again.
 */
export function inFlatWrite<T>(db: Db, fn: () => T): T {
  return db.transaction(
    () => {
      flat.add(db);
      try {
        return fn();
      } finally {
        flat.delete(db);
      }
    },
    { behavior: 'immediate' },
  );
}

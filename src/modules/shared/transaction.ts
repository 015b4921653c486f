import type { Db } from '../../db/client.js';

/**
 * A write transaction. IMMEDIATE takes the write lock at BEGIN, so a read-check-write
 * (a version precondition, a slug check) cannot be overtaken by another process between
 * the read and the write. The callback must be synchronous: better-sqlite3 commits when
 * it returns.
 */
export const inWrite = <T>(db: Db, fn: () => T): T => db.transaction(fn, { behavior: 'immediate' });

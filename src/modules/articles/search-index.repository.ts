import type { Database } from '../../db/database.js';

/**
 * The search index's batch (Dialect.search.batch): articles a unit of work creates enter the
 * index once, at its end, instead of through a trigger per row. A no-op on engines without one.
 */
export function createSearchIndexRepository(db: Database) {
  const batch = db.dialect.search.batch;
  return {
    /** From now until `indexDeferred`, articles created in this unit of work are not indexed. */
    async defer(): Promise<void> {
      if (batch) await db.run(batch.defer);
    },
    /** Indexes the articles created since `defer`, in one statement, and ends the deferral. */
    async indexDeferred(): Promise<void> {
      for (const statement of batch?.index ?? []) await db.run(statement);
    },
  };
}

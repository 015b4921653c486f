import type { AnyColumn, Placeholder, SQL } from 'drizzle-orm';
import type { SearchTerm } from '../lib/fts-query.js';

export type RowLock = 'update' | 'no key update' | 'key share';

/**
 * What differs between engines in the SQL the repositories write, in one place per engine
 * (sqlite-dialect.ts, postgres-dialect.ts) instead of sprinkled through repositories.
 * Everything else is Drizzle's query builder, which both engines share.
 */
export type Dialect = {
  /** `column` as an operand the planner must not turn into an index range (a cheap filter beside a seek). */
  filterOnly(column: AnyColumn): SQL;
  /** `column IN (…ids)` with the whole list bound as one parameter: one statement whatever the length. */
  inIds(column: AnyColumn, ids: number[]): SQL;
  /**
   * Where every statement is a round trip to a server (PostgreSQL): `column` equal to any
   * element of the array bound to `list`, so a short list of lookups is one statement. Absent
   * where statements cost no round trip (SQLite): one prepared point lookup each is cheaper.
   */
  anyOf?: (column: AnyColumn, list: Placeholder, type: 'integer' | 'text') => SQL;
  /**
   * `query` (a select) locking the rows it returns until the unit of work ends, on engines
   * with row locks (SQLite's one writer needs none: it returns `query` as it is). `update`:
   * the row is about to be deleted or its key changed; `no key update`: other columns
   * change (inserts that reference the row still go ahead); `key share`: the row must not
   * go away. `skipLocked`: rows another unit of work holds are left out (work queues).
   * `of`: with a join, the table whose rows are locked.
   */
  lockRows<Q>(query: Q, strength: RowLock, opts?: { skipLocked?: boolean; of?: unknown }): Q;
  /** True when `err` (or what it wraps) is a unique or primary-key violation. */
  isUniqueViolation(err: unknown): boolean;
  /**
   * The highest id an autoincrementing table has ever handed out, even when that row is
   * gone (SQLite's AUTOINCREMENT keeps it in sqlite_sequence; a sequence elsewhere).
   * A query selecting one column, `seq`, with no row before the first insert.
   */
  lastSequence(table: string, column: string): SQL;
  /** The larger of two values (SQLite's two-argument max(), PostgreSQL's GREATEST). */
  greatest(a: AnyColumn | SQL, b: unknown): SQL;
  /** Bytes a stored text or JSON value takes, without decoding it where the engine can. */
  byteLength(column: AnyColumn): SQL<number>;
  /** Full-text search over articles (kept by triggers in the article's transaction). */
  search: {
    /**
     * True when adding a byline re-indexes the whole article, body included (SQLite's FTS5
     * row is rebuilt): a create then writes the body text after the bylines. PostgreSQL keeps
     * the bylines in their own tsvector.
     */
    bylinesReindexBody: boolean;
    /** The engine's query text for parsed terms (lib/fts-query.ts); passed to the methods below. */
    query(terms: SearchTerm[]): string;
    /** The index to join or select from. */
    source: SQL;
    /** Join condition between the index and `articles.id`. */
    joinOn(articleId: AnyColumn): SQL;
    /** Rows matching the query. */
    matches(query: string | Placeholder): SQL;
    /** The article id of an index row, when selecting from the index alone. */
    rowId: SQL<number>;
    /** Best first: ascending order of this expression. */
    rank(query: string | Placeholder): SQL;
    /** An excerpt around the match, hits wrapped in \u0002…\u0003 (see lib/fts-query.ts snippetHtml). */
    snippet(query: string | Placeholder): SQL<string>;
    /**
     * Where the triggers' indexing of each write is costly in many small steps (SQLite's FTS5
     * writes a segment per trigger-run statement), a batch for a unit of work that creates many
     * articles: after `defer`, the triggers leave alone every article created from then on;
     * `index` indexes those in one statement and ends the deferral. Both in the same outermost
     * unit of work, so nothing committed is ever missing from the index. Absent where the
     * index needs no batch (PostgreSQL).
     */
    batch?: { defer: SQL; index: SQL[] };
  };
};

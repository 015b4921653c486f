import type { AnyColumn, Placeholder, SQL } from 'drizzle-orm';

/**
 * What differs between engines in the SQL the repositories write, in one place per engine
 * (sqlite-dialect.ts) instead of sprinkled through repositories. Everything else is
 * Drizzle's query builder, which both engines share.
 */
export type Dialect = {
  /** `column` as an operand the planner must not turn into an index range (a cheap filter beside a seek). */
  filterOnly(column: AnyColumn): SQL;
  /** `column IN (…ids)` with the whole list bound as one parameter: one statement whatever the length. */
  inIds(column: AnyColumn, ids: number[]): SQL;
  /**
   * The highest id an autoincrementing table has ever handed out, even when that row is
   * gone (SQLite's AUTOINCREMENT keeps it in sqlite_sequence; a sequence elsewhere).
   * A query selecting one column, `seq`, with no row before the first insert.
   */
  lastSequence(table: string): SQL;
  /** Full-text search over articles (kept by triggers in the article's transaction). */
  search: {
    /** The index to join or select from. */
    source: SQL;
    /** Join condition between the index and `articles.id`. */
    joinOn(articleId: AnyColumn): SQL;
    /** Rows matching a query already made safe by lib/fts-query.ts. */
    matches(query: string | Placeholder): SQL;
    /** The article id of an index row, when selecting from the index alone. */
    rowId: SQL<number>;
    /** Best first: ascending order of this expression. */
    rank: SQL;
    /** An excerpt around the match, hits wrapped in \u0002…\u0003 (see lib/fts-query.ts snippetHtml). */
    snippet: SQL<string>;
  };
};

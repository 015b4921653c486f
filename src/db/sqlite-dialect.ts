import { sql, type AnyColumn, type Placeholder } from 'drizzle-orm';
import type { Dialect } from './dialect.js';

// The FTS5 table is created by a hand-written migration (drizzle-kit has no virtual tables).
const fts = sql.raw('articles_fts');
// bm25 weights per column: headline, standfirst, body, bylines.
const RANK_WEIGHTS = sql.raw('10.0, 4.0, 1.0, 2.0');

export const sqliteDialect: Dialect = {
  // The unary `+` keeps SQLite from using the column as the index range.
  filterOnly: (column: AnyColumn) => sql`+${column}`,
  inIds: (column: AnyColumn, ids: number[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  lastSequence: (table: string) => sql`SELECT seq FROM sqlite_sequence WHERE name = ${table}`,
  search: {
    source: fts,
    joinOn: (articleId: AnyColumn) => sql`${fts}.rowid = ${articleId}`,
    matches: (query: string | Placeholder) => sql`${fts} MATCH ${query}`,
    rowId: sql<number>`${fts}.rowid`,
    rank: sql`bm25(${fts}, ${RANK_WEIGHTS})`,
    snippet: sql<string>`snippet(articles_fts, -1, char(2), char(3), '…', 24)`,
  },
};

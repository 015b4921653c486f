import { sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm';
import type { Dialect } from './dialect.js';
import { toFtsQueryText } from '../lib/fts-query.js';

// The FTS5 table is created by a hand-written migration (drizzle-kit has no virtual tables).
const fts = sql.raw('articles_fts');
// bm25 weights per column: headline, standfirst, body, bylines.
const RANK_WEIGHTS = sql.raw('10.0, 4.0, 1.0, 2.0');
// The one-row switch the search triggers read (migrations/0005_search_index_deferral.sql).
const deferral = sql.raw('search_index_deferral');
const bylines = sql.raw(
  `coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position)), '')`,
);
const UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

export const sqliteDialect: Dialect = {
  // The unary `+` keeps SQLite from using the column as the index range.
  filterOnly: (column: AnyColumn) => sql`+${column}`,
  inIds: (column: AnyColumn, ids: number[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  // Units of work run one at a time: what one reads stays as it is until it commits.
  lockRows: (query) => query,
  isUniqueViolation: (err: unknown) => {
    for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
      if (typeof e.code === 'string' && UNIQUE.has(e.code)) return true;
    }
    return false;
  },
  lastSequence: (table: string) => sql`SELECT seq FROM sqlite_sequence WHERE name = ${table}`,
  greatest: (a: AnyColumn | SQL, b: unknown) => sql`max(${a}, ${b})`,
  // Read from the record header: the value itself is not loaded.
  byteLength: (column: AnyColumn) => sql<number>`octet_length(${column})`,
  search: {
    bylinesReindexBody: true,
    query: toFtsQueryText,
    source: fts,
    joinOn: (articleId: AnyColumn) => sql`${fts}.rowid = ${articleId}`,
    matches: (query: string | Placeholder) => sql`${fts} MATCH ${query}`,
    rowId: sql<number>`${fts}.rowid`,
    // bm25() and snippet() read the MATCH of the same statement: they take no query.
    rank: () => sql`bm25(${fts}, ${RANK_WEIGHTS})`,
    snippet: () => sql<string>`snippet(articles_fts, -1, char(2), char(3), '…', 24)`,
    // Articles above the highest id at `defer` are the ones created since: the triggers skip
    // them (their rows, bylines and body text), and `index` reads their final state.
    batch: {
      defer: sql`UPDATE ${deferral} SET after_article_id = (SELECT coalesce(max(id), 0) FROM articles) WHERE id = 1`,
      index: [
        sql`INSERT INTO ${fts} (rowid, headline, standfirst, body, bylines)
          SELECT a.id, a.headline, coalesce(a.standfirst, ''), a.body_text, ${bylines} FROM articles a
          WHERE a.id > (SELECT after_article_id FROM ${deferral} WHERE id = 1)`,
        sql`UPDATE ${deferral} SET after_article_id = NULL WHERE id = 1`,
      ],
    },
  },
};

import { sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm';
import type { LockConfig, PgColumn, PgSelect, PgTable } from 'drizzle-orm/pg-core';
import type { Dialect } from './dialect.js';
import { inIds } from './pg/dialect.js';
import { HEADLINE_OPTIONS, toTsQueryText } from './pg/search.js';
import { pgTables } from './tables.js';

// Full-text search over `articles_search` (migrations/pg/0001: the weighted tsvector kept by
// triggers, GIN-indexed), with the `dateline_search` configuration (unaccent, no stemming).
// The query text comes from lib/fts-query.ts's parsed terms through toTsQueryText, which
// quotes every operand: it is bound as a parameter and can never be a tsquery syntax error.
const table = sql.raw('articles_search');
const CONFIG = sql.raw(`'dateline_search'::regconfig`);
// ts_rank's weights in {D, C, B, A} order: body 1, bylines 2, standfirst 4, headline 10, as
// the bm25 weights on SQLite; normalisation 1 damps long bodies as bm25 does.
const WEIGHTS = sql.raw(`'{0.1, 0.2, 0.4, 1.0}'::float4[]`);
const tsquery = (query: string | Placeholder) => sql`to_tsquery(${CONFIG}, ${query})`;
const { articles } = pgTables;
// Selects are built on tables typed as SQLite's (see tables.ts); at run time they are PostgreSQL's.
type Lockable = Pick<PgSelect, 'for'>;

export const postgresDialect: Dialect = {
  // PostgreSQL's planner needs no hint to treat the publish-time test as a filter.
  filterOnly: (column: AnyColumn) => sql`${column}`,
  inIds: (column: AnyColumn, ids: number[]) => inIds(column as unknown as PgColumn, ids),
  anyOf: (column: AnyColumn, list: Placeholder, type: 'integer' | 'text') => sql`${column} = ANY(${list}::${sql.raw(type)}[])`,
  lockRows: (query, strength, opts = {}) =>
    (query as unknown as Lockable).for(strength, { skipLocked: opts.skipLocked ? true : undefined, of: opts.of as PgTable | undefined } as LockConfig) as typeof query,
  isUniqueViolation: (err: unknown) => {
    // Drizzle wraps the driver's error (DrizzleQueryError) with it as `cause`.
    for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
      if (e.code === '23505') return true;
    }
    return false;
  },
  // An identity column's sequence; last_value is NULL until it hands out its first value.
  lastSequence: (table: string, column: string) =>
    sql`SELECT last_value AS seq FROM pg_sequences WHERE schemaname || '.' || sequencename = pg_get_serial_sequence(${table}, ${column}) AND last_value IS NOT NULL`,
  greatest: (a: AnyColumn | SQL, b: unknown) => sql`GREATEST(${a}, ${b})`,
  byteLength: (column: AnyColumn) => sql<number>`octet_length(${column}::text)`,
  search: {
    bylinesReindexBody: false,
    query: toTsQueryText,
    source: table,
    joinOn: (articleId: AnyColumn) => sql`${table}.article_id = ${articleId}`,
    matches: (query: string | Placeholder) => sql`${table}.document @@ ${tsquery(query)}`,
    rowId: sql<number>`${table}.article_id`,
    // Ascending is best first, as bm25 on SQLite; ts_rank is higher-is-better.
    rank: (query: string | Placeholder) => sql`-ts_rank(${WEIGHTS}, ${table}.document, ${tsquery(query)}, 1)`,
    // ts_headline re-parses the text: only ever selected for one page's rows. Its parser
    // takes `<…>` for markup and drops it, where FTS5 keeps the text as written (escaped
    // later by snippetHtml): `<` is swapped for \u0001 around the call and swapped back.
    snippet: (query: string | Placeholder) =>
      sql<string>`replace(ts_headline(${CONFIG}, replace(concat_ws(' ', ${articles.standfirst}, ${articles.bodyText}), '<', chr(1)), ${tsquery(query)}, ${HEADLINE_OPTIONS}), chr(1), '<')`,
  },
};

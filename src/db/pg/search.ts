import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { HIT_END, HIT_START, type SearchTerm } from '../../lib/fts-query.js';
import { articles } from './schema.js';

// Full-text search on PostgreSQL: the same parsed terms as FTS5 (src/lib/fts-query.ts), over
// the weighted document that migrations/pg/0001 (and 0005) keep in `articles_search` (headline A,
// standfirst B, bylines C, body D) through the `dateline_search` configuration (unaccent,
// then `simple`: no stemming, as FTS5's unicode61).

const CONFIG = sql.raw(`'dateline_search'::regconfig`);
// Kept out of the Drizzle schema, as articles_fts is on SQLite, so article rows stay the same.
const searchTable = sql.raw('articles_search');
const document = sql.raw('articles_search.document');
// ts_rank's weights in {D, C, B, A} order, SQLite's bm25 weights (body 1, bylines 2,
// standfirst 4, headline 10) to scale; normalisation 1 divides by 1 + log(length), so a
// long body does not win on length alone (bm25 damps length too).
const WEIGHTS = sql.raw(`'{0.1, 0.2, 0.4, 1.0}'::float4[]`);

// Inside to_tsquery quotes only `'` and `\` are special. A quoted operand is parsed like
// document text by the same configuration: several words become a `<->` phrase, accents and
// case fold, punctuation separates. Operands that yield no lexeme are dropped (with a NOTICE),
// never an error: parseSearch only gives non-empty terms with a letter or digit.
// A `<` is followed by the separator dateline_search_text adds to stored text, or `<Okapi>`
// would be read as a tag and dropped here too (control characters never reach a term).
const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('<', '<\u001f')}'`;

/** The to_tsquery text for parsed terms: all must match; `prefix*` matches word starts. */
export function toTsQueryText(terms: SearchTerm[]): string {
  return terms.map((t) => (t.kind === 'prefix' ? `${quote(t.text)}:*` : quote(t.text))).join(' & ');
}

/** The tsquery for parsed terms, as a bound parameter (never spliced into the SQL). */
export const tsQuery = (terms: SearchTerm[]): SQL => sql`to_tsquery(${CONFIG}, ${toTsQueryText(terms)})`;

/** Joins `articles_search` to `articles`: add to a select from articles with `.innerJoin`. */
export const searchJoin = { table: searchTable, on: sql`${searchTable}.article_id = ${articles.id}` };

/** True for articles that match every term; uses the GIN index on the document. */
export const matches = (terms: SearchTerm[]): SQL => sql`${document} @@ ${tsQuery(terms)}`;

/** Relevance: higher is better (FTS5's bm25 is lower-is-better). */
export const rank = (terms: SearchTerm[]): SQL<number> =>
  sql<number>`ts_rank(${WEIGHTS}, ${document}, ${tsQuery(terms)}, 1)`.mapWith(Number);

// Hits are marked with the same control characters as FTS5's snippet(), so the one
// snippetHtml() escapes and marks both. About 24 words, as snippet(…, 24) on SQLite.
export const HEADLINE_OPTIONS = `StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "`;

/**
 * A snippet of the standfirst and body around the hits. ts_headline re-parses the text, so
 * it must only ever run on the rows of one page (see searchPage), never on every match. The
 * text is parsed as the index parsed it (dateline_search_text, migrations/pg/0005: `<…>` is
 * text, not a tag to drop), and the separator that function adds is taken out again.
 */
export const snippet = (terms: SearchTerm[]): SQL<string> =>
  sql<string>`replace(ts_headline(${CONFIG}, dateline_search_text(concat_ws(' ', ${articles.standfirst}, ${articles.bodyText})), ${tsQuery(terms)}, ${HEADLINE_OPTIONS}), chr(31), '')`;

export type SearchHit = { id: number; rank: number; snippet: string };
type Db = NodePgDatabase<Record<string, unknown>>;

/**
 * One page of matches, best first (ties by id, as on SQLite), with snippets computed for
 * that page only. `where` narrows the matches (visibility, filters) with conditions on
 * `articles`. The repository then reads the page's rows by id, in this order.
 */
export function searchPage(db: Db, terms: SearchTerm[], page: { where?: SQL; limit: number; offset: number }) {
  const ranked = db.$with('ranked').as(
    db
      .select({ id: sql<number>`${articles.id}`.as('ranked_id'), rank: rank(terms).as('rank') })
      .from(articles)
      .innerJoin(searchTable, searchJoin.on)
      .where(and(matches(terms), page.where))
      .orderBy(desc(sql`rank`), articles.id)
      .limit(page.limit)
      .offset(page.offset),
  );
  // A query builder (await it for SearchHit[]), so callers can also prepare or explain it.
  return db
    .with(ranked)
    .select({ id: ranked.id, rank: ranked.rank, snippet: snippet(terms) })
    .from(ranked)
    .innerJoin(articles, eq(articles.id, ranked.id))
    .orderBy(desc(ranked.rank), ranked.id) satisfies PromiseLike<SearchHit[]>;
}

/** How many articles match (for `total=true`). */
export async function countMatches(db: Db, terms: SearchTerm[], where?: SQL): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(articles)
    .innerJoin(searchTable, searchJoin.on)
    .where(and(matches(terms), where));
  return row?.n ?? 0;
}

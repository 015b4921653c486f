import { eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import * as s from '../../src/db/pg/schema.js';
import { countMatches, searchPage, toTsQueryText } from '../../src/db/pg/search.js';
import { HIT_END, HIT_START, parseSearch } from '../../src/lib/fts-query.js';
import { freshPgDatabase, pgPool } from '../helpers/pg.js';

const at = '2026-01-01T00:00:00.000Z';
const live = eq(s.articles.status, 'published');

async function seeded(t: Test) {
  const pool = pgPool(t, (await freshPgDatabase(t)).url);
  const db = drizzle(pool, { schema: s });
  const [bureau] = await db.insert(s.bureaus).values({ slug: 'lisbon', name: 'Lisbon', createdAt: at, updatedAt: at }).returning();
  const [reporter] = await db.insert(s.authors).values({ slug: 'mariana', name: 'Mariana Gonçalves', createdAt: at, updatedAt: at }).returning();
  const article = async (headline: string, bodyText: string, o: { standfirst?: string; draft?: boolean; byline?: boolean } = {}) => {
    const [a] = await db
      .insert(s.articles)
      .values({ slug: headline.toLowerCase().replace(/\W+/g, '-'), headline, standfirst: o.standfirst, bureauId: bureau!.id, status: o.draft ? 'draft' : 'published', publishedAt: o.draft ? null : at, bodyText, createdAt: at, updatedAt: at })
      .returning({ id: s.articles.id });
    if (o.byline !== false) await db.insert(s.articleAuthors).values({ articleId: a!.id, authorId: reporter!.id, position: 0 });
    return a!.id;
  };
  const ids = {
    inHeadline: await article('Brasília approves a fiscal framework', 'Congress voted late into the night.'),
    inBody: await article('Markets rally', 'Investors cheered news from Brasília and the fiscal framework vote.'),
    inStandfirst: await article('A quiet week', 'Nothing else happened.', { standfirst: 'Brasilia waits for the budget' }),
    other: await article('Lisbon rents climb', 'Rents rose 11% — a “crisis”, tenants said.', { byline: false }),
    draft: await article('Brasília secret draft', 'Not yet.', { draft: true }),
  };
  const find = async (q: string, where = live, limit = 20) => searchPage(db, parseSearch(q)!, { where, limit, offset: 0 });
  const idsOf = async (q: string, where = live) => (await find(q, where)).map((h) => h.id);
  return { db, pool, ids, reporter: reporter!, find, idsOf };
}

t.test('accent-insensitive, weighted, with marked snippets', async (t) => {
  const { ids, find, idsOf } = await seeded(t);
  const hits = await find('brasilia');
  t.same(hits.map((h) => h.id), [ids.inHeadline, ids.inStandfirst, ids.inBody], 'headline (A) > standfirst (B) > body (D)');
  t.ok(hits[0]!.rank > hits[1]!.rank && hits[1]!.rank > hits[2]!.rank, 'strictly ranked');
  t.match(hits[2]!.snippet, `${HIT_START}Brasília${HIT_END}`, 'the original accented word is marked');
  t.same(await idsOf('BRASÍLIA'), await idsOf('brasilia'), 'case and accents fold in queries too');
  t.same((await idsOf('goncalves')).sort(), [ids.inHeadline, ids.inBody, ids.inStandfirst].sort(), 'bylines are searched (C)');
});

t.test('phrases and prefixes', async (t) => {
  const { ids, idsOf } = await seeded(t);
  t.same((await idsOf('fisc*')).sort(), [ids.inHeadline, ids.inBody].sort(), 'prefix');
  t.same(await idsOf('"fiscal framework vote"'), [ids.inBody], 'phrase, words in order');
  t.same(await idsOf('"framework fiscal"'), [], 'a phrase in another order is not found');
  t.same(await idsOf('fiscal vote'), [ids.inBody], 'all terms must match');
  t.same(await idsOf('rents crisis'), [ids.other], 'punctuation around words does not matter');
});

t.test('drafts are excluded when the caller filters them out', async (t) => {
  const { ids, idsOf } = await seeded(t);
  t.same(await idsOf('secret'), []);
  t.same(await idsOf('secret', sql`true`), [ids.draft]);
});

t.test('the triggers keep the document in step with writes', async (t) => {
  const { db, ids, reporter, idsOf } = await seeded(t);
  await db.update(s.authors).set({ name: 'Mariana Souza' }).where(eq(s.authors.id, reporter.id));
  t.same(await idsOf('goncalves'), [], 'an author rename drops the old name');
  t.equal((await idsOf('souza')).length, 3, 'and finds the new one');
  await db.update(s.articles).set({ bodyText: 'Prices fell.' }).where(eq(s.articles.id, ids.inBody));
  t.same(await idsOf('investors'), [], 'a body edit drops old words');
  t.same(await idsOf('prices'), [ids.inBody], 'and indexes new ones');
  t.same((await idsOf('souza')).sort(), [ids.inHeadline, ids.inBody, ids.inStandfirst].sort(), 'a body edit keeps the bylines');
  await db.delete(s.articleAuthors).where(eq(s.articleAuthors.articleId, ids.inBody));
  t.notOk((await idsOf('souza')).includes(ids.inBody), 'a removed byline is no longer found');
  await db.delete(s.articles).where(inArray(s.articles.id, [ids.inHeadline]));
  t.notOk((await idsOf('approves')).length, 'a deleted article is gone');
  t.equal(await countMatches(db, parseSearch('brasilia')!, live), 1, 'only the standfirst match is left');
});

t.test('a new article is indexed once, at commit, as the transaction left it', async (t) => {
  const { pool, reporter, idsOf } = await seeded(t);
  const client = await pool.connect();
  t.teardown(() => client.release());
  const document = async (id: number) =>
    (await client.query<{ d: string | null }>('SELECT document::text AS d FROM articles_search WHERE article_id = $1', [id])).rows[0]?.d ?? null;
  // This session's writes to the search table so far; they are flushed only between transactions.
  const written = async () =>
    (await client.query<{ ins: string; upd: string }>(
      `SELECT n_tup_ins AS ins, n_tup_upd AS upd FROM pg_stat_xact_user_tables WHERE relname = 'articles_search'`,
    )).rows.map((r) => ({ ins: Number(r.ins), upd: Number(r.upd) }))[0]!;
  await client.query('BEGIN');
  const before = await written();
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO articles (slug, headline, bureau_id, status, published_at, body_text, created_at, updated_at)
       VALUES ('kiln', 'Kiln fires', 1, 'published', $1, 'Potters gather.', $1, $1) RETURNING id`,
    [at],
  );
  const id = rows[0]!.id;
  await client.query('INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, 0)', [id, reporter.id]);
  await client.query(`UPDATE articles SET headline = 'Glaze prices' WHERE id = $1`, [id]);
  t.equal(await document(id), null, 'no search row before COMMIT');
  // Runs the deferred triggers now, as COMMIT would, so this transaction's counters show them.
  await client.query('SET CONSTRAINTS ALL IMMEDIATE');
  const after = await written();
  t.same({ ins: after.ins - before.ins, upd: after.upd - before.upd }, { ins: 1, upd: 0 }, 'one row written, never rewritten (its words enter the index once)');
  await client.query('COMMIT');
  t.same(await idsOf('glaze'), [id], 'the headline as last updated is found');
  t.same(await idsOf('kiln'), [], 'not the one inserted');
  t.ok((await idsOf('goncalves')).includes(id), 'the byline added after the insert is found');
  t.ok((await idsOf('potters')).includes(id), 'and the body');

  await client.query('BEGIN');
  const gone = (await client.query<{ id: number }>(
    `INSERT INTO articles (slug, headline, bureau_id, status, body_text, created_at, updated_at)
       VALUES ('gone', 'Gone', 1, 'draft', '', $1, $1) RETURNING id`,
    [at],
  )).rows[0]!.id;
  await client.query('DELETE FROM articles WHERE id = $1', [gone]);
  await client.query('COMMIT');
  t.equal(await document(gone), null, 'an article deleted in its own transaction leaves no search row');
});

t.test('snippets are computed for the page only', async (t) => {
  const { db } = await seeded(t);
  const more = Array.from({ length: 30 }, (_, i) => ({
    slug: `budget-${i}`, headline: `Budget ${i}`, bureauId: 1, status: 'published' as const, publishedAt: at, bodyText: 'The budget passed.', createdAt: at, updatedAt: at,
  }));
  await db.insert(s.articles).values(more);
  const query = searchPage(db, parseSearch('budget')!, { where: live, limit: 3, offset: 0 }).toSQL();
  const { rows } = await db.$client.query(`EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) ${query.sql}`, query.params);
  type Node = { 'Actual Rows': number; 'Actual Loops': number; Output?: string[]; Plans?: Node[] };
  const withHeadline: Node[] = [];
  const walk = (n: Node) => {
    if (n.Output?.some((o) => o.includes('ts_headline'))) withHeadline.push(n);
    n.Plans?.forEach(walk);
  };
  walk((rows[0]['QUERY PLAN'] as { Plan: Node }[])[0]!.Plan);
  t.ok(withHeadline.length > 0, 'the plan computes ts_headline');
  for (const n of withHeadline) t.ok(n['Actual Rows'] * n['Actual Loops'] <= 3, `on ${n['Actual Rows']} row(s), of 31 matches`);
  t.equal(await countMatches(db, parseSearch('budget')!, live), 31);
});

t.test('no input is ever a tsquery error', async (t) => {
  const { db } = await seeded(t);
  const syntax = fc.constantFrom(...`'\\:*&|!()<->"-_ .,;éÉßøŁ中文한글🙂\u0301\u200b\u00a0`.split(''));
  const input = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.string({ unit: fc.oneof(syntax, fc.constantFrom('a', 'b', 'x')), maxLength: 40 }),
  );
  let searched = 0;
  await fc.assert(
    fc.asyncProperty(input, async (q) => {
      const terms = parseSearch(q);
      if (!terms) return;
      searched++;
      await searchPage(db, terms, { where: live, limit: 5, offset: 0 });
    }),
    { numRuns: 400 },
  );
  t.ok(searched > 200, `${searched} inputs reached PostgreSQL without an error`);
  // A prefix needs two letters (SEARCH_LIMITS.minPrefix): `cd:*` stays a prefix.
  t.equal(toTsQueryText(parseSearch(`it's a\\b cd:* & !d`)!), `'it''s' & 'a\\\\b' & 'cd:':* & '!d'`, 'quotes and backslashes are escaped');
});

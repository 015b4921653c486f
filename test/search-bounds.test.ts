import t from 'tap';
import { encodeCursor } from '../src/lib/cursor.js';
import { SEARCH_LIMITS, SearchLimitError, toFtsQuery } from '../src/lib/fts-query.js';
import { buildTestApp } from './helpers/app.js';
import { makeArticle, makeAuthor, makeBureau, publish } from './helpers/factories.js';

// Search is bounded by construction: words, prefix lengths, length of q, relevance depth.

t.test('the FTS query is bounded by construction', async (t) => {
  t.equal(toFtsQuery('ab* fiscal*'), '"ab"* "fiscal"*', 'prefixes of two letters or more use the prefix indexes');
  t.equal(toFtsQuery('a*'), '"a"', 'a one-letter prefix is searched as the whole word');
  t.equal(toFtsQuery('é*'), '"é"', 'accents are folded before counting, as FTS5 folds them');
  t.equal(toFtsQuery('ñu*'), '"ñu"*');
  t.equal(toFtsQuery('covid-1*'), '"covid-1"', 'the word the star applies to is the last one');
  t.equal(toFtsQuery('rates rates* rates "rates"'), '"rates" "rates"*', 'a repeated term is kept once');
  const twelve = Array.from({ length: SEARCH_LIMITS.maxWords }, (_, i) => `w${i}`).join(' ');
  t.ok(toFtsQuery(twelve));
  t.throws(() => toFtsQuery(`${twelve} one-more`), SearchLimitError);
  t.throws(() => toFtsQuery(`"${twelve} more"`), SearchLimitError, 'words inside a phrase count');
  t.throws(() => toFtsQuery(Array(66).fill('a*').join(' ')), SearchLimitError, 'the probe that froze the server');
});

t.test('listArticles refuses searches past the limits, naming the parameter', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);
  for (let i = 0; i < 3; i++) {
    const a = await makeArticle(ctx, { headline: `Harbour story ${i}`, bureau: bureau.slug, authors: [author.slug] });
    await publish(ctx, a.id);
  }
  const get = (query: string) => ctx.app.inject({ url: `/v1/articles?${query}` });

  const words = await get(`q=${encodeURIComponent(Array(13).fill('harbour').map((w, i) => w + i).join(' '))}`);
  t.equal(words.statusCode, 400);
  t.same(words.json().errors.map((e: { path: string }) => e.path), ['query.q']);
  t.match(words.json().detail, /at most 12 words/);

  const long = await get(`q=${'x'.repeat(SEARCH_LIMITS.maxLength + 1)}`);
  t.equal(long.statusCode, 400);
  t.same(long.json().errors.map((e: { path: string }) => e.path), ['query.q']);

  t.equal((await get('q=a*')).statusCode, 200, 'a short prefix is not an error');
  t.equal((await get('q=harbour&offset=980&limit=20')).statusCode, 200, 'relevance pages down to 1,000');
  const deep = await get('q=harbour&offset=990&limit=20');
  t.equal(deep.statusCode, 400);
  t.same(deep.json().errors.map((e: { path: string }) => e.path), ['query.offset']);
  t.match(deep.json().errors[0].message, /sort=-publishedAt/, 'the hint says how to go deeper');
  t.equal((await get('q=harbour&sort=-publishedAt&offset=5000')).statusCode, 200, 'time sorts page as deep as they like');

  const last = await get('q=harbour&offset=900&limit=100');
  t.equal(last.statusCode, 200);
  const next = last.json().meta.nextCursor;
  t.ok(next === null || typeof next === 'string');
  // A relevance cursor carries an offset; one past the depth is refused the same way.
  const forged = encodeCursor({ sort: 'relevance', key: '999', id: 0 });
  const viaCursor = await get(`q=harbour&limit=2&cursor=${forged}`);
  t.equal(viaCursor.statusCode, 400);
  t.match(viaCursor.json().errors[0].path, /^query\.cursor$/);
});

t.test('the contract documents the limits', async (t) => {
  const ctx = await buildTestApp(t);
  const spec = (await ctx.app.inject({ url: '/openapi.json' })).json();
  const params = spec.paths['/v1/articles'].get.parameters as { name: string; schema: { maxLength?: number }; description?: string }[];
  const q = params.find((p) => p.name === 'q')!;
  t.equal(q.schema.maxLength, SEARCH_LIMITS.maxLength);
  t.match(q.description, /12 words/);
  t.match(params.find((p) => p.name === 'offset')!.description, /1,000/);
  t.ok(spec.paths['/v1/articles'].get.responses['503'], 'a search over its time budget answers 503');
});

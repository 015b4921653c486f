import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { change, makeArticle, makeAuthor, makeBureau, publish } from './helpers/factories.js';

type Hit = { id: number; headline: string; snippet?: string };

t.test('full-text search on listArticles', async (t) => {
  const ctx = await buildTestApp(t);
  const lx = await makeBureau(ctx, { name: 'Lisbon Bureau' });
  const dc = await makeBureau(ctx, { name: 'Washington Bureau' });
  const reporter = await makeAuthor(ctx, { name: 'Mariana Gonçalves' });
  const mk = async (over: Record<string, unknown>, live = true) => {
    const a = await makeArticle(ctx, { bureau: lx.slug, authors: [reporter.slug], ...over });
    if (live) await publish(ctx, a.id);
    return a;
  };
  const inHeadline = await mk({ headline: 'Brasília approves a fiscal framework', body: 'Congress voted late.' });
  const inBody = await mk({ headline: 'Markets rally', body: 'Investors cheered news from Brasília and the fiscal framework vote.' });
  const other = await mk({ headline: 'Lisbon rents climb', body: 'Rents rose 11% — a “crisis”, tenants said.', bureau: dc.slug });
  const draft = await mk({ headline: 'Brasília secret draft', body: 'Not yet.' }, false);
  const q = async (query: string, headers = {}) => {
    const res = await ctx.app.inject({ url: `/v1/articles?${query}`, headers });
    return { res, hits: (res.statusCode === 200 ? res.json().data : []) as Hit[] };
  };

  t.test('ranked, diacritics-insensitive, headline weighs most', async (t) => {
    const { hits } = await q('q=brasilia');
    t.same(hits.map((h) => h.id), [inHeadline.id, inBody.id]);
    t.match(hits[1]!.snippet, '<mark>Brasília</mark>');
  });

  t.test('prefix and phrase queries, and byline names', async (t) => {
    t.same((await q('q=fisc*')).hits.map((h) => h.id).sort(), [inHeadline.id, inBody.id].sort());
    t.same((await q('q=%22fiscal%20framework%20vote%22')).hits.map((h) => h.id), [inBody.id]);
    t.same((await q('q=goncalves&sort=-publishedAt')).hits.map((h) => h.id), [other.id, inBody.id, inHeadline.id]);
  });

  t.test('drafts are never found by the public, but are with a token', async (t) => {
    t.notOk((await q('q=secret')).hits.length);
    t.same((await q('q=secret', ctx.auth)).hits.map((h) => h.id), [draft.id]);
  });

  t.test('combines with filters and paginates', async (t) => {
    t.same((await q('q=rents&bureau=washington-bureau')).hits.map((h) => h.id), [other.id]);
    t.same((await q('q=rents&bureau=lisbon-bureau')).hits, []);
    const page1 = await q('q=brasilia&limit=1&total=true');
    t.equal(page1.res.json().meta.total, 2);
    const next = page1.res.json().meta.nextCursor;
    t.ok(next);
    const page2 = await q(`q=brasilia&limit=1&cursor=${next}`);
    t.same(page2.hits.map((h) => h.id), [inBody.id]);
    t.equal(page2.res.json().meta.nextCursor, null);
    const offset = await q('q=brasilia&limit=1&offset=1');
    t.same(offset.hits.map((h) => h.id), [inBody.id]);
    const wrong = await q(`q=brasilia&sort=-publishedAt&cursor=${next}`);
    t.equal(wrong.res.statusCode, 400, 'a relevance cursor is refused for another sort');
  });

  t.test('hostile input is harmless', async (t) => {
    for (const input of ['"a', 'AND', 'a OR', 'NEAR(a b', 'headline:x', '((a', "'; DROP TABLE articles; --", 'x*"*', '^a', '💥 boom', 'ñ'.repeat(200)]) {
      const { res } = await q(`q=${encodeURIComponent(input)}`);
      t.equal(res.statusCode, 200, input);
    }
    // Nothing to search for: a 400 that says so, not a syntax error.
    for (const input of ['***', '""', '"', ' - ', '()', '(((', '💥']) {
      const { res } = await q(`q=${encodeURIComponent(input)}`);
      t.equal(res.statusCode, 400, input);
      t.equal(res.json().errors[0].path, 'query.q');
    }
    t.equal((await q(`q=${'a'.repeat(201)}`)).res.statusCode, 400);
    t.equal((await q('sort=relevance')).res.statusCode, 400);
  });

  t.test('snippets are HTML-escaped', async (t) => {
    await mk({ headline: 'Tags in copy', body: 'The <script>alert(1)</script> tag and “zebra” stripes.' });
    const { hits } = await q('q=zebra');
    t.match(hits[0]!.snippet, '&lt;script&gt;');
    t.match(hits[0]!.snippet, '“<mark>zebra</mark>”');
    t.notMatch(hits[0]!.snippet, '<script>');
  });

  t.test('text inside <…> is found and shown, as any other text', async (t) => {
    // PostgreSQL's parser reads `<…>` as an XML tag and drops it (migrations/pg/0005).
    const a = await mk({ headline: 'Wire slugs', body: 'Filed as <quetzal sighting confirmed>, then <Okapi> and a<b c>d.' });
    t.same((await q('q=quetzal')).hits.map((h) => h.id), [a.id]);
    t.same((await q(`q=${encodeURIComponent('"sighting confirmed"')}`)).hits.map((h) => h.id), [a.id], 'a phrase inside brackets');
    t.same((await q(`q=${encodeURIComponent('<Okapi>')}`)).hits.map((h) => h.id), [a.id], 'a search that has the brackets itself');
    const { hits } = await q('q=okapi');
    t.same(hits.map((h) => h.id), [a.id]);
    t.match(hits[0]!.snippet, '&lt;<mark>Okapi</mark>&gt;', 'the brackets stay in the snippet, escaped');
    t.match(hits[0]!.snippet, '&lt;quetzal sighting confirmed&gt;');
  });

  t.test('the index follows edits, byline renames and deletes', async (t) => {
    const a = await mk({ headline: 'Quokka census', body: 'Counting quokkas.' });
    t.same((await q('q=quokka')).hits.map((h) => h.id), [a.id]);
    const edit = await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { headline: 'Wombat census', body: 'Counting wombats.' });
    t.equal(edit.statusCode, 200, edit.body);
    t.same((await q('q=quokka')).hits, []);
    t.same((await q('q=wombat')).hits.map((h) => h.id), [a.id]);
    await ctx.app.inject({ method: 'PATCH', url: `/v1/authors/${reporter.id}`, headers: ctx.auth, payload: { name: 'Zelda Xavier' } });
    t.ok((await q('q=zelda')).hits.length >= 4);
    await change(ctx, 'DELETE', `/v1/articles/${a.id}`);
    t.same((await q('q=wombat')).hits, []);
  });
});

t.test('control characters in a search are spaces, not errors', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { headline: 'Court rules' });
  await publish(ctx, a.id);
  const res = await ctx.app.inject({ url: '/v1/articles?q=court%00' });
  t.equal(res.statusCode, 200);
  t.same(res.json().data.map((h: { id: number }) => h.id), [a.id]);
  t.equal((await ctx.app.inject({ url: '/v1/articles?q=a%00b%02c' })).statusCode, 200);
  t.equal((await ctx.app.inject({ url: '/v1/articles?q=%00' })).statusCode, 400);
});

t.test('ranking pages agree between the ranked-first and the filter-first plans', async (t) => {
  const ctx = await buildTestApp(t);
  const desk = await makeBureau(ctx, { name: 'Metro Desk' });
  const reporter = await makeAuthor(ctx, { name: 'Jane Q. Reporter' });
  const live: number[] = [];
  // Drafts where "harbour" weighs most (in the headline) sit at the top of the FTS ranking,
  // so the public, which never sees them, needs the candidate list to widen.
  // 55 drafts outrank the 11 live articles: more than the first candidate list holds.
  for (let i = 0; i < 66; i++) {
    const draft = i % 6 !== 0;
    const a = await makeArticle(ctx, {
      bureau: desk.slug,
      authors: [reporter.slug],
      headline: draft ? `Harbour harbour plan ${i}` : `City notes ${i}`,
      body: `${'harbour '.repeat((i % 5) + 1)}and ${'tide '.repeat(i % 7)}report ${i}.`,
    });
    if (!draft) {
      await publish(ctx, a.id);
      live.push(a.id);
    }
  }
  const ids = async (query: string) =>
    ((await ctx.app.inject({ url: `/v1/articles?q=harbour&limit=4&${query}` })).json().data as Hit[]).map((h) => h.id);
  const ranked: number[] = [];
  const filtered: number[] = [];
  for (let offset = 0; offset < 16; offset += 4) {
    ranked.push(...(await ids(`offset=${offset}`)));
    // Any filter sends the search down the filter-first plan; this one keeps every article.
    filtered.push(...(await ids(`offset=${offset}&publishedAfter=2000-01-01T00:00:00Z`)));
  }
  t.equal(ranked.length, live.length, 'every live match is found once, none of the drafts');
  t.same(ranked.slice().sort((a, b) => a - b), live.slice().sort((a, b) => a - b));
  t.same(ranked, filtered, 'both plans give the same order, page after page');
});

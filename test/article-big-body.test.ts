import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { makeAuthor, makeBureau } from './helpers/factories.js';

// The contract fuzzer's find on PostgreSQL (FUZZ_SEED=20251124, createArticle case 11) was a
// 500,000-character body of "é". The body was not the cause: the same request carried a NUL
// in featuredImage.alt, which PostgreSQL refuses in text. Here each text field at its limit in
// "é", and the fuzzer's request without that NUL, must be stored on either engine.

t.test('an article with text fields at their limits in "é" is created on either engine', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const authors = [(await makeAuthor(ctx)).slug, (await makeAuthor(ctx)).slug];
  const cases: Record<string, Record<string, unknown>> = {
    body: { headline: 'A long word', body: 'é'.repeat(500_000) },
    standfirst: { headline: 'A long standfirst', standfirst: 'é'.repeat(2000), body: 'x' },
    dateline: { headline: 'A long dateline', dateline: 'é'.repeat(200), body: 'x' },
    headline: { headline: 'é'.repeat(300), body: 'x' },
    all: { headline: `${'é'.repeat(299)}a`, standfirst: 'é'.repeat(2000), dateline: 'é'.repeat(200), body: 'é'.repeat(500_000) },
    fuzzer: {
      headline: 'oUM;,',
      slug: 'new-slug-26199',
      standfirst: null,
      dateline: 'Z4fXzO%',
      body: 'é'.repeat(500_000),
      language: 'pcd-Pb3-QM-28c1',
      featuredImage: { url: 'http://127.0.0.1:9/62=', alt: 'é'.repeat(500), caption: '/q#P9A8', credit: null },
    },
  };
  for (const [name, fields] of Object.entries(cases)) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { bureau: bureau.slug, authors, ...fields },
    });
    t.equal(res.statusCode, 201, `${name}: ${res.statusCode === 201 ? 'created' : res.body}`);
    if (res.statusCode !== 201) continue;
    const got = await ctx.app.inject({ url: `/v1/articles/${res.json().id}`, headers: ctx.auth });
    t.equal(got.json().body, fields.body, `${name}: the body comes back whole`);
  }
});

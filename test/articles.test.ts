import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { change, makeArticle, makeAuthor, makeBureau, makeTag, publish } from './helpers/factories.js';

// Wire copy as it arrives: curly and back-tick quotes, en and em dashes, non-Latin script.
const wireBody = [
  'Lisbon: The central bank’s governor said on Tuesday that “inflation is no longer the main risk” — a shift from March.',
  '',
  'Rates would stay at 2.25–2.5% ``for now``, he said.',
  '',
  '> ‘We are watching wages,’ he added. 東京 и Москва.',
].join('\n');

t.test('createArticle', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx, { name: 'Metro Desk' });
  const jane = await makeAuthor(ctx, { name: 'Jane Q. Reporter' });
  const joao = await makeAuthor(ctx, { name: 'João Sebastião' });
  const tag = await makeTag(ctx, { name: 'Central banks' });

  t.test('creates a draft with ordered bylines, keeping every character', async (t) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: {
        headline: 'Bank of Portugal: “Inflation is no longer the main risk”',
        standfirst: 'The governor’s remarks — a first since 2021 — lift bond prices.',
        dateline: 'Lisbon',
        body: wireBody,
        bureau: bureau.slug,
        authors: [joao.slug, jane.id],
        tags: [tag.slug],
        featuredImage: { url: 'https://cdn.example.com/a.jpg', alt: 'The governor', credit: 'Photo: X' },
      },
    });
    t.equal(res.statusCode, 201, res.body);
    t.equal(res.headers.location, `/v1/articles/${res.json().id}`);
    const a = res.json();
    t.equal(a.status, 'draft');
    t.equal(a.slug, 'bank-of-portugal-inflation-is-no-longer-the-main-risk');
    t.equal(a.body, wireBody, 'body is byte-exact');
    t.equal(a.standfirst, 'The governor’s remarks — a first since 2021 — lift bond prices.');
    t.same(a.authors.map((x: { slug: string }) => x.slug), ['joao-sebastiao', 'jane-q-reporter'], 'byline order kept');
    t.same(a.bureau, { id: bureau.id, slug: 'metro-desk', name: 'Metro Desk' });
    t.same(a.tags, [{ id: tag.id, slug: 'central-banks', name: 'Central banks' }]);
    t.same(a.featuredImage, { url: 'https://cdn.example.com/a.jpg', alt: 'The governor', caption: null, credit: 'Photo: X' });
    t.equal(a.version, 1);
    t.equal(a.language, 'en');
    t.equal(a.publishedAt, null);
    t.ok(a.wordCount > 30);
    t.equal(a.readingTimeMinutes, 1);
    t.match(a.bodyHtml, '<blockquote>');
    t.match(a.bodyHtml, '“inflation is no longer the main risk” — a shift');
  });

  t.test('the answer is the article as a read gives it (built from what was written, not read back)', async (t) => {
    // Tags by name in the engine's order (mixed case, an accent), bylines as sent, by id and slug.
    const tags = [await makeTag(ctx, { name: 'zebra crossings' }), await makeTag(ctx, { name: 'Élections' }), await makeTag(ctx, { name: 'bonds' })];
    for (const refs of [[tags[0]!.slug, tags[1]!.id, tags[2]!.slug], [tags[2]!.id], []]) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/articles',
        headers: ctx.auth,
        payload: { headline: `Answer ${refs.length}`, body: wireBody, bureau: bureau.id, authors: [joao.id, jane.slug], tags: refs, publishedAt: '2031-01-02T03:04:05Z' },
      });
      t.equal(res.statusCode, 201, res.body);
      const read = await ctx.app.inject({ url: `/v1/articles/${res.json().id}`, headers: ctx.auth });
      t.same(res.json(), read.json(), `${refs.length} tags`);
      t.equal(JSON.stringify(res.json()), JSON.stringify(read.json()), 'same fields in the same order');
    }
  });

  t.test('generated slugs get a suffix, a taken slug is a 409', async (t) => {
    const one = await makeArticle(ctx, { headline: 'Same headline', bureau: bureau.slug, authors: [jane.slug] });
    const two = await makeArticle(ctx, { headline: 'Same headline', bureau: bureau.slug, authors: [jane.slug] });
    t.equal(one.slug, 'same-headline');
    t.equal(two.slug, 'same-headline-2');
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { headline: 'Other', slug: 'same-headline', bureau: bureau.slug },
    });
    t.equal(res.statusCode, 409);
    t.equal(res.headers['content-type'], 'application/problem+json');
    t.same(res.json().errors, [{ path: 'body.slug', message: 'Already taken' }]);
  });

  t.test('unknown references are a 422 naming each field and value, and nothing is written', async (t) => {
    const before = (await ctx.app.inject({ url: '/v1/articles?total=true', headers: ctx.auth })).json().meta.total;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { headline: 'X', bureau: 'no-such-bureau', authors: [jane.slug, 'ghost', 999999], tags: ['nope'] },
    });
    t.equal(res.statusCode, 422);
    const p = res.json();
    t.equal(p.code, 'unprocessable');
    t.same(p.errors, [{ path: 'body.bureau', message: 'No bureau with id or slug "no-such-bureau"' }]);
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { headline: 'X', bureau: bureau.id, authors: [jane.slug, 'ghost', 999999], tags: ['nope'] },
    });
    t.equal(again.statusCode, 422);
    t.same(
      again.json().errors.map((e: { path: string }) => e.path),
      ['body.authors.1', 'body.authors.2'],
    );
    t.match(again.json().detail, '"ghost"');
    const third = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { headline: 'X', bureau: bureau.id, authors: [jane.slug], tags: ['nope'] },
    });
    t.same(third.json().errors, [{ path: 'body.tags.0', message: 'No tag with id or slug "nope"' }]);
    const after = (await ctx.app.inject({ url: '/v1/articles?total=true', headers: ctx.auth })).json().meta.total;
    t.equal(after, before, 'no article was half-written');
  });

  t.test('validation errors name every bad field', async (t) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: {
        headline: '',
        bureau: bureau.slug,
        authors: [jane.slug, jane.slug],
        language: 'not a language',
        slug: 'Not A Slug',
        status: 'published',
        publishedAt: 'yesterday',
        featuredImage: { url: 'javascript:alert(1)' },
      },
    });
    t.equal(res.statusCode, 400);
    const paths = res.json().errors.map((e: { path: string }) => e.path).sort();
    t.same(paths, [
      'body.authors',
      'body.featuredImage.url',
      'body.headline',
      'body.language',
      'body.publishedAt',
      'body.slug',
      'body.status',
    ]);
    t.equal(res.json().errors.find((e: { path: string }) => e.path === 'body.status').message, 'Unknown field');
  });

  t.test('needs a token', async (t) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/articles', payload: { headline: 'X', bureau: 1 } });
    t.equal(res.statusCode, 401);
    t.equal(res.json().code, 'unauthorized');
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: { authorization: 'Bearer dl_nope' },
      payload: { headline: 'X', bureau: 1 },
    });
    t.equal(bad.statusCode, 401);
    t.match(bad.json().detail, 'malformed');
  });
});

t.test('getArticle', async (t) => {
  const ctx = await buildTestApp(t);
  const draft = await makeArticle(ctx, { body: wireBody });
  const live = await makeArticle(ctx, { body: '**Bold** <script>alert(1)</script> [x](javascript:alert(1))' });
  await publish(ctx, live.id);

  t.test('by id and by slug, public once published', async (t) => {
    for (const key of [live.id, live.slug]) {
      const res = await ctx.app.inject({ url: `/v1/articles/${key}` });
      t.equal(res.statusCode, 200);
      t.equal(res.json().id, live.id);
      t.equal(res.json().status, 'published');
    }
  });

  t.test('formats: sanitised HTML and plain text', async (t) => {
    const res = await ctx.app.inject({ url: `/v1/articles/${live.slug}?formats=html,text` });
    const a = res.json();
    t.equal(a.body, undefined, 'markdown only when asked for');
    t.notMatch(a.bodyHtml, /<script|href="javascript:/);
    t.match(a.bodyHtml, '<strong>Bold</strong>');
    t.match(a.bodyText, 'Bold <script>alert(1)</script>', 'text keeps the characters, it is not HTML');
    const bad = await ctx.app.inject({ url: `/v1/articles/${live.slug}?formats=pdf` });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().errors[0].path, 'query.formats');
  });

  t.test('fields and include', async (t) => {
    const res = await ctx.app.inject({ url: `/v1/articles/${live.id}?fields=headline,authors` });
    t.same(Object.keys(res.json()).sort(), ['authors', 'headline', 'id', 'version']);
    const noRel = await ctx.app.inject({ url: `/v1/articles/${live.id}?include=` });
    t.notOk('authors' in noRel.json());
    t.notOk('bureau' in noRel.json());
    t.ok('body' in noRel.json());
  });

  t.test('drafts are 404 to the public and visible with a token', async (t) => {
    const pub = await ctx.app.inject({ url: `/v1/articles/${draft.slug}` });
    t.equal(pub.statusCode, 404);
    t.equal(pub.headers['content-type'], 'application/problem+json');
    const tokened = await ctx.app.inject({ url: `/v1/articles/${draft.slug}`, headers: ctx.auth });
    t.equal(tokened.statusCode, 200);
    t.equal(tokened.json().body, wireBody);
  });

  t.test('unknown article is 404', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/articles/no-such-story' });
    t.equal(res.statusCode, 404);
    t.match(res.json().detail, 'no-such-story');
  });
});

t.test('updateArticle', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx);
  const other = await makeAuthor(ctx);
  const tag = await makeTag(ctx);

  t.test('partial update bumps version, re-renders and replaces lists', async (t) => {
    const res = await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { body: 'New *body* — revised.', authors: [other.slug, a.authors[0].id], tags: [tag.id] });
    t.equal(res.statusCode, 200, res.body);
    const u = res.json();
    t.equal(u.version, 2);
    t.equal(u.headline, a.headline, 'untouched fields stay');
    t.equal(u.body, 'New *body* — revised.');
    t.match(u.bodyHtml, '<em>body</em>');
    t.same(u.authors.map((x: { id: number }) => x.id), [other.id, a.authors[0].id]);
    t.same(u.tags.map((x: { id: number }) => x.id), [tag.id]);
    t.ok(u.updatedAt >= a.updatedAt);
    const slug = await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { slug: 'edited-slug' });
    t.equal(slug.json().slug, 'edited-slug');
    t.equal(slug.json().version, 3);
    t.same(slug.json().authors, u.authors, 'lists not sent are left alone');
    t.same(slug.json().tags, u.tags);
  });

  t.test('status, id and version cannot be set through an update', async (t) => {
    for (const field of ['status', 'id', 'createdAt', 'updatedAt', 'wordCount']) {
      const res = await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { [field]: 1 });
      t.equal(res.statusCode, 400, field);
      t.same(res.json().errors, [{ path: `body.${field}`, message: 'Unknown field' }]);
    }
    // `version` in the body is the precondition, never an assignment.
    const stale = await ctx.app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: ctx.auth, payload: { version: 1, headline: 'x' } });
    t.equal(stale.statusCode, 412);
  });

  t.test('a published article must keep a body and an author', async (t) => {
    const p = await makeArticle(ctx);
    await publish(ctx, p.id);
    const res = await change(ctx, 'PATCH', `/v1/articles/${p.id}`, { body: '  ', authors: [] });
    t.equal(res.statusCode, 422);
    t.same(res.json().errors.map((e: { path: string }) => e.path), ['body.body', 'body.authors']);
    const still = await ctx.app.inject({ url: `/v1/articles/${p.id}` });
    t.equal(still.json().authors.length, 1, 'the failed update changed nothing');
    t.equal(still.json().version, p.version + 1);
  });

  t.test('404, 409 and 401', async (t) => {
    t.equal((await ctx.app.inject({ method: 'PATCH', url: '/v1/articles/99999', headers: ctx.auth, payload: {} })).statusCode, 404);
    const b = await makeArticle(ctx);
    const taken = await change(ctx, 'PATCH', `/v1/articles/${b.id}`, { slug: 'edited-slug' });
    t.equal(taken.statusCode, 409);
    t.equal((await ctx.app.inject({ method: 'PATCH', url: `/v1/articles/${b.id}`, payload: {} })).statusCode, 401);
  });
});

t.test('publishArticle, unpublishArticle, archiveArticle', async (t) => {
  const ctx = await buildTestApp(t);

  t.test('publish needs a body and an author', async (t) => {
    const bureau = await makeBureau(ctx);
    const empty = await ctx.app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: ctx.auth,
      payload: { headline: 'Empty', bureau: bureau.id },
    });
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${empty.json().id}/publish`, headers: { ...ctx.auth, 'if-match': '"v1"' } });
    t.equal(res.statusCode, 422);
    t.same(res.json().errors.map((e: { path: string }) => e.path), ['body.body', 'body.authors']);
  });

  t.test('publish, then unpublish and archive hide it from the public', async (t) => {
    const a = await makeArticle(ctx);
    const pub = await ctx.app.inject({
      method: 'POST',
      url: `/v1/articles/${a.id}/publish`,
      headers: { ...ctx.auth, 'content-type': 'application/json', 'if-match': `"v${a.version}"` },
      payload: '',
    });
    t.equal(pub.statusCode, 200, 'an empty JSON body is accepted');
    t.equal(pub.json().status, 'published');
    t.ok(pub.json().publishedAt);
    t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).statusCode, 200);

    const un = await change(ctx, 'POST', `/v1/articles/${a.id}/unpublish`);
    t.equal(un.json().status, 'draft');
    t.equal(un.json().publishedAt, pub.json().publishedAt, 'publish time kept');
    t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).statusCode, 404);

    await publish(ctx, a.id);
    const ar = await change(ctx, 'POST', `/v1/articles/${a.slug}/archive`);
    t.equal(ar.json().status, 'archived');
    t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).statusCode, 404);
    t.equal((await ctx.app.inject({ url: '/v1/articles' })).json().data.length, 0);
  });

  t.test('a future publish time schedules the article', async (t) => {
    const a = await makeArticle(ctx);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const res = await publish(ctx, a.id, future);
    t.equal(res.publishedAt, future);
    t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).statusCode, 404, 'invisible until its time');
    t.notOk((await ctx.app.inject({ url: '/v1/articles' })).json().data.some((x: { id: number }) => x.id === a.id));
    t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}`, headers: ctx.auth })).statusCode, 200);
    const past = await publish(ctx, a.id, '2026-01-01T10:00:00+02:00');
    t.equal(past.publishedAt, '2026-01-01T08:00:00.000Z', 'offsets are normalised to UTC');
    t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).statusCode, 200);
  });

  t.test('errors', async (t) => {
    t.equal((await ctx.app.inject({ method: 'POST', url: '/v1/articles/nope/publish', headers: ctx.auth })).statusCode, 404);
    t.equal((await ctx.app.inject({ method: 'POST', url: '/v1/articles/1/archive' })).statusCode, 401);
    const a = await makeArticle(ctx);
    const bad = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${a.id}/publish`, headers: ctx.auth, payload: { publishedAt: 'soon' } });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().errors[0].path, 'body.publishedAt');
  });
});

t.test('deleteArticle', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx);
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `/v1/articles/${a.id}` })).statusCode, 401);
  const res = await change(ctx, 'DELETE', `/v1/articles/${a.id}`);
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}`, headers: ctx.auth })).statusCode, 404);
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `/v1/articles/${a.id}`, headers: { ...ctx.auth, 'if-match': '"v1"' } })).statusCode, 404);
  // Its author can now be deleted: the bylines went with the article.
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `/v1/authors/${a.authors[0].id}`, headers: ctx.auth })).statusCode, 204);
});

t.test('the same author or tag named by id and by slug is one duplicate, not a 500', async (t) => {
  const ctx = await buildTestApp(t);
  const au = await makeAuthor(ctx);
  const tag = await makeTag(ctx);
  const bureau = await makeBureau(ctx);
  for (const [field, refs] of [['authors', [au.slug, au.id]], ['tags', [tag.id, String(tag.id)]]] as const) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: ctx.auth, payload: { headline: 'x', bureau: bureau.id, [field]: refs } });
    t.equal(res.statusCode, 400, field);
    t.same(res.json().errors, [{ path: `body.${field}.1`, message: 'The same item appears twice' }]);
  }
  const bad = await ctx.app.inject({ method: 'POST', url: '/v1/authors', headers: ctx.auth, payload: { name: 'N', email: 'jane@example-.com' } });
  t.equal(bad.statusCode, 400, 'e-mail addresses follow the contract’s format');
  t.equal(bad.json().errors[0].path, 'body.email');
});

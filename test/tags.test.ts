import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { makeArticle, makeTag } from './helpers/factories.js';
import { badAuth, badTokens, invalid, problem, type Page as PageOf } from './helpers/problems.js';

type Tag = { id: number; slug: string; name: string; createdAt: string; updatedAt: string };
type Page = PageOf<Tag>;

// Wire copy: curly quotes, back-ticks, en and em dashes, several scripts.
const wireName = '“Brexit” – ‘after’ — `2026` · 東京 · Москва · القاهرة';

const getTag = (ctx: TestApp, key: string | number) => ctx.app.inject({ url: `/v1/tags/${key}` });
const total = async (ctx: TestApp) => ((await ctx.app.inject({ url: '/v1/tags?total=true' })).json() as Page).meta.total;
const articleTags = async (ctx: TestApp, id: number) => {
  const res = await ctx.app.inject({ url: `/v1/articles/${id}`, headers: ctx.auth });
  return { status: res.statusCode, tags: (res.json() as { tags?: { slug: string }[] }).tags?.map((x) => x.slug) };
};

t.test('listTags', async (t) => {
  const ctx = await buildTestApp(t);
  // Created out of order, with two identical names to exercise the id tie-break.
  const names = ['Supreme Court', 'Elections', 'Climate', 'Markets', 'Climate', 'Economy', 'Arts', 'Wildfires'];
  const created: Tag[] = [];
  for (const name of names) created.push(await makeTag(ctx, { name }));
  const expected = [...created]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
    .map((x) => x.id);

  t.test('default page: ordered by name, no total, no next link', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/tags' });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((x) => x.id), expected);
    t.same(body.data.slice(0, 5).map((x) => x.name), ['Arts', 'Climate', 'Climate', 'Economy', 'Elections']);
    t.same(body.meta, { limit: 20, nextCursor: null });
    t.equal(res.headers.link, undefined);
    t.same(body.data[0], created.find((x) => x.name === 'Arts'));
  });

  t.test('cursor paging with a Link header visits every tag once', async (t) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      // Pages of two put the two "Climate" tags on either side of a page break.
      const url: string = `/v1/tags?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await ctx.app.inject({ url });
      t.equal(res.statusCode, 200, url);
      const body = res.json() as Page;
      seen.push(...body.data.map((x) => x.id));
      if (body.meta.nextCursor !== null) {
        t.equal(res.headers.link, `</v1/tags?limit=2&cursor=${body.meta.nextCursor}>; rel="next"`);
      } else {
        t.equal(res.headers.link, undefined);
      }
      cursor = body.meta.nextCursor;
      pages++;
    } while (cursor !== null && pages < 20);
    t.equal(pages, 4);
    t.same(seen, expected, 'no duplicates, nothing missing');
  });

  t.test('offset paging and total', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/tags?limit=3&offset=3&total=true' });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((x) => x.id), expected.slice(3, 6));
    t.equal(body.meta.offset, 3);
    t.equal(body.meta.total, names.length);
    t.equal(res.headers.link, '</v1/tags?limit=3&offset=6&total=true>; rel="next"');
    const last = (await ctx.app.inject({ url: '/v1/tags?limit=3&offset=6' })).json() as Page;
    t.same(last.data.map((x) => x.id), expected.slice(6));
    t.equal(last.meta.nextCursor, null);
  });

  t.test('cursor and offset together, and garbage cursors, are 400s', async (t) => {
    const first = (await ctx.app.inject({ url: '/v1/tags?limit=2' })).json() as Page;
    const p = problem(t, await ctx.app.inject({ url: `/v1/tags?offset=1&cursor=${first.meta.nextCursor}` }), 400, 'validation_failed');
    t.same(p.errors?.map((e) => e.path), ['query.offset']);
    for (const cursor of ['%%%', 'e30', Buffer.from('["name","x",1.5]').toString('base64url')]) {
      const q = problem(t, await ctx.app.inject({ url: `/v1/tags?cursor=${cursor}` }), 400, 'invalid_cursor');
      t.same(q.errors?.map((e) => e.path), ['query.cursor'], cursor);
    }
  });

  t.test('bad query values and unknown parameters name the field', async (t) => {
    invalid(t, await ctx.app.inject({ url: '/v1/tags?limit=-5' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/tags?limit=101' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/tags?offset=1000001' }), ['query.offset']);
    invalid(t, await ctx.app.inject({ url: '/v1/tags?total=TRUE' }), ['query.total']);
    const p = invalid(t, await ctx.app.inject({ url: '/v1/tags?q=climate' }), ['query.q']);
    t.same(p.errors, [{ path: 'query.q', message: 'Unknown field' }]);
  });

  t.test('a bad token on a public read is a 401', async (t) => {
    for (const [label, headers, detail] of badTokens) {
      t.match(problem(t, await ctx.app.inject({ url: '/v1/tags', headers }), 401, 'unauthorized').detail, detail, label);
    }
  });
});

t.test('getTag', async (t) => {
  const ctx = await buildTestApp(t);
  const tag: Tag = await makeTag(ctx, { name: 'Supreme Court' });

  t.test('by id and by slug', async (t) => {
    for (const key of [tag.id, 'supreme-court']) {
      const res = await getTag(ctx, key);
      t.equal(res.statusCode, 200);
      t.same(res.json(), tag, String(key));
    }
    t.same(Object.keys(tag).sort(), ['createdAt', 'id', 'name', 'slug', 'updatedAt']);
  });

  t.test('unknown id or slug is a 404', async (t) => {
    const p = problem(t, await getTag(ctx, 'no-such-tag'), 404, 'not_found');
    t.match(p.detail, '"no-such-tag"');
    t.equal(p.instance, '/v1/tags/no-such-tag');
    problem(t, await getTag(ctx, 31337), 404, 'not_found');
  });

  t.test('an over-long key is a 400', async (t) => {
    invalid(t, await getTag(ctx, 'z'.repeat(121)), ['path.idOrSlug']);
  });

  t.test('a bad token is a 401 even on a public read', async (t) => {
    for (const [label, headers, detail] of badTokens) {
      const res = await ctx.app.inject({ url: `/v1/tags/${tag.id}`, headers });
      t.match(problem(t, res, 401, 'unauthorized').detail, detail, label);
    }
  });
});

t.test('createTag', async (t) => {
  const ctx = await buildTestApp(t);
  const post = (payload: unknown, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'POST', url: '/v1/tags', headers, payload: payload as Record<string, unknown> });

  t.test('creates a tag with a transliterated slug', async (t) => {
    const res = await post({ name: 'Brasília Politics' });
    t.equal(res.statusCode, 201, res.body);
    const tag = res.json() as Tag;
    t.equal(res.headers.location, `/v1/tags/${tag.id}`);
    t.same(tag, { id: tag.id, slug: 'brasilia-politics', name: 'Brasília Politics', createdAt: tag.createdAt, updatedAt: tag.createdAt });
    t.match(tag.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.same((await ctx.app.inject({ url: res.headers.location as string })).json(), tag);
  });

  t.test('generated slugs get a suffix; a taken client slug is a 409', async (t) => {
    t.equal((await post({ name: 'Brasília politics' })).json().slug, 'brasilia-politics-2');
    t.equal((await post({ name: 'Brasilia Politics' })).json().slug, 'brasilia-politics-3');
    t.equal((await post({ name: '2026' })).json().slug, 'tag-2026');
    t.equal((await post({ name: 'Économie & Société' })).json().slug, 'economie-and-societe');
    t.equal((await post({ name: 'Elections', slug: 'vote' })).json().slug, 'vote');
    const before = await total(ctx);
    const p = problem(t, await post({ name: 'Voting', slug: 'vote' }), 409, 'conflict');
    t.same(p.errors, [{ path: 'body.slug', message: 'Already taken' }]);
    t.match(p.detail, '"vote"');
    problem(t, await post({ name: 'Again', slug: 'brasilia-politics-2' }), 409, 'conflict');
    t.equal(await total(ctx), before, 'nothing written');
  });

  t.test('each invalid field is named', async (t) => {
    invalid(t, await post({}), ['body.name']);
    invalid(t, await post({ name: '' }), ['body.name']);
    invalid(t, await post({ name: '\t \n' }), ['body.name']);
    invalid(t, await post({ name: null }), ['body.name']);
    invalid(t, await post({ name: ['x'] }), ['body.name']);
    invalid(t, await post({ name: 'x'.repeat(101) }), ['body.name']);
    for (const slug of ['123', '0', 'UPPER', 'a_b', 'a--b', 'é', '', 'x'.repeat(121)]) {
      invalid(t, await post({ name: 'Fine', slug }), ['body.slug']);
    }
    const p = invalid(t, await post({ name: 'Fine', description: 'Tags have none' }), ['body.description']);
    t.same(p.errors, [{ path: 'body.description', message: 'Unknown field' }]);
    invalid(t, await post({ name: '', slug: '9', extra: 1 }), ['body.name', 'body.slug', 'body.extra']);
    t.equal((await post({ name: 'x'.repeat(100) })).statusCode, 201, '100 characters is allowed');
  });

  t.test('text round-trips exactly', async (t) => {
    const res = await post({ name: wireName });
    t.equal(res.statusCode, 201, res.body);
    const tag = res.json() as Tag;
    t.equal(tag.name, wireName);
    t.equal((await getTag(ctx, tag.slug)).json().name, wireName);
    t.equal((await post({ name: '  Trimmed  ' })).json().name, 'Trimmed');
  });

  t.test('without a valid token nothing is created', async (t) => {
    const before = await total(ctx);
    for (const [label, headers, detail] of badAuth) {
      t.match(problem(t, await post({ name: 'Intruder' }, headers), 401, 'unauthorized').detail, detail, label);
    }
    t.equal(await total(ctx), before);
    problem(t, await getTag(ctx, 'intruder'), 404, 'not_found');
  });
});

t.test('updateTag', async (t) => {
  const ctx = await buildTestApp(t);
  const patch = (key: string | number, payload: unknown, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/tags/${key}`, headers, payload: payload as Record<string, unknown> });

  t.test('renames, keeping the slug, and moves updatedAt', async (t) => {
    const tag: Tag = await makeTag(ctx, { name: 'Supreme Court' });
    await sleep(5);
    const res = await patch(tag.slug, { name: 'US Supreme Court' });
    t.equal(res.statusCode, 200, res.body);
    const u = res.json() as Tag;
    t.same(u, { ...tag, name: 'US Supreme Court', updatedAt: u.updatedAt });
    t.ok(u.updatedAt > tag.updatedAt);
    t.same((await getTag(ctx, tag.id)).json(), u);
  });

  t.test('slug changes: free is fine, own is fine, taken is a 409', async (t) => {
    const a: Tag = await makeTag(ctx, { name: 'Owner' });
    const created: Tag = await makeTag(ctx, { name: 'Wanter' });
    const own = await patch(created.id, { slug: 'wanter' });
    t.equal(own.statusCode, 200, 'its own slug is not a conflict');
    const b = own.json() as Tag;
    t.equal(b.slug, 'wanter');
    const p = problem(t, await patch(b.id, { slug: a.slug, name: 'Renamed' }), 409, 'conflict');
    t.same(p.errors, [{ path: 'body.slug', message: 'Already taken' }]);
    t.match(p.detail, `"${a.slug}"`);
    t.same((await getTag(ctx, b.id)).json(), b, 'nothing changed');
    t.equal((await patch(b.id, { slug: 'new-wanter' })).json().slug, 'new-wanter');
    t.equal((await getTag(ctx, 'new-wanter')).json().id, b.id);
    problem(t, await getTag(ctx, 'wanter'), 404, 'not_found');
  });

  t.test('a tag keeps its place on articles when renamed', async (t) => {
    const tag: Tag = await makeTag(ctx, { name: 'Renamed On Article' });
    const article = await makeArticle(ctx, { tags: [tag.slug] });
    await patch(tag.id, { slug: 'renamed-slug' });
    t.same((await articleTags(ctx, article.id)).tags, ['renamed-slug']);
  });

  t.test('each invalid field is named and nothing changes', async (t) => {
    const tag: Tag = await makeTag(ctx, { name: 'Strict' });
    invalid(t, await patch(tag.id, { name: null }), ['body.name']);
    invalid(t, await patch(tag.id, { name: ' ' }), ['body.name']);
    invalid(t, await patch(tag.id, { name: 'x'.repeat(101) }), ['body.name']);
    invalid(t, await patch(tag.id, { slug: '2026' }), ['body.slug']);
    invalid(t, await patch(tag.id, { slug: null }), ['body.slug']);
    const p = invalid(t, await patch(tag.id, { id: 99 }), ['body.id']);
    t.same(p.errors, [{ path: 'body.id', message: 'Unknown field' }]);
    t.same((await getTag(ctx, tag.id)).json(), tag);
  });

  t.test('text round-trips exactly', async (t) => {
    const tag: Tag = await makeTag(ctx, { name: 'Plain' });
    t.equal((await patch(tag.id, { name: wireName })).json().name, wireName);
    t.equal((await getTag(ctx, tag.id)).json().name, wireName);
  });

  t.test('unknown tag is a 404', async (t) => {
    t.match(problem(t, await patch('no-such-tag', { name: 'X' }), 404, 'not_found').detail, '"no-such-tag"');
    problem(t, await patch(999999, { name: 'X' }), 404, 'not_found');
  });

  t.test('without a valid token nothing changes', async (t) => {
    const tag: Tag = await makeTag(ctx, { name: 'Guarded' });
    for (const [label, headers, detail] of badAuth) {
      t.match(problem(t, await patch(tag.id, { name: 'Hijacked' }, headers), 401, 'unauthorized').detail, detail, label);
    }
    t.same((await getTag(ctx, tag.id)).json(), tag);
  });
});

t.test('deleteTag', async (t) => {
  const ctx = await buildTestApp(t);
  const del = (key: string | number, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'DELETE', url: `/v1/tags/${key}`, headers });

  t.test('deletes by id or by slug', async (t) => {
    const a: Tag = await makeTag(ctx, { name: 'Gone' });
    const b: Tag = await makeTag(ctx, { name: 'Also Gone' });
    const res = await del(a.id);
    t.equal(res.statusCode, 204);
    t.equal(res.body, '');
    problem(t, await getTag(ctx, a.id), 404, 'not_found');
    t.equal((await del(b.slug)).statusCode, 204);
    problem(t, await getTag(ctx, b.slug), 404, 'not_found');
    problem(t, await del(b.slug), 404, 'not_found');
  });

  t.test('unknown tag is a 404', async (t) => {
    t.match(problem(t, await del('no-such-tag'), 404, 'not_found').detail, '"no-such-tag"');
    problem(t, await del(999999), 404, 'not_found');
  });

  t.test('a tag in use is taken off its articles; the articles stay', async (t) => {
    const doomed: Tag = await makeTag(ctx, { name: 'Doomed' });
    const kept: Tag = await makeTag(ctx, { name: 'Kept' });
    const one = await makeArticle(ctx, { tags: [doomed.slug, kept.slug] });
    const two = await makeArticle(ctx, { tags: [doomed.id] });
    t.same((await articleTags(ctx, one.id)).tags?.sort(), ['doomed', 'kept']);
    const res = await del(doomed.slug);
    t.equal(res.statusCode, 204, res.body);
    problem(t, await getTag(ctx, doomed.id), 404, 'not_found');
    t.same(await articleTags(ctx, one.id), { status: 200, tags: ['kept'] });
    t.same(await articleTags(ctx, two.id), { status: 200, tags: [] });
    t.same((await getTag(ctx, kept.id)).json(), kept, 'other tags untouched');
  });

  t.test('without a valid token nothing is deleted', async (t) => {
    const tag: Tag = await makeTag(ctx, { name: 'Protected' });
    for (const [label, headers, detail] of badAuth) {
      t.match(problem(t, await del(tag.id, headers), 401, 'unauthorized').detail, detail, label);
    }
    t.same((await getTag(ctx, tag.id)).json(), tag);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { makeArticle, makeAuthor, makeBureau } from './helpers/factories.js';
import { badAuth, badTokens, invalid, problem, type Page as PageOf } from './helpers/problems.js';

type Bureau = {
  id: number;
  slug: string;
  name: string;
  location: string | null;
  description: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};
type Page = PageOf<Bureau>;

// Wire copy: curly quotes, back-ticks, en and em dashes, several scripts.
const wireName = 'Desk “Quotes” ‘single’ `ticks` – en — em';
const wireDescription = [
  'The bureau’s remit: “politics, courts” — and `code`.',
  '東京の支局 · Московское бюро · مكتب القاهرة · Γραφείο Αθηνών · 🗞️',
  'Ranges 2.25–2.5% and a line\nbreak, a Windows one\r\nand a ZWJ emoji 👩‍💻.',
  'Cafe\u0301 (decomposed) is not Caf\u00e9 (composed): neither is normalised.',
].join('\n\n');

const getBureau = async (ctx: TestApp, key: string | number) => ctx.app.inject({ url: `/v1/bureaus/${key}` });
const total = async (ctx: TestApp) =>
  ((await ctx.app.inject({ url: '/v1/bureaus?total=true' })).json() as Page).meta.total;

t.test('listBureaus', async (t) => {
  const ctx = await buildTestApp(t);
  // Created out of order, with two identical names to exercise the id tie-break.
  const names = ['Washington Bureau', 'Lisbon Bureau', 'Metro Desk', 'Addis Ababa Bureau', 'Metro Desk', 'Brasília Bureau', 'Zürich Bureau'];
  const created: Bureau[] = [];
  for (const name of names) created.push(await makeBureau(ctx, { name }));
  const expected = [...created]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
    .map((b) => b.id);

  t.test('default page: every bureau, ordered by name, no total, no next link', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/bureaus' });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^application\/json/);
    const body = res.json() as Page;
    t.same(body.data.map((b) => b.id), expected);
    t.same(
      body.data.map((b) => b.name),
      ['Addis Ababa Bureau', 'Brasília Bureau', 'Lisbon Bureau', 'Metro Desk', 'Metro Desk', 'Washington Bureau', 'Zürich Bureau'],
    );
    t.same(body.meta, { limit: 20, nextCursor: null });
    t.equal(res.headers.link, undefined, 'no Link header on the last page');
    t.same(body.data[0], created.find((b) => b.name === 'Addis Ababa Bureau'), 'list items are the full bureau');
  });

  t.test('limit and a Link header to the next page', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/bureaus?limit=3' });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((b) => b.id), expected.slice(0, 3));
    t.equal(body.meta.limit, 3);
    t.type(body.meta.nextCursor, 'string');
    t.equal(res.headers.link, `</v1/bureaus?limit=3&cursor=${body.meta.nextCursor}>; rel="next"`);
  });

  t.test('following meta.nextCursor visits every bureau once, in order', async (t) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/bureaus?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await ctx.app.inject({ url });
      t.equal(res.statusCode, 200, url);
      const body = res.json() as Page;
      t.ok(body.data.length <= 2);
      seen.push(...body.data.map((b) => b.id));
      cursor = body.meta.nextCursor;
      t.equal(res.headers.link !== undefined, cursor !== null, 'Link header exactly when there is a next page');
      pages++;
    } while (cursor !== null && pages < 20);
    t.equal(pages, 4);
    t.same(seen, expected, 'no duplicates, nothing missing, same order as one page');
  });

  t.test('following the Link header walks the same pages', async (t) => {
    const seen: number[] = [];
    let url: string | undefined = '/v1/bureaus?limit=3';
    let pages = 0;
    while (url && pages < 20) {
      const res = await ctx.app.inject({ url });
      t.equal(res.statusCode, 200, url);
      seen.push(...(res.json() as Page).data.map((b) => b.id));
      const link = res.headers.link as string | undefined;
      url = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      pages++;
    }
    t.equal(pages, 3);
    t.same(seen, expected);
  });

  t.test('offset paging, with a Link header that keeps using offset', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/bureaus?limit=2&offset=2' });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((b) => b.id), expected.slice(2, 4));
    t.equal(body.meta.offset, 2);
    t.equal(res.headers.link, '</v1/bureaus?limit=2&offset=4>; rel="next"');
    const last = (await ctx.app.inject({ url: '/v1/bureaus?limit=2&offset=6' })).json() as Page;
    t.same(last.data.map((b) => b.id), expected.slice(6));
    t.equal(last.meta.nextCursor, null);
    const past = (await ctx.app.inject({ url: '/v1/bureaus?offset=50' })).json() as Page;
    t.same(past.data, []);
  });

  t.test('total=true counts every bureau, whatever the page size', async (t) => {
    const body = (await ctx.app.inject({ url: '/v1/bureaus?limit=1&total=true' })).json() as Page;
    t.equal(body.meta.total, names.length);
    t.equal(body.data.length, 1);
    const without = (await ctx.app.inject({ url: '/v1/bureaus?total=false' })).json() as Page;
    t.notOk('total' in without.meta);
  });

  t.test('cursor and offset together are a 400', async (t) => {
    const first = (await ctx.app.inject({ url: '/v1/bureaus?limit=2' })).json() as Page;
    const res = await ctx.app.inject({ url: `/v1/bureaus?limit=2&offset=2&cursor=${first.meta.nextCursor}` });
    const p = problem(t, res, 400, 'validation_failed');
    t.same(p.errors?.map((e) => e.path), ['query.offset']);
    t.match(p.detail, /cursor.*offset|offset.*cursor/);
  });

  t.test('a garbage cursor, or one made for another sort, is a 400', async (t) => {
    for (const cursor of ['not-a-cursor', 'AAAA', Buffer.from('["-publishedAt","2026-01-01T00:00:00.000Z",1]').toString('base64url')]) {
      const p = problem(t, await ctx.app.inject({ url: `/v1/bureaus?cursor=${cursor}` }), 400, 'invalid_cursor');
      t.same(p.errors?.map((e) => e.path), ['query.cursor'], cursor);
    }
  });

  t.test('bad paging values name the query field', async (t) => {
    invalid(t, await ctx.app.inject({ url: '/v1/bureaus?limit=0' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/bureaus?limit=101' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/bureaus?limit=ten' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/bureaus?limit=2.5' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/bureaus?offset=-1' }), ['query.offset']);
    invalid(t, await ctx.app.inject({ url: '/v1/bureaus?total=yes' }), ['query.total']);
    invalid(t, await ctx.app.inject({ url: `/v1/bureaus?cursor=${'a'.repeat(501)}` }), ['query.cursor']);
  });

  t.test('an unknown query parameter is a 400', async (t) => {
    const p = invalid(t, await ctx.app.inject({ url: '/v1/bureaus?sort=name' }), ['query.sort']);
    t.same(p.errors, [{ path: 'query.sort', message: 'Unknown field' }]);
  });

  t.test('a bad token on a public read is a 401, not a narrower answer', async (t) => {
    for (const [label, headers, detail] of badTokens) {
      const p = problem(t, await ctx.app.inject({ url: '/v1/bureaus', headers }), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    const withToken = await ctx.app.inject({ url: '/v1/bureaus', headers: ctx.auth });
    t.equal(withToken.statusCode, 200);
    t.same((withToken.json() as Page).data.map((b) => b.id), expected);
  });
});

t.test('getBureau', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau: Bureau = await makeBureau(ctx, { name: 'Lisbon Bureau', location: 'Lisbon, Portugal', description: 'Iberia.' });
  await makeBureau(ctx, { name: 'Other Bureau' });

  t.test('by id and by slug give the same bureau', async (t) => {
    const byId = await getBureau(ctx, bureau.id);
    t.equal(byId.statusCode, 200);
    t.same(byId.json(), bureau);
    const bySlug = await getBureau(ctx, 'lisbon-bureau');
    t.equal(bySlug.statusCode, 200);
    t.same(bySlug.json(), bureau);
    t.match(bySlug.json(), {
      id: Number,
      slug: 'lisbon-bureau',
      name: 'Lisbon Bureau',
      location: 'Lisbon, Portugal',
      description: 'Iberia.',
      version: 1,
    });
  });

  t.test('unknown id or slug is a 404 naming it', async (t) => {
    let p = problem(t, await getBureau(ctx, 'no-such-bureau'), 404, 'not_found');
    t.match(p.detail, '"no-such-bureau"');
    t.equal(p.instance, '/v1/bureaus/no-such-bureau');
    p = problem(t, await getBureau(ctx, 999999), 404, 'not_found');
    t.match(p.detail, '"999999"');
    problem(t, await getBureau(ctx, 'Lisbon-Bureau'), 404, 'not_found');
  });

  t.test('an over-long key is a 400 naming the path parameter', async (t) => {
    invalid(t, await getBureau(ctx, 'x'.repeat(121)), ['path.idOrSlug']);
  });

  t.test('a bad token is a 401 even on a public read', async (t) => {
    for (const [label, headers, detail] of badTokens) {
      const p = problem(t, await ctx.app.inject({ url: `/v1/bureaus/${bureau.id}`, headers }), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
  });
});

t.test('createBureau', async (t) => {
  const ctx = await buildTestApp(t);
  const post = (payload: unknown, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'POST', url: '/v1/bureaus', headers, payload: payload as Record<string, unknown> });

  t.test('creates a bureau with a slug transliterated from the name', async (t) => {
    const res = await post({ name: 'Brasília Bureau', location: 'Brasília, Brazil', description: 'Politics.' });
    t.equal(res.statusCode, 201, res.body);
    const b = res.json() as Bureau;
    t.equal(res.headers.location, `/v1/bureaus/${b.id}`);
    t.match(b, { slug: 'brasilia-bureau', name: 'Brasília Bureau', location: 'Brasília, Brazil', description: 'Politics.', version: 1 });
    t.match(b.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.equal(b.updatedAt, b.createdAt);
    t.same((await ctx.app.inject({ url: res.headers.location as string })).json(), b, 'Location points at it');
  });

  t.test('a generated slug that is taken gets a numeric suffix', async (t) => {
    const two = (await post({ name: 'Brasília Bureau' })).json() as Bureau;
    const three = (await post({ name: 'Brasilia bureau' })).json() as Bureau;
    t.equal(two.slug, 'brasilia-bureau-2');
    t.equal(three.slug, 'brasilia-bureau-3');
    t.equal((await getBureau(ctx, 'brasilia-bureau-2')).json().id, two.id);
  });

  t.test('slugs from awkward names', async (t) => {
    t.equal((await post({ name: 'São Paulo — “Bureau”' })).json().slug, 'sao-paulo-bureau');
    t.equal((await post({ name: 'Москва' })).json().slug, 'moskva');
    t.equal((await post({ name: '2026' })).json().slug, 'bureau-2026', 'never only digits');
    t.equal((await post({ name: '!!!' })).json().slug, 'bureau', 'falls back when nothing is left');
    const long = (await post({ name: 'Word '.repeat(39) + 'End' })).json() as Bureau;
    t.ok(long.slug.length <= 80, 'long names give bounded slugs');
    t.notMatch(long.slug, /-$/);
  });

  t.test('a client-chosen slug is kept; a taken one is a 409', async (t) => {
    const res = await post({ name: 'Lisbon Bureau', slug: 'lx' });
    t.equal(res.statusCode, 201);
    t.equal(res.json().slug, 'lx');
    const before = await total(ctx);
    const p = problem(t, await post({ name: 'Another Lisbon', slug: 'lx' }), 409, 'conflict');
    t.same(p.errors, [{ path: 'body.slug', message: 'Already taken' }]);
    t.match(p.detail, '"lx"');
    const generated = problem(t, await post({ name: 'Other', slug: 'brasilia-bureau' }), 409, 'conflict');
    t.match(generated.detail, 'brasilia-bureau');
    t.equal(await total(ctx), before, 'nothing written');
  });

  t.test('bad slugs are a 400 naming body.slug', async (t) => {
    for (const slug of ['2026', '42', 'Has-Caps', 'two--hyphens', '-lead', 'trail-', 'spa ce', 'ünï', '', 'x'.repeat(121)]) {
      invalid(t, await post({ name: 'Desk', slug }), ['body.slug']);
    }
    invalid(t, await post({ name: 'Desk', slug: null }), ['body.slug']);
    invalid(t, await post({ name: 'Desk', slug: 7 }), ['body.slug']);
    t.equal((await post({ name: 'Desk', slug: 'desk-2026' })).statusCode, 201, 'digits with letters are fine');
  });

  t.test('each invalid field is named', async (t) => {
    invalid(t, await post({}), ['body.name']);
    invalid(t, await post({ location: 'Nowhere' }), ['body.name']);
    invalid(t, await post({ name: '' }), ['body.name']);
    invalid(t, await post({ name: '   ' }), ['body.name']);
    invalid(t, await post({ name: null }), ['body.name']);
    invalid(t, await post({ name: 42 }), ['body.name']);
    invalid(t, await post({ name: 'x'.repeat(201) }), ['body.name']);
    invalid(t, await post({ name: 'Desk', location: 'x'.repeat(201) }), ['body.location']);
    invalid(t, await post({ name: 'Desk', location: 5 }), ['body.location']);
    invalid(t, await post({ name: 'Desk', description: 'x'.repeat(5001) }), ['body.description']);
    invalid(t, await post({ name: 'Desk', description: ['x'] }), ['body.description']);
    invalid(t, await post({ name: 'Desk', id: 5, version: 9 }), ['body.id', 'body.version']);
    const p = invalid(t, await post({ name: 'Desk', foo: 1 }), ['body.foo']);
    t.same(p.errors, [{ path: 'body.foo', message: 'Unknown field' }]);
    invalid(t, await post({ name: '', location: 1, foo: true }), ['body.name', 'body.location', 'body.foo']);
    t.equal((await post({ name: 'x'.repeat(200), location: 'y'.repeat(200), description: 'z'.repeat(5000) })).statusCode, 201, 'limits are inclusive');
  });

  t.test('text round-trips exactly; the name is trimmed', async (t) => {
    const res = await post({ name: wireName, location: '東京 — Tōkyō', description: wireDescription });
    t.equal(res.statusCode, 201, res.body);
    const b = res.json() as Bureau;
    t.equal(b.name, wireName);
    t.equal(b.location, '東京 — Tōkyō');
    t.equal(b.description, wireDescription);
    t.equal(b.slug, 'desk-quotes-single-ticks-en-em');
    const again = (await getBureau(ctx, b.slug)).json() as Bureau;
    t.equal(again.name, wireName);
    t.equal(again.description, wireDescription);
    t.equal(Buffer.compare(Buffer.from(again.description ?? ''), Buffer.from(wireDescription)), 0, 'byte-identical');
    t.equal((await post({ name: '  Padded Desk \n' })).json().name, 'Padded Desk');
  });

  t.test('optional fields may be null or absent', async (t) => {
    const b = (await post({ name: 'Bare Desk', location: null, description: null })).json() as Bureau;
    t.equal(b.location, null);
    t.equal(b.description, null);
    const c = (await post({ name: 'Barer Desk' })).json() as Bureau;
    t.equal(c.location, null);
    t.equal(c.description, null);
  });

  t.test('without a valid token nothing is created', async (t) => {
    const before = await total(ctx);
    for (const [label, headers, detail] of badAuth) {
      const p = problem(t, await post({ name: 'Intruder Desk' }, headers), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    t.equal(await total(ctx), before);
    problem(t, await getBureau(ctx, 'intruder-desk'), 404, 'not_found');
  });
});

t.test('updateBureau', async (t) => {
  const ctx = await buildTestApp(t);
  const patch = (key: string | number, payload: unknown, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/bureaus/${key}`, headers, payload: payload as Record<string, unknown> });

  t.test('changes only the fields sent, bumps version and updatedAt', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Lisbon Bureau', location: 'Lisbon', description: 'Iberia.' });
    await sleep(5);
    const res = await patch(b.id, { description: 'Iberia and Lusophone Africa.' });
    t.equal(res.statusCode, 200, res.body);
    const u = res.json() as Bureau;
    t.same(u, { ...b, description: 'Iberia and Lusophone Africa.', version: 2, updatedAt: u.updatedAt });
    t.ok(u.updatedAt > b.updatedAt, 'updatedAt moves forward');
    t.equal(u.createdAt, b.createdAt);
    t.same((await getBureau(ctx, b.id)).json(), u, 'stored');
    await sleep(5);
    const v = (await patch('lisbon-bureau', { name: 'Lisbon Bureau (Iberia)' })).json() as Bureau;
    t.equal(v.version, 3, 'by slug, and version keeps counting');
    t.equal(v.slug, 'lisbon-bureau', 'renaming keeps the slug');
    t.ok(v.updatedAt > u.updatedAt);
  });

  t.test('null clears optional fields', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Clear Desk', location: 'Here', description: 'Text.' });
    const u = (await patch(b.slug, { location: null, description: null })).json() as Bureau;
    t.equal(u.location, null);
    t.equal(u.description, null);
    t.equal(u.name, 'Clear Desk');
  });

  t.test('a new slug moves the bureau; its own slug is not a conflict', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Move Desk' });
    t.equal((await patch(b.id, { slug: 'move-desk' })).statusCode, 200, 'same slug');
    const u = (await patch(b.id, { slug: 'moved-desk' })).json() as Bureau;
    t.equal(u.slug, 'moved-desk');
    t.equal((await getBureau(ctx, 'moved-desk')).json().id, b.id);
    // The old slug keeps pointing at the bureau.
    const res = await getBureau(ctx, 'move-desk');
    const moved = problem(t, res, 308, 'moved');
    t.equal(moved.location, '/v1/bureaus/moved-desk');
    t.equal(res.headers.location, '/v1/bureaus/moved-desk');
  });

  t.test('a slug taken by another bureau is a 409 and nothing changes', async (t) => {
    const a: Bureau = await makeBureau(ctx, { name: 'Taken Desk' });
    const b: Bureau = await makeBureau(ctx, { name: 'Taker Desk' });
    const p = problem(t, await patch(b.id, { slug: a.slug, name: 'Renamed' }), 409, 'conflict');
    t.same(p.errors, [{ path: 'body.slug', message: 'Already taken' }]);
    t.match(p.detail, `"${a.slug}"`);
    t.same((await getBureau(ctx, b.id)).json(), b, 'no partial write, no version bump');
  });

  t.test('each invalid field is named and nothing changes', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Strict Desk' });
    invalid(t, await patch(b.id, { slug: '2026' }), ['body.slug']);
    invalid(t, await patch(b.id, { slug: 'Bad Slug' }), ['body.slug']);
    invalid(t, await patch(b.id, { slug: null }), ['body.slug']);
    invalid(t, await patch(b.id, { name: null }), ['body.name']);
    invalid(t, await patch(b.id, { name: ' ' }), ['body.name']);
    invalid(t, await patch(b.id, { name: 'x'.repeat(201) }), ['body.name']);
    invalid(t, await patch(b.id, { location: 'x'.repeat(201) }), ['body.location']);
    invalid(t, await patch(b.id, { description: 'x'.repeat(5001) }), ['body.description']);
    invalid(t, await patch(b.id, { version: 7 }), ['body.version']);
    const p = invalid(t, await patch(b.id, { foo: 'bar' }), ['body.foo']);
    t.same(p.errors, [{ path: 'body.foo', message: 'Unknown field' }]);
    t.same((await getBureau(ctx, b.id)).json(), b);
  });

  t.test('text round-trips exactly', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Plain Desk' });
    const u = (await patch(b.id, { name: wireName, description: wireDescription, location: 'القاهرة' })).json() as Bureau;
    t.equal(u.name, wireName);
    t.equal(u.description, wireDescription);
    t.equal(u.location, 'القاهرة');
    t.same((await getBureau(ctx, b.id)).json(), u);
  });

  t.test('unknown bureau is a 404', async (t) => {
    t.match(problem(t, await patch('no-such-desk', { name: 'X' }), 404, 'not_found').detail, '"no-such-desk"');
    problem(t, await patch(999999, { name: 'X' }), 404, 'not_found');
  });

  t.test('without a valid token nothing changes', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Guarded Desk' });
    for (const [label, headers, detail] of badAuth) {
      const p = problem(t, await patch(b.id, { name: 'Hijacked' }, headers), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    t.same((await getBureau(ctx, b.id)).json(), b);
  });
});

t.test('deleteBureau', async (t) => {
  const ctx = await buildTestApp(t);
  const del = (key: string | number, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'DELETE', url: `/v1/bureaus/${key}`, headers });

  t.test('deletes by id or by slug', async (t) => {
    const a: Bureau = await makeBureau(ctx, { name: 'Gone Desk' });
    const b: Bureau = await makeBureau(ctx, { name: 'Also Gone' });
    const res = await del(a.id);
    t.equal(res.statusCode, 204);
    t.equal(res.body, '');
    problem(t, await getBureau(ctx, a.id), 404, 'not_found');
    t.equal((await del(b.slug)).statusCode, 204);
    problem(t, await getBureau(ctx, b.slug), 404, 'not_found');
    t.match(problem(t, await del(a.id), 404, 'not_found').detail, `"${a.id}"`, 'twice is a 404');
  });

  t.test('unknown bureau is a 404', async (t) => {
    t.match(problem(t, await del('no-such-desk'), 404, 'not_found').detail, '"no-such-desk"');
  });

  t.test('a bureau with articles is a 409 saying how many', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Busy Desk' });
    const one = await makeArticle(ctx, { bureau: b.slug });
    let p = problem(t, await del(b.slug), 409, 'conflict');
    t.match(p.detail, /still has 1 article;/);
    t.equal(p.articleCount, 1);
    const two = await makeArticle(ctx, { bureau: b.id });
    p = problem(t, await del(b.id), 409, 'conflict');
    t.match(p.detail, /still has 2 articles/);
    t.equal(p.articleCount, 2);
    t.equal((await getBureau(ctx, b.id)).statusCode, 200, 'still there');
    // Once the articles are gone the bureau can go.
    for (const a of [one, two] as { id: number; version: number }[]) {
      const res = await ctx.app.inject({
        method: 'DELETE',
        url: `/v1/articles/${a.id}`,
        headers: { ...ctx.auth, 'if-match': `"v${a.version}"` },
      });
      t.equal(res.statusCode, 204, res.body);
    }
    t.equal((await del(b.id)).statusCode, 204);
  });

  t.test('home-bureau links of authors are cleared, the authors stay', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Home Desk' });
    const author = await makeAuthor(ctx, { bureau: b.slug });
    t.equal(author.bureau.id, b.id);
    t.equal((await del(b.id)).statusCode, 204);
    const res = await ctx.app.inject({ url: `/v1/authors/${author.id}` });
    t.equal(res.statusCode, 200);
    t.equal(res.json().bureau, null);
  });

  t.test('without a valid token nothing is deleted', async (t) => {
    const b: Bureau = await makeBureau(ctx, { name: 'Kept Desk' });
    for (const [label, headers, detail] of badAuth) {
      const p = problem(t, await del(b.id, headers), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    t.same((await getBureau(ctx, b.id)).json(), b);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { makeArticle, makeAuthor, makeBureau } from './helpers/factories.js';
import { badAuth, badTokens, invalid, problem, type Page as PageOf } from './helpers/problems.js';

type Summary = { id: number; slug: string; name: string };
type Author = {
  id: number;
  slug: string;
  name: string;
  bio: string | null;
  email?: string | null;
  avatarUrl: string | null;
  bureau: Summary | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};
type Page = PageOf<Author>;

// Wire copy: curly quotes, back-ticks, en and em dashes, several scripts.
const wireName = 'Zoë “Zed” O’Brien-Łukasz – 李 — Σ';
const wireBio = [
  'Covers the courts: “the law’s long arm” — and `code`.',
  '東京特派員 · Корреспондент в Москве · مراسلة في القاهرة · 🗞️',
  'Ranges 2.25–2.5%; ‘single’ quotes\nand a line break\r\n.',
  'Jose\u0301 (decomposed) and Jos\u00e9 (composed) stay as sent.',
].join('\n\n');

const getAuthor = (ctx: TestApp, key: string | number, headers: Record<string, string> = {}) =>
  ctx.app.inject({ url: `/v1/authors/${key}`, headers });
const total = async (ctx: TestApp) =>
  ((await ctx.app.inject({ url: '/v1/authors?total=true' })).json() as Page).meta.total;

t.test('listAuthors', async (t) => {
  const ctx = await buildTestApp(t);
  const dc = await makeBureau(ctx, { name: 'Washington Bureau' });
  const lx = await makeBureau(ctx, { name: 'Lisbon Bureau' });
  // Created out of order, with two identical names to exercise the id tie-break.
  const specs: [string, string | null][] = [
    ['Wanda Writer', dc.slug],
    ['João Sebastião', lx.slug],
    ['Ann Byline', dc.slug],
    ['Ann Byline', lx.slug],
    ['Maria Correspondent', dc.slug],
    ['Carla Columnist', null],
    ['Bob Stringer', dc.slug],
  ];
  const created: Author[] = [];
  for (const [name, bureau] of specs) created.push(await makeAuthor(ctx, { name, bureau }));
  const expected = [...created]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
    .map((a) => a.id);
  const inDc = expected.filter((id) => created.find((a) => a.id === id)!.bureau?.id === dc.id);

  t.test('default page: ordered by name, with bureau summaries, no e-mail in public', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/authors' });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((a) => a.id), expected);
    t.same(
      body.data.map((a) => a.name),
      ['Ann Byline', 'Ann Byline', 'Bob Stringer', 'Carla Columnist', 'João Sebastião', 'Maria Correspondent', 'Wanda Writer'],
    );
    t.same(body.meta, { limit: 20, nextCursor: null });
    t.equal(res.headers.link, undefined);
    for (const a of body.data) t.notOk('email' in a, `${a.slug}: no email key in a public read`);
    t.same(body.data.find((a) => a.name === 'João Sebastião')!.bureau, { id: lx.id, slug: 'lisbon-bureau', name: 'Lisbon Bureau' });
    t.equal(body.data.find((a) => a.name === 'Carla Columnist')!.bureau, null);
    t.notMatch(res.body, /@example\.com/, 'no address anywhere in the public payload');
    t.match(res.headers['cache-control'], /^public/);
  });

  t.test('with a token the e-mail addresses are there, and the answer is private', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/authors', headers: ctx.auth });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((a) => a.id), expected);
    for (const a of body.data) {
      t.equal(a.email, created.find((c) => c.id === a.id)!.email, `${a.slug}: email shown`);
      t.match(a.email, /@example\.com$/);
    }
    t.equal(res.headers['cache-control'], 'private, no-store');
  });

  t.test('limit, Link header and cursor paging visit every author once', async (t) => {
    // One a page, so the two authors with the same name sit on either side of a page break.
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/authors?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await ctx.app.inject({ url });
      t.equal(res.statusCode, 200, url);
      const body = res.json() as Page;
      t.equal(body.meta.limit, 1);
      t.equal(body.data.length, 1);
      seen.push(...body.data.map((a) => a.id));
      if (body.meta.nextCursor !== null) {
        t.equal(res.headers.link, `</v1/authors?limit=1&cursor=${body.meta.nextCursor}>; rel="next"`);
      } else {
        t.equal(res.headers.link, undefined);
      }
      cursor = body.meta.nextCursor;
      pages++;
    } while (cursor !== null && pages < 20);
    t.equal(pages, specs.length);
    t.same(seen, expected, 'no duplicates, nothing missing');
  });

  t.test('filter by bureau slug, with total, and the Link header keeps the filter', async (t) => {
    const res = await ctx.app.inject({ url: `/v1/authors?bureau=${dc.slug}&limit=2&total=true` });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.equal(body.meta.total, inDc.length);
    t.same(body.data.map((a) => a.id), inDc.slice(0, 2));
    const seen = body.data.map((a) => a.id);
    let link = res.headers.link as string | undefined;
    let pages = 1;
    while (link && pages < 20) {
      const url = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      t.match(url, `bureau=${dc.slug}`);
      const next = await ctx.app.inject({ url: url! });
      const page = next.json() as Page;
      for (const a of page.data) t.equal(a.bureau?.id, dc.id);
      seen.push(...page.data.map((a) => a.id));
      link = next.headers.link as string | undefined;
      pages++;
    }
    t.same(seen, inDc);
    const none = (await ctx.app.inject({ url: '/v1/authors?bureau=no-such-bureau&total=true' })).json() as Page;
    t.same(none.data, []);
    t.equal(none.meta.total, 0);
  });

  t.test('offset paging and total', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/authors?limit=3&offset=3&total=true' });
    t.equal(res.statusCode, 200);
    const body = res.json() as Page;
    t.same(body.data.map((a) => a.id), expected.slice(3, 6));
    t.same(body.meta, { limit: 3, offset: 3, nextCursor: body.meta.nextCursor, total: specs.length });
    t.type(body.meta.nextCursor, 'string');
    t.equal(res.headers.link, '</v1/authors?limit=3&offset=6&total=true>; rel="next"');
  });

  t.test('cursor and offset together, and garbage cursors, are 400s', async (t) => {
    const first = (await ctx.app.inject({ url: '/v1/authors?limit=2' })).json() as Page;
    const p = problem(t, await ctx.app.inject({ url: `/v1/authors?offset=0&cursor=${first.meta.nextCursor}` }), 400, 'validation_failed');
    t.same(p.errors?.map((e) => e.path), ['query.offset']);
    for (const cursor of ['garbage', Buffer.from('["headline","x",1]').toString('base64url')]) {
      const q = problem(t, await ctx.app.inject({ url: `/v1/authors?cursor=${cursor}` }), 400, 'invalid_cursor');
      t.same(q.errors?.map((e) => e.path), ['query.cursor']);
    }
  });

  t.test('bad query values and unknown parameters name the field', async (t) => {
    invalid(t, await ctx.app.inject({ url: '/v1/authors?limit=0' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/authors?limit=500' }), ['query.limit']);
    invalid(t, await ctx.app.inject({ url: '/v1/authors?offset=x' }), ['query.offset']);
    invalid(t, await ctx.app.inject({ url: '/v1/authors?total=1' }), ['query.total']);
    invalid(t, await ctx.app.inject({ url: `/v1/authors?bureau=${'b'.repeat(121)}` }), ['query.bureau']);
    const p = invalid(t, await ctx.app.inject({ url: '/v1/authors?email=x' }), ['query.email']);
    t.same(p.errors, [{ path: 'query.email', message: 'Unknown field' }]);
  });

  t.test('a bad token on a public read is a 401', async (t) => {
    for (const [label, headers, detail] of badTokens) {
      const p = problem(t, await ctx.app.inject({ url: '/v1/authors', headers }), 401, 'unauthorized');
      t.match(p.detail, detail, label);
      t.notMatch(JSON.stringify(p), /@example\.com/);
    }
  });
});

t.test('getAuthor', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx, { name: 'Metro Desk' });
  const jane: Author = await makeAuthor(ctx, {
    name: 'Jane Q. Reporter',
    email: 'jane@example.com',
    bio: 'Courts.',
    avatarUrl: 'https://cdn.example.com/jane.jpg',
    bureau: bureau.slug,
  });
  const noMail: Author = await makeAuthor(ctx, { name: 'No Mail', email: null });

  t.test('by id and by slug; no e-mail without a token', async (t) => {
    const { email: _email, ...publicJane } = jane;
    for (const key of [jane.id, 'jane-q-reporter']) {
      const res = await getAuthor(ctx, key);
      t.equal(res.statusCode, 200);
      t.same(res.json(), publicJane, String(key));
      t.notOk('email' in res.json(), 'no email key');
      t.notMatch(res.body, 'jane@example.com');
    }
    t.match(jane, {
      slug: 'jane-q-reporter',
      bio: 'Courts.',
      avatarUrl: 'https://cdn.example.com/jane.jpg',
      bureau: { id: bureau.id, slug: 'metro-desk', name: 'Metro Desk' },
      version: 1,
    });
  });

  t.test('with a token the e-mail is there, null when unset', async (t) => {
    const res = await getAuthor(ctx, jane.slug, ctx.auth);
    t.equal(res.statusCode, 200);
    t.same(res.json(), jane);
    t.equal(res.json().email, 'jane@example.com');
    t.equal(res.headers['cache-control'], 'private, no-store');
    const other = (await getAuthor(ctx, noMail.id, ctx.auth)).json() as Author;
    t.ok('email' in other);
    t.equal(other.email, null);
  });

  t.test('unknown id or slug is a 404', async (t) => {
    t.match(problem(t, await getAuthor(ctx, 'nobody'), 404, 'not_found').detail, '"nobody"');
    t.match(problem(t, await getAuthor(ctx, 424242), 404, 'not_found').detail, '"424242"');
  });

  t.test('an over-long key is a 400', async (t) => {
    invalid(t, await getAuthor(ctx, 'y'.repeat(130)), ['path.idOrSlug']);
  });

  t.test('a bad token is a 401, never a public answer', async (t) => {
    for (const [label, headers, detail] of badTokens) {
      const res = await getAuthor(ctx, jane.id, headers);
      t.match(problem(t, res, 401, 'unauthorized').detail, detail, label);
      t.notMatch(res.body, 'jane@example.com');
    }
  });
});

t.test('createAuthor', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx, { name: 'Rio Bureau' });
  const post = (payload: unknown, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'POST', url: '/v1/authors', headers, payload: payload as Record<string, unknown> });

  t.test('creates an author; the response to the token holder has the e-mail', async (t) => {
    const res = await post({
      name: 'Jane Q. Reporter',
      bio: 'Courts.',
      email: 'jane@example.com',
      avatarUrl: 'https://cdn.example.com/jane.jpg',
      bureau: bureau.slug,
    });
    t.equal(res.statusCode, 201, res.body);
    const a = res.json() as Author;
    t.equal(res.headers.location, `/v1/authors/${a.id}`);
    t.same(a, {
      id: a.id,
      slug: 'jane-q-reporter',
      name: 'Jane Q. Reporter',
      bio: 'Courts.',
      email: 'jane@example.com',
      avatarUrl: 'https://cdn.example.com/jane.jpg',
      bureau: { id: bureau.id, slug: 'rio-bureau', name: 'Rio Bureau' },
      version: 1,
      createdAt: a.createdAt,
      updatedAt: a.createdAt,
    });
    t.match(a.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.same((await getAuthor(ctx, a.id, ctx.auth)).json(), a);
  });

  t.test('the bureau may be given by id, or left out, or null', async (t) => {
    t.same((await post({ name: 'By Id', bureau: bureau.id })).json().bureau, { id: bureau.id, slug: 'rio-bureau', name: 'Rio Bureau' });
    t.equal((await post({ name: 'No Bureau' })).json().bureau, null);
    const bare = (await post({ name: 'Null Bureau', bureau: null, bio: null, email: null, avatarUrl: null })).json() as Author;
    t.match(bare, { bureau: null, bio: null, email: null, avatarUrl: null });
  });

  t.test('an unknown bureau is a 422 naming body.bureau and the value; nothing is written', async (t) => {
    const before = await total(ctx);
    let p = problem(t, await post({ name: 'Lost', bureau: 'atlantis-bureau' }), 422, 'unprocessable');
    t.same(p.errors, [{ path: 'body.bureau', message: 'No bureau with id or slug "atlantis-bureau"' }]);
    t.match(p.detail, 'body.bureau');
    t.match(p.detail, '"atlantis-bureau"');
    p = problem(t, await post({ name: 'Lost', bureau: 987654 }), 422, 'unprocessable');
    t.same(p.errors, [{ path: 'body.bureau', message: 'No bureau with id or slug "987654"' }]);
    t.equal(await total(ctx), before);
    problem(t, await getAuthor(ctx, 'lost'), 404, 'not_found');
  });

  t.test('slugs: transliterated, suffixed when generated, 409 when a client takes a used one', async (t) => {
    t.equal((await post({ name: 'Brasília Bureau Chief' })).json().slug, 'brasilia-bureau-chief');
    t.equal((await post({ name: 'João Sebastião' })).json().slug, 'joao-sebastiao');
    t.equal((await post({ name: 'João Sebastião' })).json().slug, 'joao-sebastiao-2');
    t.equal((await post({ name: 'Joao Sebastiao' })).json().slug, 'joao-sebastiao-3');
    t.equal((await post({ name: '1984' })).json().slug, 'author-1984');
    t.equal((await post({ name: 'Custom', slug: 'the-custom-one' })).json().slug, 'the-custom-one');
    const before = await total(ctx);
    const p = problem(t, await post({ name: 'Copycat', slug: 'joao-sebastiao' }), 409, 'conflict');
    t.same(p.errors, [{ path: 'body.slug', message: 'Already taken' }]);
    t.match(p.detail, '"joao-sebastiao"');
    t.equal(await total(ctx), before);
  });

  t.test('each invalid field is named', async (t) => {
    invalid(t, await post({}), ['body.name']);
    invalid(t, await post({ name: ' ' }), ['body.name']);
    invalid(t, await post({ name: 'x'.repeat(201) }), ['body.name']);
    invalid(t, await post({ name: 'A', slug: '1234' }), ['body.slug']);
    invalid(t, await post({ name: 'A', slug: 'Not_A_Slug' }), ['body.slug']);
    invalid(t, await post({ name: 'A', bio: 'x'.repeat(5001) }), ['body.bio']);
    for (const email of ['not-an-email', 'a@', '@example.com', 'two@@example.com', 'spaces in@example.com', 42]) {
      invalid(t, await post({ name: 'A', email }), ['body.email']);
    }
    invalid(t, await post({ name: 'A', email: `${'a'.repeat(310)}@example.com` }), ['body.email']);
    for (const avatarUrl of ['ftp://cdn.example.com/a.jpg', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'not a url', '/relative.jpg']) {
      invalid(t, await post({ name: 'A', avatarUrl }), ['body.avatarUrl']);
    }
    invalid(t, await post({ name: 'A', avatarUrl: `https://cdn.example.com/${'a'.repeat(2000)}` }), ['body.avatarUrl']);
    for (const bureauRef of [0, -1, 1.5, '', true, [bureau.id], { id: bureau.id }, 'b'.repeat(121)]) {
      invalid(t, await post({ name: 'A', bureau: bureauRef }), ['body.bureau']);
    }
    invalid(t, await post({ name: 'A', bureauId: bureau.id }), ['body.bureauId']);
    const p = invalid(t, await post({ name: 'A', foo: 1 }), ['body.foo']);
    t.same(p.errors, [{ path: 'body.foo', message: 'Unknown field' }]);
    invalid(t, await post({ name: '', email: 'nope', avatarUrl: 'ftp://x' }), ['body.name', 'body.email', 'body.avatarUrl']);
    t.equal((await post({ name: 'Plain http', avatarUrl: 'http://cdn.example.com/a.jpg' })).statusCode, 201, 'http is fine');
  });

  t.test('text round-trips exactly', async (t) => {
    const res = await post({ name: wireName, bio: wireBio });
    t.equal(res.statusCode, 201, res.body);
    const a = res.json() as Author;
    t.equal(a.name, wireName);
    t.equal(a.bio, wireBio);
    const again = (await getAuthor(ctx, a.slug)).json() as Author;
    t.equal(again.name, wireName);
    t.equal(Buffer.compare(Buffer.from(again.bio ?? ''), Buffer.from(wireBio)), 0, 'byte-identical');
  });

  t.test('without a valid token nothing is created', async (t) => {
    const before = await total(ctx);
    for (const [label, headers, detail] of badAuth) {
      const p = problem(t, await post({ name: 'Intruder', email: 'x@example.com' }, headers), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    t.equal(await total(ctx), before);
  });
});

t.test('updateAuthor', async (t) => {
  const ctx = await buildTestApp(t);
  const dc = await makeBureau(ctx, { name: 'Washington Bureau' });
  const lx = await makeBureau(ctx, { name: 'Lisbon Bureau' });
  const patch = (key: string | number, payload: unknown, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/authors/${key}`, headers, payload: payload as Record<string, unknown> });
  const full = async (id: number) => (await getAuthor(ctx, id, ctx.auth)).json() as Author;

  t.test('changes only the fields sent, bumps version and updatedAt', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Edit Me', bio: 'Old.', bureau: dc.slug, avatarUrl: 'https://x.example/a.png' });
    await sleep(5);
    const res = await patch(a.id, { bio: 'New.' });
    t.equal(res.statusCode, 200, res.body);
    const u = res.json() as Author;
    t.same(u, { ...a, bio: 'New.', version: 2, updatedAt: u.updatedAt }, 'bureau, email, avatar kept');
    t.ok(u.updatedAt > a.updatedAt);
    t.equal(u.email, a.email, 'the token holder sees the e-mail');
    t.same(await full(a.id), u);
    await sleep(5);
    const v = (await patch(a.slug, { name: 'Edited' })).json() as Author;
    t.equal(v.version, 3);
    t.equal(v.slug, 'edit-me', 'renaming keeps the slug');
    t.ok(v.updatedAt > u.updatedAt);
  });

  t.test('moves between bureaus by slug or id; null clears every optional field', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Mover', bio: 'Bio.', bureau: dc.slug, avatarUrl: 'https://x.example/m.png' });
    t.same((await patch(a.id, { bureau: lx.slug })).json().bureau, { id: lx.id, slug: 'lisbon-bureau', name: 'Lisbon Bureau' });
    t.same((await patch(a.id, { bureau: dc.id })).json().bureau, { id: dc.id, slug: 'washington-bureau', name: 'Washington Bureau' });
    const cleared = (await patch(a.id, { bureau: null, bio: null, email: null, avatarUrl: null })).json() as Author;
    t.match(cleared, { bureau: null, bio: null, email: null, avatarUrl: null, name: 'Mover' });
    t.same(await full(a.id), cleared);
    const publicView = (await getAuthor(ctx, a.id)).json() as Author;
    t.notOk('email' in publicView);
  });

  t.test('an unknown bureau is a 422 naming body.bureau and the value; nothing changes', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Stayer', bureau: dc.slug });
    const p = problem(t, await patch(a.id, { bureau: 'nowhere', bio: 'Changed?' }), 422, 'unprocessable');
    t.same(p.errors, [{ path: 'body.bureau', message: 'No bureau with id or slug "nowhere"' }]);
    t.match(p.detail, '"nowhere"');
    t.same(await full(a.id), a, 'no partial write, no version bump');
  });

  t.test('slug changes: free is fine, own is fine, taken is a 409', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Slug Owner' });
    const b: Author = await makeAuthor(ctx, { name: 'Slug Wanter' });
    t.equal((await patch(b.id, { slug: b.slug })).statusCode, 200);
    const p = problem(t, await patch(b.id, { slug: a.slug }), 409, 'conflict');
    t.same(p.errors, [{ path: 'body.slug', message: 'Already taken' }]);
    t.match(p.detail, `"${a.slug}"`);
    t.equal((await full(b.id)).slug, b.slug);
    t.equal((await patch(b.id, { slug: 'wanter' })).json().slug, 'wanter');
    t.equal((await getAuthor(ctx, 'wanter')).json().id, b.id);
    // The old slug keeps pointing at the author.
    const res = await getAuthor(ctx, b.slug);
    t.equal(problem(t, res, 308, 'moved').location, '/v1/authors/wanter');
    t.equal(res.headers.location, '/v1/authors/wanter');
  });

  t.test('each invalid field is named and nothing changes', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Strict Author' });
    invalid(t, await patch(a.id, { name: null }), ['body.name']);
    invalid(t, await patch(a.id, { name: '' }), ['body.name']);
    invalid(t, await patch(a.id, { slug: '99' }), ['body.slug']);
    invalid(t, await patch(a.id, { slug: null }), ['body.slug']);
    invalid(t, await patch(a.id, { email: 'not-an-email' }), ['body.email']);
    invalid(t, await patch(a.id, { avatarUrl: 'ftp://cdn.example.com/a.jpg' }), ['body.avatarUrl']);
    invalid(t, await patch(a.id, { avatarUrl: 'javascript:alert(1)' }), ['body.avatarUrl']);
    invalid(t, await patch(a.id, { bio: 'x'.repeat(5001) }), ['body.bio']);
    invalid(t, await patch(a.id, { bureau: 0 }), ['body.bureau']);
    const p = invalid(t, await patch(a.id, { version: 3 }), ['body.version']);
    t.same(p.errors, [{ path: 'body.version', message: 'Unknown field' }]);
    t.same(await full(a.id), a);
  });

  t.test('text round-trips exactly', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Plain' });
    const u = (await patch(a.id, { name: wireName, bio: wireBio })).json() as Author;
    t.equal(u.name, wireName);
    t.equal(u.bio, wireBio);
    t.same(await full(a.id), u);
  });

  t.test('unknown author is a 404', async (t) => {
    t.match(problem(t, await patch('nobody-at-all', { bio: 'x' }), 404, 'not_found').detail, '"nobody-at-all"');
    problem(t, await patch(999999, { bio: 'x' }), 404, 'not_found');
  });

  t.test('without a valid token nothing changes', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Guarded Author' });
    for (const [label, headers, detail] of badAuth) {
      const p = problem(t, await patch(a.id, { email: 'thief@example.com' }, headers), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    t.same(await full(a.id), a);
  });
});

t.test('deleteAuthor', async (t) => {
  const ctx = await buildTestApp(t);
  const del = (key: string | number, headers: Record<string, string> = ctx.auth) =>
    ctx.app.inject({ method: 'DELETE', url: `/v1/authors/${key}`, headers });

  t.test('deletes by id or by slug', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Gone Author' });
    const b: Author = await makeAuthor(ctx, { name: 'Also Gone' });
    const res = await del(a.id);
    t.equal(res.statusCode, 204);
    t.equal(res.body, '');
    problem(t, await getAuthor(ctx, a.id), 404, 'not_found');
    t.equal((await del(b.slug)).statusCode, 204);
    problem(t, await getAuthor(ctx, b.slug), 404, 'not_found');
    problem(t, await del(b.slug), 404, 'not_found');
  });

  t.test('unknown author is a 404', async (t) => {
    t.match(problem(t, await del('nobody'), 404, 'not_found').detail, '"nobody"');
  });

  t.test('an author with bylines is a 409 saying how many', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Busy Writer' });
    const co: Author = await makeAuthor(ctx, { name: 'Co Writer' });
    const first = await makeArticle(ctx, { authors: [a.slug] });
    let p = problem(t, await del(a.id), 409, 'conflict');
    t.match(p.detail, /still has bylines on 1 article;/);
    t.equal(p.bylineCount, 1);
    const second = await makeArticle(ctx, { authors: [co.slug, a.id] });
    p = problem(t, await del(a.slug), 409, 'conflict');
    t.match(p.detail, /still has bylines on 2 articles/);
    t.equal(p.bylineCount, 2);
    t.equal((await getAuthor(ctx, a.id)).statusCode, 200, 'still there');
    for (const article of [first, second] as { id: number; version: number }[]) {
      const res = await ctx.app.inject({
        method: 'DELETE',
        url: `/v1/articles/${article.id}`,
        headers: { ...ctx.auth, 'if-match': `"v${article.version}"` },
      });
      t.equal(res.statusCode, 204, res.body);
    }
    t.equal((await del(a.id)).statusCode, 204, 'free once the bylines are gone');
  });

  t.test('without a valid token nothing is deleted', async (t) => {
    const a: Author = await makeAuthor(ctx, { name: 'Kept Author' });
    for (const [label, headers, detail] of badAuth) {
      const p = problem(t, await del(a.id, headers), 401, 'unauthorized');
      t.match(p.detail, detail, label);
    }
    t.same((await getAuthor(ctx, a.id, ctx.auth)).json(), a);
  });
});

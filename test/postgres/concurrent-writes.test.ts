import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { etagOf, makeArticle, makeAuthor, makeBureau } from '../helpers/factories.js';
import { postWire } from '../helpers/imports.js';
import { freshPgDatabase } from '../helpers/pg.js';

// Writers on PostgreSQL run side by side (src/db/postgres.ts): each decision is serialised by
// what it decides on, not by one lock for all writers. These are the races that lock used to
// hide, and the parallelism it used to prevent.

t.test('concurrent creates with one headline get distinct slugs, none a 500', async (t) => {
  const ctx = await buildTestApp(t, { databaseUrl: (await freshPgDatabase(t)).url });
  const [bureau, author] = [(await makeBureau(ctx)).slug, (await makeAuthor(ctx)).slug];
  const create = (extra: Record<string, unknown> = {}) =>
    ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: ctx.auth, payload: { headline: 'Same headline', body: 'Text.', bureau, authors: [author], ...extra } });
  // One asks outright for a slug the others' family also hands out.
  const responses = await Promise.all([...Array.from({ length: 12 }, () => create()), create({ slug: 'same-headline-3' })]);
  const codes = responses.map((r) => r.statusCode);
  t.same(codes.slice(0, 12), Array(12).fill(201), 'every fresh-slug create succeeded');
  t.ok([201, 409].includes(codes[12]!), `the explicit slug is created or a 409 conflict (${codes[12]})`);
  const slugs = responses.filter((r) => r.statusCode === 201).map((r) => r.json<{ slug: string }>().slug);
  t.equal(new Set(slugs).size, slugs.length, `all slugs distinct: ${slugs.sort().join(' ')}`);
  t.ok(slugs.includes('same-headline'), 'the family starts at the bare slug');
});

t.test('one unit of work holding article A does not hold up an edit of article B', async (t) => {
  const ctx = await buildTestApp(t, { databaseUrl: (await freshPgDatabase(t)).url, writeLockTimeoutMs: 300 });
  const [a, b] = [await makeArticle(ctx), await makeArticle(ctx)];
  const edit = async (id: number, headline: string) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...ctx.auth, 'if-match': await etagOf(ctx, id) }, payload: { headline } });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  // What an edit of A does first: lock A's row (articles.repository findStored).
  const holder = ctx.app.db.write(async () => {
    await ctx.app.db.run(sql`SELECT id FROM articles WHERE id = ${a.id} FOR NO KEY UPDATE`);
    locked();
    await held;
  });
  await isLocked;
  // A stays held until release(): had B's edit waited on it, it would have been a 503.
  t.equal((await edit(b.id, 'B while A is held')).statusCode, 200, 'the edit of B went through');
  const same = await edit(a.id, 'A while A is held');
  t.equal(same.statusCode, 503, 'an edit of A waited for its lock, then gave up');
  t.equal(same.json<{ code: string }>().code, 'database_busy');
  release();
  await holder;
  t.equal((await edit(a.id, 'A afterwards')).statusCode, 200, 'and goes through once A is free');
});

t.test('one wire story imported six times at once: one article, one new bureau, one new author, no 500', async (t) => {
  const ctx = await buildTestApp(t, { databaseUrl: (await freshPgDatabase(t)).url });
  const text = 'Dam bursts\n\nA standfirst.\n\nKyiv Bureau/Olena Koval\n\nKYIV: Water flooded the valley.\n\nMore.';
  // The same byline with other spelling in a second story: its new names race the first's.
  const other = text.replace('Dam bursts', 'Second dam bursts').replace('Olena Koval', 'OLENA KOVAL');
  const responses = await Promise.all([...Array.from({ length: 6 }, () => postWire(ctx, text, 'createMissing=true')), postWire(ctx, other, 'createMissing=true')]);
  const codes = responses.map((r) => r.statusCode);
  t.equal(codes.filter((c) => c === 201).length, 2, `one create per story (${codes.join(' ')})`);
  t.equal(codes.filter((c) => c === 200).length, 5, 'the other five replay');
  const ids = new Set(responses.slice(0, 6).map((r) => r.json<{ article: { id: number } }>().article.id));
  t.equal(ids.size, 1, 'every answer names one article');
  const count = async (table: string) => (await ctx.app.db.all<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n;
  t.equal(await count('articles'), 2, 'two articles');
  t.equal(await count(`bureaus WHERE name = 'Kyiv Bureau'`), 1, 'one bureau created');
  t.equal(await count(`authors WHERE lower(name) = 'olena koval'`), 1, 'one author created');
});

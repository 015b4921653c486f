import t, { type Test } from 'tap';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { rawSql, sqliteOf } from './helpers/db.js';
import { makeAuthor, makeBureau } from './helpers/factories.js';
import { ndjson, parseReport, postBulk } from './helpers/imports.js';

// A bulk slice indexes the articles it creates for search in one batch at its end (SQLite:
// Dialect.search.batch), while every other write in it is indexed as it happens. Whatever the
// path — a flat slice, a slice redone with a savepoint per item after a failure, a ninjs update
// of an older article or of one created earlier in the same slice — every imported article
// must be found by its words and its byline, and nothing else.

type Line = { line: number; status: string; id?: number };
async function bulk(t: Test, ctx: TestApp, items: unknown[], query = ''): Promise<Line[]> {
  const res = await postBulk(ctx, ndjson(items), query);
  t.equal(res.statusCode, 200);
  return parseReport<Line>(res.body);
}

/** Ids of drafts and published articles matching `q`, sorted. */
async function found(ctx: TestApp, q: string): Promise<number[]> {
  const res = await ctx.app.inject({ url: `/v1/articles?q=${encodeURIComponent(q)}&limit=100`, headers: ctx.auth });
  if (res.statusCode !== 200) throw new Error(`search for ${q}: ${res.statusCode} ${res.body}`);
  return (res.json().data as { id: number }[]).map((a) => a.id).sort((a, b) => a - b);
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

t.test('bulk-imported articles are found by body word and byline, whichever path wrote them', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx, { name: 'Index Desk' });
  const writers = [
    await makeAuthor(ctx, { name: 'Zephyrine Quillfeather' }),
    await makeAuthor(ctx, { name: 'Ottoline Brackenbury' }),
    await makeAuthor(ctx, { name: 'Wystan Merriwether' }),
  ];
  const byline = (n: number) => writers[n % writers.length]!;
  const article = (n: number) => ({
    headline: `Indexed story ${n}`,
    bureau: bureau.slug,
    authors: [byline(n).slug],
    body: `Paragraph about tangelo${n}q and more.\n\nAnother *one*.`,
  });
  const ninjs = (uri: string, version: string, word: string) => ({ ninjs: { uri, version, headline: `Ninjs ${uri}`, body_html: `<p>Text with ${word} in it.</p>` } });
  // Which lines made which articles, for the checks at the end.
  const byWord = new Map<string, number>();
  const expectByline = new Map<number, number[]>();
  const note = (n: number, id: number) => {
    byWord.set(`tangelo${n}q`, id);
    const w = n % writers.length;
    expectByline.set(w, [...(expectByline.get(w) ?? []), id]);
  };

  // 1. An older ninjs item, committed before the file that updates it.
  const [old] = await bulk(t, ctx, [ninjs('urn:idx:old', '1', 'oldword')], `?bureau=${bureau.slug}`);
  t.equal(old!.status, 'created');

  // 2. A clean file, flat slices: new articles, an update of the older item (indexed by the
  // triggers) and an item created and updated within the file (the batch reads its last state).
  const clean = [
    ...Array.from({ length: 60 }, (_, n) => article(n)),
    ninjs('urn:idx:old', '2', 'newword'),
    ninjs('urn:idx:fresh', '1', 'freshone'),
    ninjs('urn:idx:fresh', '2', 'freshtwo'),
    ...Array.from({ length: 20 }, (_, n) => article(60 + n)),
  ];
  const first = await bulk(t, ctx, clean, `?bureau=${bureau.slug}`);
  t.same(first.map((r) => r.status), [...Array(60).fill('created'), 'updated', 'created', 'updated', ...Array(20).fill('created')]);
  for (let n = 0; n < 60; n++) note(n, first[n]!.id!);
  for (let n = 60; n < 80; n++) note(n, first[n + 3]!.id!);
  t.equal(first[60]!.id, old!.id, 'the older item was updated in place');
  const fresh = first[61]!.id!;
  t.equal(first[62]!.id, fresh);

  // 3. A file whose middle line fails when applied (an unknown author): that slice is redone
  // with a savepoint per item, indexed by the triggers; the others are flat.
  const failing = [
    ...Array.from({ length: 30 }, (_, n) => article(100 + n)),
    { ...article(130), authors: ['nobody-by-that-slug'] },
    ...Array.from({ length: 30 }, (_, n) => article(131 + n)),
  ];
  const second = await bulk(t, ctx, failing);
  t.same(second.map((r) => r.status), [...Array(30).fill('created'), 'failed', ...Array(30).fill('created')]);
  for (const [i, r] of second.entries()) if (r.status === 'created') note(100 + i, r.id!);

  t.equal(byWord.size, 140);
  for (const [word, id] of byWord) t.same(await found(ctx, word), [id], `${word} finds its article`);
  t.same(await found(ctx, 'tangelo130q'), [], 'the failed line left nothing in the index');
  for (const [w, ids] of expectByline) {
    const last = writers[w]!.name.split(' ')[1]!;
    t.same(await found(ctx, last), sorted(ids), `the byline ${writers[w]!.name} finds its ${ids.length} articles`);
  }
  t.same(await found(ctx, 'newword'), [old!.id], 'the older item is found by its new text');
  t.same(await found(ctx, 'oldword'), [], 'and not by its old text');
  t.same(await found(ctx, 'freshtwo'), [fresh], 'an item created and updated in one file is found by its last text');
  t.same(await found(ctx, 'freshone'), [], 'and not by its first');

  if (ctx.app.db.engine === 'sqlite') {
    const { writer } = sqliteOf(ctx.app.db);
    t.doesNotThrow(() => writer.prepare(`INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)`).run(), 'FTS5 integrity-check passes');
    const [indexed] = await rawSql<{ n: number }>(ctx.app.db, 'SELECT count(*) AS n FROM articles_fts');
    const [articles] = await rawSql<{ n: number }>(ctx.app.db, 'SELECT count(*) AS n FROM articles');
    t.equal(indexed!.n, articles!.n, 'one index row per article');
    const [mode] = await rawSql<{ after: number | null }>(ctx.app.db, 'SELECT after_article_id AS after FROM search_index_deferral');
    t.equal(mode!.after, null, 'no deferral is left set after the imports');
    const config = await rawSql<{ k: string; v: number }>(ctx.app.db, "SELECT k, v FROM articles_fts_config WHERE k IN ('automerge', 'crisismerge') ORDER BY k");
    t.same(config, [{ k: 'automerge', v: 16 }, { k: 'crisismerge', v: 48 }], 'segments merge 16 at a time, a little per commit (migration 0006)');
  }
});

t.test('an editor create after a bulk import is indexed by the triggers again', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx, { name: 'After Desk' });
  const author = await makeAuthor(ctx, { name: 'Ignatius Pemberton' });
  const [imported] = await bulk(t, ctx, [{ headline: 'Imported', bureau: bureau.slug, authors: [author.slug], body: 'Word kumquatimported here.' }]);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: ctx.auth,
    payload: { headline: 'Written', bureau: bureau.slug, authors: [author.slug], body: 'Word kumquatwritten here.' },
  });
  t.equal(res.statusCode, 201);
  const written = res.json().id as number;
  t.same(await found(ctx, 'kumquatimported'), [imported!.id]);
  t.same(await found(ctx, 'kumquatwritten'), [written]);
  t.same(await found(ctx, 'pemberton'), sorted([imported!.id!, written]));
});

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildTestApp } from './helpers/app.js';
import { makeAuthor, makeBureau } from './helpers/factories.js';
import { bodyTextOf, paragraphsOf, postWire } from './helpers/imports.js';

const dir = new URL('./fixtures/wire/', import.meta.url);
type Expect = { matches?: string; headline: string; standfirst: string | null; desk: string | null; authors: string[]; dateline: string | null; skip: number; warnings: number; crlf: boolean };
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Record<string, Expect>;
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

t.test('the corpus: every story imports with its parts where they belong and its paragraphs as written', async (t) => {
  t.ok(files.length >= 30, `${files.length} stories`);
  const ctx = await buildTestApp(t);
  const fallback = await makeBureau(ctx, { name: 'Wire Desk' });
  for (const file of files) {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const want = expected[file]!;
    t.equal(text.includes('\r\n'), want.crlf, `${file}: line endings as listed`);
    const res = await postWire(ctx, text, `createMissing=true&bureau=${fallback.slug}`);
    t.equal(res.statusCode, 201, `${file}: created (${res.body.slice(0, 200)})`);
    const { article, parsed } = res.json();
    t.equal(article.headline, want.headline, `${file}: headline`);
    t.equal(article.standfirst, want.standfirst, `${file}: standfirst`);
    t.equal(article.dateline, want.dateline, `${file}: dateline`);
    t.equal(article.status, 'draft', `${file}: a draft`);
    t.same(parsed.authors.map((a: { name: string }) => a.name), want.authors, `${file}: authors`);
    t.equal(parsed.bureau.name, want.desk ?? fallback.slug, `${file}: bureau`);
    if (want.matches) {
      t.equal(parsed.bureau.created, false, `${file}: bureau matched to the one ${want.matches} made`);
      t.notOk(parsed.authors.some((a: { created: boolean }) => a.created), `${file}: authors matched`);
    }
    t.equal(parsed.warnings.length, want.warnings, `${file}: warnings ${JSON.stringify(parsed.warnings)}`);
    // Independent of the parser: the wire paragraphs after headline, standfirst and byline,
    // with the dateline taken off the first one.
    const paragraphs = paragraphsOf(text).slice(want.skip);
    if (want.dateline) paragraphs[0] = paragraphs[0]!.slice(want.dateline.length).replace(/^\s*[:：]\s*/u, '');
    t.equal(await bodyTextOf(ctx, article.id), paragraphs.join('\n\n'), `${file}: body renders back to the wire paragraphs`);
  }
});

t.test('bureaus and authors match by name ignoring case, accents and spacing; else 422 naming each', async (t) => {
  const ctx = await buildTestApp(t);
  const story = (byline: string, n: number) => `Talks resume ${n}\n\nA standfirst.\n\n${byline}\n\nGENEVA: Talks resumed.`;
  const missing = await postWire(ctx, story('Geneva Bureau/Ali Çelik and Jane Roe', 1));
  t.equal(missing.statusCode, 422);
  t.same(missing.json().errors.map((e: { path: string }) => e.path), ['body.byline.desk', 'body.byline.authors.0', 'body.byline.authors.1']);
  t.match(missing.json().detail, /createMissing=true/);
  const bureau = await makeBureau(ctx, { name: 'Geneva Bureau' });
  const ali = await makeAuthor(ctx, { name: 'Ali Çelik' });
  const jane = await makeAuthor(ctx, { name: 'Jane Roe' });
  const res = await postWire(ctx, story('GENEVA   bureau/ALI CELIK & jane  roe', 2));
  t.equal(res.statusCode, 201, res.body);
  t.same(res.json().article.authors.map((a: { id: number }) => a.id), [ali.id, jane.id]);
  t.equal(res.json().article.bureau.id, bureau.id);
  t.notOk(res.json().parsed.authors.some((a: { created: boolean }) => a.created), 'nothing created');
});

t.test('the same story twice is one article: the second answer is a replay, CRLF or LF', async (t) => {
  const ctx = await buildTestApp(t);
  const text = 'Dam bursts\n\nA standfirst.\n\nKyiv Bureau/Olena Koval\n\nKYIV: Water flooded the valley.\n\nMore.';
  const first = await postWire(ctx, text, 'createMissing=true');
  t.equal(first.statusCode, 201);
  const again = await postWire(ctx, `${text.replaceAll('\n', '\r\n')}  \r\n\r\n`, 'createMissing=true');
  t.equal(again.statusCode, 200);
  t.equal(again.json().status, 'replayed');
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.json().article.id, first.json().article.id);
  const list = await ctx.app.inject({ url: '/v1/articles?status=draft&total=true', headers: ctx.auth });
  t.equal(list.json().meta.total, 1, 'one article');
});

t.test('roles: writers import onto their own byline only and cannot create bureaus or authors; viewers cannot import', async (t) => {
  const ctx = await buildTestApp(t);
  await makeBureau(ctx, { name: 'Metro Desk' });
  const me = await makeAuthor(ctx, { name: 'Wanda Writer' });
  await makeAuthor(ctx, { name: 'Other Person' });
  const writer = { authorization: `Bearer ${(await createToken(ctx.app.db, { name: 'w', role: 'writer', authorId: me.id })).token}` };
  const viewer = { authorization: `Bearer ${(await createToken(ctx.app.db, { name: 'v', role: 'viewer' })).token}` };
  const story = (byline: string) => `Story by ${byline}\n\nStandfirst.\n\n${byline}\n\nCITY: Body.`;
  t.equal((await postWire(ctx, story('Metro Desk/Wanda Writer'), '', writer)).statusCode, 201, 'own byline');
  t.equal((await postWire(ctx, story('Metro Desk/Other Person'), '', writer)).statusCode, 403, 'someone else’s');
  t.equal((await postWire(ctx, story('Metro Desk/Wanda Writer and New Person'), 'createMissing=true', writer)).statusCode, 403, 'creating an author');
  t.equal((await postWire(ctx, story('Metro Desk/Wanda Writer'), '', viewer)).statusCode, 403, 'viewer');
  t.equal((await postWire(ctx, story('Metro Desk/Wanda Writer'), '', {})).statusCode, 401, 'no token');
});

t.test('bad input is a 4xx that names the problem', async (t) => {
  const ctx = await buildTestApp(t);
  const empty = await postWire(ctx, '  \n\n ');
  t.equal(empty.statusCode, 400);
  t.equal(empty.json().errors[0].path, 'body');
  const nul = await postWire(ctx, 'Head\u0000line\n\nCITY: x');
  t.equal(nul.statusCode, 400);
  const noBureau = await postWire(ctx, 'Headline only\n\nCITY: Body.');
  t.equal(noBureau.statusCode, 422);
  t.equal(noBureau.json().errors[0].path, 'query.bureau');
  const latin1 = await ctx.app.inject({
    method: 'POST',
    url: '/v1/imports/wire',
    headers: { ...ctx.auth, 'content-type': 'text/plain; charset=iso-8859-1' },
    payload: Buffer.from([0x48, 0xe9]),
  });
  t.equal(latin1.statusCode, 415);
  const badUtf8 = await ctx.app.inject({ method: 'POST', url: '/v1/imports/wire', headers: { ...ctx.auth, 'content-type': 'text/plain' }, payload: Buffer.from([0x48, 0xff, 0xfe]) });
  t.equal(badUtf8.statusCode, 400);
  const long = await postWire(ctx, `${'x'.repeat(400)}\n\nDesk/A\n\nCITY: Body.`, 'createMissing=true');
  t.equal(long.statusCode, 400, 'headline over 300 characters');
  t.equal(long.json().errors[0].path, 'body.headline');
  const nothingMade = await ctx.app.inject({ url: '/v1/bureaus', headers: ctx.auth });
  t.equal(nothingMade.json().data.length, 0, 'a refused story created no bureau or author');
});

// Any text: no 5xx, and when it imports, every paragraph comes back exactly (after the
// layout's trimming) from the stored Markdown.
t.test('property: any text imports without a 5xx and round-trips its characters', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx, { name: 'Property Desk' });
  const markdownish = fc.constantFrom('`', '*', '_', '#', '-', '+', '1.', '2)', '>', '<b>', '</i>', '&amp;', '&#42;', '\\', '[', ']', '(', ')', '!', '|', '~', '=', ':', '%20', 'http://', 'xn--', 'www.', '  ', '\t', '\u00a0', 'é', 'ß', '中', 'ש', 'ي', 'क्ष', '😀', '\u200d', ' and ', '/', '\n', '\r\n', '\n\n');
  const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), markdownish), { minLength: 1, maxLength: 40 }).map((parts) => parts.join(''));
  let n = 0;
  await fc.assert(
    fc.asyncProperty(text, async (raw) => {
      const story = `Property headline ${++n}\n\n${raw}`;
      const res = await postWire(ctx, story, `bureau=${bureau.slug}`);
      if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${JSON.stringify(story)}: ${res.body}`);
      if (res.statusCode >= 400) return;
      const { article } = res.json();
      // Whatever the parser took as standfirst, byline and dateline, the body's paragraphs are
      // the text's last paragraphs; together with the parts they hold every character.
      const body = await bodyTextOf(ctx, article.id);
      const all = paragraphsOf(story);
      const bodyParas = body === '' ? [] : body.split('\n\n');
      const tail = all.slice(all.length - bodyParas.length);
      if (article.dateline && tail.length > 0) tail[0] = tail[0]!.slice(tail[0]!.indexOf(article.dateline) + article.dateline.length).replace(/^\s*[:：]\s*/u, '');
      if (bodyParas.join('\n\n') !== tail.join('\n\n')) {
        throw new Error(`round trip broke for ${JSON.stringify(story)}:\n got ${JSON.stringify(body)}\nwant ${JSON.stringify(tail.join('\n\n'))}`);
      }
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20251126) },
  );
  t.pass('no 5xx, characters round-trip');
});

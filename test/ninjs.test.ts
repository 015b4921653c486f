import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import t from 'tap';
import { byline } from '../src/modules/ninjs/ninjs.service.js';
import { buildTestApp, testConfig } from './helpers/app.js';
import { change } from './helpers/factories.js';
import { smallNewsroom } from './helpers/newsroom.js';

// The IPTC's own schema, vendored (see test/fixtures/ninjs/README.md); strict about the root.
const schema = JSON.parse(readFileSync(new URL('./fixtures/ninjs/ninjs-schema_3.3.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'https://geojson.org/schema/GeoJSON.json' }); // referenced for places[].geoJSON; never emitted
const validate = ajv.compile(schema);
const valid = (t: import('tap').Test, doc: unknown, what: string) => t.ok(validate(doc), `${what} validates against ninjs 3.3: ${ajv.errorsText(validate.errors)}`);

t.test('the vendored schema is the strict IPTC one', async (t) => {
  t.notOk(validate({ uri: 'tag:x.example,2026-01-01:article:1', dateline: 'extra' }), 'nothing beyond the standard at the root');
  t.ok(validate({ uri: 'tag:x.example,2026-01-01:article:1' }));
});

t.test('an article as a ninjs news item', async (t) => {
  const site = { ...testConfig('/tmp').site, url: 'https://news.example.com', name: 'The Example Times' };
  const ctx = await buildTestApp(t, { site });
  const n = await smallNewsroom(ctx);

  const res = await ctx.app.inject({ url: `/v1/articles/${n.lead.slug}/ninjs` });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.match(res.headers['surrogate-key'], new RegExp(`article-${n.lead.id}`));
  const item = res.json();
  valid(t, item, 'the article');
  t.match(item, {
    uri: `tag:news.example.com,${n.lead.createdAt.slice(0, 10)}:article:${n.lead.id}`,
    type: 'text',
    version: String(n.lead.version + 1),
    pubStatus: 'usable',
    language: 'en',
    headlines: [{ role: 'main', value: 'Subway slow zones halved' }],
    descriptions: [{ role: 'summary', value: 'Officials credit track work.' }],
    by: 'Ali Çelik and Jane Q. Reporter',
    people: [
      { name: 'Ali Çelik', rel: 'author', uri: `https://news.example.com/authors/${n.ali.slug}` },
      { name: 'Jane Q. Reporter', rel: 'author' },
    ],
    located: 'New York',
    subjects: [{ name: 'Transit', literal: n.tag.slug }],
    renditions: [{ name: 'web', href: `https://news.example.com/${n.bureau.slug}/${n.lead.slug}` }],
    associations: [{ name: 'featureimage', type: 'picture', renditions: [{ href: 'https://img.example.com/subway.jpg', contentType: 'image/jpeg' }] }],
    standard: { name: 'ninjs', version: '3.3', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.3.json#' },
  });
  const [html, text] = item.bodies;
  t.match(html, { contentType: 'text/html', value: /<p>/ });
  t.match(text, { contentType: 'text/plain' });
  t.equal(text.charCount, [...text.value].length);
  t.ok(text.wordCount > 5);

  const list = await ctx.app.inject({ url: `/v1/ninjs/articles?limit=5&bureau=${n.bureau.slug}` });
  t.equal(list.statusCode, 200);
  const items = list.json().data as unknown[];
  t.equal(items.length, 2, 'the two published articles, not the draft');
  items.forEach((x, i) => valid(t, x, `list item ${i}`));
  t.notMatch(list.body, /Secret draft/);

  t.test('drafts never leak, with or without a token', async (t) => {
    t.equal((await ctx.app.inject({ url: `/v1/articles/${n.draft.id}/ninjs` })).statusCode, 404);
    t.equal((await ctx.app.inject({ url: `/v1/articles/${n.draft.id}/ninjs`, headers: ctx.auth })).statusCode, 404);
    t.equal((await change(ctx, 'POST', `/v1/articles/${n.second.id}/unpublish`)).statusCode, 200);
    t.equal((await ctx.app.inject({ url: `/v1/articles/${n.second.id}/ninjs` })).statusCode, 404);
    t.equal((await ctx.app.inject({ url: '/v1/ninjs/articles' })).json().data.length, 1);
  });

  t.test('without SITE_URL the item still validates (no page links)', async (t) => {
    const bare = await buildTestApp(t);
    const m = await smallNewsroom(bare);
    const doc = (await bare.app.inject({ url: `/v1/articles/${m.second.id}/ninjs` })).json();
    valid(t, doc, 'an item without an image or a site');
    t.equal(doc.renditions, undefined);
  });
});

t.test('byline wording', async (t) => {
  t.equal(byline(['A']), 'A');
  t.equal(byline(['A', 'B']), 'A and B');
  t.equal(byline(['A', 'B', 'C']), 'A, B and C');
});

import t from 'tap';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildTestApp } from './helpers/app.js';
import { makeAuthor, makeBureau, makeTag, publish } from './helpers/factories.js';
import { bodyTextOf, postNinjs } from './helpers/imports.js';

// One item in each major version's shape, as agencies deliver them (see iptc/newsinjson).
const v1 = {
  uri: 'http://ninjs.example.com/newsitems/20130709med123',
  type: 'text',
  version: '1',
  versioncreated: '2013-07-09T10:37:00Z',
  language: 'en',
  byline: 'Paulo Santalucia and Frances d’Emilio',
  located: 'Grosseto, Italy',
  headline: 'Captain of wrecked cruise ship on trial in Italy',
  description_text: 'The trial opens in a theatre converted into a courtroom.',
  body_xhtml:
    '<p>GROSSETO, Italy (AP) -- The trial of the captain has begun &amp; <b>survivors</b> came.</p><script>alert(1)</script><p onclick="steal()">Pepe said *some* 1,000 witnesses <a href="javascript:alert(1)">may</a> testify &lt;b&gt;.</p>',
};
const v2 = {
  uri: 'urn:newsml:dpa.com:20090101:190510-99-167362',
  version: '2',
  versioncreated: '2019-05-10T16:02:28+02:00',
  pubstatus: 'usable',
  copyrightholder: 'dpa',
  language: 'de',
  bodies: [{ role: 'html', contenttype: 'text/html', value: '<section class="main"><p>Für Lucien Favre war es «der größte Skandal im Fußball».</p><p># Nicht-Überschrift und `Zitat` mit 2:4.</p><iframe src="https://evil.example"></iframe></section>' }],
  headlines: [{ role: 'main', value: 'Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?' }],
  by: 'Von Christian Hollmann, dpa',
  subjects: [{ name: 'Fußball', uri: 'medtop:15054000' }, { name: 'Unknown subject' }],
};
const v3 = {
  uri: 'http://ninjs.example.com/newsitems/20130709simp123',
  type: 'text',
  versionCreated: '2013-07-09T10:37:00Z',
  language: 'ja',
  by: '山田太郎 & 佐藤花子',
  located: '東京',
  headlines: [{ role: 'main', value: '日銀、金融政策を据え置き' }],
  descriptions: [{ role: 'summary', contentType: 'text/html', value: '<p>長期金利の上限は<b>1％</b>を目安とする。</p>' }],
  bodies: [
    { role: 'main', contentType: 'text/plain', value: '日本銀行は現行の緩和策の維持を決めた。\n\n植田総裁は「粘り強く緩和を続ける」と述べた。' },
    { role: 'richtext', contentType: 'text/html', value: '<p>日本銀行は現行の緩和策の維持を決めた。</p><p>植田総裁は「粘り強く緩和を続ける」と述べた。</p><style>p{}</style>' },
  ],
};

t.test('ninjs 1.x, 2.x and 3.x items become drafts with their uri, HTML sanitised and every character of the text kept', async (t) => {
  const ctx = await buildTestApp(t);
  const wire = await makeBureau(ctx, { name: 'Agency Wire' });
  await makeTag(ctx, { name: 'FUẞBALL' }); // the subject "Fußball", in another case

  const one = await postNinjs(ctx, v1, `bureau=${wire.slug}&createMissing=true`);
  t.equal(one.statusCode, 201, one.body);
  t.equal(one.json().article.headline, v1.headline);
  t.equal(one.json().article.dateline, 'Grosseto, Italy');
  t.equal(one.json().article.standfirst, v1.description_text);
  t.same(one.json().parsed.authors.map((a: { name: string }) => a.name), ['Paulo Santalucia', 'Frances d’Emilio']);
  const text1 = await bodyTextOf(ctx, one.json().article.id);
  t.equal(text1, 'GROSSETO, Italy (AP) -- The trial of the captain has begun & survivors came.\n\nPepe said *some* 1,000 witnesses may testify <b>.');
  const html1 = (await ctx.app.inject({ url: `/v1/articles/${one.json().article.id}?formats=html`, headers: ctx.auth })).json().bodyHtml as string;
  t.notMatch(html1, /script|onclick|javascript|steal/);
  t.match(html1, /<strong>survivors<\/strong>/);

  const two = await postNinjs(ctx, v2, 'createMissing=true');
  t.equal(two.statusCode, 201, two.body);
  t.equal(two.json().article.language, 'de');
  t.equal(two.json().article.bureau.name, 'dpa', 'copyrightholder as the bureau');
  t.same(two.json().parsed.authors.map((a: { name: string }) => a.name), ['Christian Hollmann'], '"Von …, dpa": the agency is not an author');
  t.same(two.json().article.tags.map((x: { name: string }) => x.name), ['FUẞBALL'], 'subjects matching tags by name');
  t.match(two.json().parsed.warnings.join(' '), /Unknown subject/);
  t.equal(await bodyTextOf(ctx, two.json().article.id), 'Für Lucien Favre war es «der größte Skandal im Fußball».\n\n# Nicht-Überschrift und `Zitat` mit 2:4.');

  const three = await postNinjs(ctx, v3, `bureau=${wire.slug}&createMissing=true`);
  t.equal(three.statusCode, 201, three.body);
  t.equal(three.json().article.standfirst, '長期金利の上限は1％を目安とする。');
  t.same(three.json().parsed.authors.map((a: { name: string }) => a.name), ['山田太郎', '佐藤花子']);
  t.equal(await bodyTextOf(ctx, three.json().article.id), '日本銀行は現行の緩和策の維持を決めた。\n\n植田総裁は「粘り強く緩和を続ける」と述べた。');
});

t.test('a newer version updates the same draft; the same item replays; an older one is a 409', async (t) => {
  const ctx = await buildTestApp(t);
  await makeBureau(ctx, { name: 'dpa' });
  await makeAuthor(ctx, { name: 'Christian Hollmann' });
  const first = await postNinjs(ctx, v2);
  t.equal(first.statusCode, 201, first.body);
  const id = first.json().article.id;
  const replay = await postNinjs(ctx, v2);
  t.equal(replay.statusCode, 200);
  t.equal(replay.json().status, 'replayed');
  const v3item = { ...v2, version: '3', versioncreated: '2019-05-10T17:00:00+02:00', headlines: [{ role: 'main', value: 'Faktencheck (aktualisiert)' }] };
  const newer = await postNinjs(ctx, v3item);
  t.equal(newer.statusCode, 200, newer.body);
  t.equal(newer.json().status, 'updated');
  t.equal(newer.json().article.id, id, 'the same article');
  t.equal(newer.json().article.headline, 'Faktencheck (aktualisiert)');
  t.equal(newer.json().article.version, 2);
  const older = await postNinjs(ctx, { ...v2, version: '1', headlines: [{ role: 'main', value: 'Old' }] });
  t.equal(older.statusCode, 409);
  t.match(older.json().detail, /Version 1 of urn:newsml:dpa\.com.* is not newer than the imported version 3/);
  const count = await ctx.app.inject({ url: '/v1/articles?status=draft&total=true', headers: ctx.auth });
  t.equal(count.json().meta.total, 1, 'never duplicated');
});

t.test('updates follow the update rules: a writer only on their own draft, never on a published article', async (t) => {
  const ctx = await buildTestApp(t);
  await makeBureau(ctx, { name: 'dpa' });
  const me = await makeAuthor(ctx, { name: 'Christian Hollmann' });
  const writer = { authorization: `Bearer ${(await createToken(ctx.app.db, { name: 'w', role: 'writer', authorId: me.id })).token}` };
  const other = await makeAuthor(ctx, { name: 'Someone Else' });
  const otherWriter = { authorization: `Bearer ${(await createToken(ctx.app.db, { name: 'o', role: 'writer', authorId: other.id })).token}` };
  const created = await postNinjs(ctx, v2, '', writer);
  t.equal(created.statusCode, 201, created.body);
  const next = (v: string) => ({ ...v2, version: v });
  t.equal((await postNinjs(ctx, next('3'), '', otherWriter)).statusCode, 403, 'not their byline');
  t.equal((await postNinjs(ctx, next('3'), '', writer)).statusCode, 200, 'their own draft');
  await publish(ctx, created.json().article.id);
  const live = await postNinjs(ctx, next('4'), '', writer);
  t.equal(live.statusCode, 403, 'a published article changes through an editor');
  t.equal((await postNinjs(ctx, next('4'))).statusCode, 200, 'an editor (admin) may');
});

t.test('bad items are 4xx naming the field', async (t) => {
  const ctx = await buildTestApp(t);
  const noUri = await postNinjs(ctx, { headline: 'x' });
  t.equal(noUri.statusCode, 400);
  t.equal(noUri.json().errors[0].path, 'body.uri');
  const noHeadline = await postNinjs(ctx, { uri: 'urn:x' });
  t.equal(noHeadline.statusCode, 400);
  t.equal(noHeadline.json().errors[0].path, 'body.headlines');
  const noBureau = await postNinjs(ctx, { uri: 'urn:y', headline: 'h' });
  t.equal(noBureau.statusCode, 422);
  t.equal(noBureau.json().errors[0].path, 'query.bureau');
});

import t from 'tap';
import { countWords, readingMinutes, renderHtml, renderText } from '../src/lib/markdown.js';
import { slugFrom, uniqueSlug } from '../src/lib/slug.js';
import { decodeCursor, encodeCursor } from '../src/lib/cursor.js';

t.test('slugs transliterate and never look like ids', async (t) => {
  t.equal(slugFrom('Brasília approves a new fiscal framework', 'article'), 'brasilia-approves-a-new-fiscal-framework');
  t.equal(slugFrom('São Paulo — “Quotes” & Dashes', 'article'), 'sao-paulo-quotes-and-dashes');
  t.equal(slugFrom('Москва', 'article'), 'moskva');
  t.equal(slugFrom('2026', 'article'), 'article-2026');
  t.equal(slugFrom('!!!', 'bureau'), 'bureau');
  t.equal(uniqueSlug('a', new Set(['a', 'a-2'])), 'a-3');
  t.equal(uniqueSlug('b', new Set(['a'])), 'b');
});

t.test('markdown renders to sanitised HTML', async (t) => {
  const hostile = [
    '<script>alert(1)</script>',
    '[click](javascript:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD4=)',
    '<img src=x onerror=alert(1)>',
    '![x](javascript:alert(1))',
    '<svg onload=alert(1)>',
  ].join('\n\n');
  const html = renderHtml(hostile);
  t.notMatch(html, /<script/i);
  // Refused links stay as harmless escaped text; what matters is that no attribute carries them.
  t.notMatch(html, /(href|src)\s*=\s*["']?\s*(javascript|data):/i);
  t.notMatch(html, /<a /i);
  t.notMatch(html, /<img[^>]*onerror/i);
  t.notMatch(html, /<svg/i);
  t.match(renderHtml('**bold** and [link](https://example.com)'), '<strong>bold</strong> and <a href="https://example.com">link</a>');
});

t.test('plain text keeps every character as written', async (t) => {
  const md = 'Lisbon: “Curly” and ‘single’ and `back-ticks` — em – en.\n\n> ‘A quoted line,’ she said.';
  t.equal(renderText(md), 'Lisbon: “Curly” and ‘single’ and back-ticks — em – en.\n\n‘A quoted line,’ she said.');
  t.equal(renderHtml('“Quotes” -- and \'straight\''), '<p>“Quotes” -- and \'straight\'</p>\n');
});

t.test('word count and reading time', async (t) => {
  t.equal(countWords('One two, three — four.'), 4);
  t.ok(countWords('東京で地震があった') > 1, 'counts words in scripts without spaces');
  // The segmenter is superlinear on long input: long text must stay fast (was 10–20 s).
  const started = performance.now();
  t.equal(countWords('Word '.repeat(20_000) + '東'), 20_001);
  t.ok(countWords('東京で地震があった。'.repeat(12_000)) > 12_000);
  t.ok(performance.now() - started < 2000, 'long mixed and Japanese bodies are counted in well under 2 s');
  t.equal(readingMinutes(0), 0);
  t.equal(readingMinutes(1), 1);
  t.equal(readingMinutes(231), 2);
});

t.test('cursors round-trip and reject garbage', async (t) => {
  const c = { sort: '-publishedAt', key: '2026-01-01T00:00:00.000Z', id: 7 };
  t.same(decodeCursor(encodeCursor(c)), c);
  t.equal(decodeCursor('not-a-cursor'), null);
  t.equal(decodeCursor(Buffer.from('[1,2,3]').toString('base64url')), null);
  t.equal(decodeCursor(Buffer.from('{"a":1}').toString('base64url')), null);
});

t.test('search input becomes a safe FTS5 query', async (t) => {
  const { toFtsQuery, snippetHtml, HIT_START, HIT_END } = await import('../src/lib/fts-query.js');
  t.equal(toFtsQuery('brasilia'), '"brasilia"');
  t.equal(toFtsQuery('fiscal frame*'), '"fiscal" "frame"*');
  t.equal(toFtsQuery('"new fiscal framework" vote'), '"new fiscal framework" "vote"');
  t.equal(toFtsQuery('a AND b OR NOT c NEAR(d)'), '"a" "AND" "b" "OR" "NOT" "c" "NEAR(d)"');
  t.equal(toFtsQuery('headline:x "unclosed'), '"headline:x" "unclosed"');
  t.equal(toFtsQuery('say "hi""'), '"say" "hi"');
  t.equal(toFtsQuery('*** "" - ()'), null);
  t.equal(toFtsQuery('   '), null);
  t.equal(snippetHtml(`a <b> ${HIT_START}hit${HIT_END} & "q"`), 'a &lt;b&gt; <mark>hit</mark> &amp; &quot;q&quot;');
});

t.test('a wire dateline is a place, not an editorial label', async (t) => {
  const { splitDateline } = await import('../src/lib/wire.js');
  const place = (p: string) => splitDateline(p)?.dateline.place ?? null;
  t.equal(place('Washington: Over three years'), 'Washington');
  t.equal(place('São Paulo: Rain fell'), 'São Paulo');
  t.equal(place('北京：新华社记者'), '北京');
  t.equal(place('NEW DELHI, June 15 (IANS): The'), 'NEW DELHI');
  for (const label of ['Note: this story was updated', 'Update: more details', 'UPDATE: more', 'Correction: An earlier version', "Editor's note: this", 'Q: What now?', 'Hinweis: Die Meldung', 'Примечание: текст']) {
    t.equal(splitDateline(label), null, label);
  }
  t.equal(place('Update, June 3 (AP): with a date and an agency it is one'), 'Update');
});

t.test('agency HTML emphasis renders as emphasis in any script, never as literal stars', async (t) => {
  const { htmlToMarkdown } = await import('../src/lib/html-to-markdown.js');
  const cases: [string, string, RegExp][] = [
    ['<p>東京<strong>強調</strong>です</p>', '東京強調です', /<strong>強調<\/strong>/],
    ['<p><strong>「引用」</strong>テスト</p>', '「引用」テスト', /<strong>引用<\/strong>/],
    ['<p>これは<b>「重要」</b>な話</p>', 'これは「重要」な話', /<strong>重要<\/strong>/],
    ['<p>中文<em>斜体</em>文字</p>', '中文斜体文字', /<em>斜体<\/em>/],
    ['<p><strong>北京：</strong>新华社</p>', '北京：新华社', /<strong>北京<\/strong>/],
    ['<p>a <b>bold</b> and <i>it</i>.</p>', 'a bold and it.', /<strong>bold<\/strong> and <em>it<\/em>/],
    ['<p><b>&lt;tag&gt;</b>テスト</p>', '<tag>テスト', /<strong>tag<\/strong>/],
  ];
  for (const [html, text, markup] of cases) {
    const md = htmlToMarkdown(html);
    t.equal(renderText(md), text, `${html}: every character, no stars or underscores`);
    t.match(renderHtml(md), markup, `${html}: emphasis kept`);
  }
});

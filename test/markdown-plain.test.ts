import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { paragraphsToMarkdown } from '../src/lib/markdown-escape.js';
import { plainParagraphs, renderBody, renderMarkdown } from '../src/lib/markdown.js';
import { parseWire } from '../src/lib/wire.js';

// renderBody skips markdown-it for plain-text bodies (src/lib/markdown.ts, plainParagraphs):
// these hold that shortcut to markdown-it's own output, byte for byte, and show it is taken.

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seed = Number(process.env.FUZZ_SEED ?? 20261126);

// Pieces wire copy and Markdown are made of, links and look-alikes included: what must
// either take the shortcut to the same bytes or go through markdown-it.
const piece = fc.constantFrom(
  '`', '*', '_', '#', '-', '+', '1.', '2)', '>', '<b>', '</i>', '&amp;', '&#42;', '&copy;', '\\', '\\*', '[', ']', '(', ')', '!', '|', '~', '=', ':', '"', "'",
  '%20', 'http://', 'https://example.com/a_b', 'www.', 'www.example.org', 'example.com', 'news.co.uk/x', 'a@b.org', 'mailto:x@y.io', '//cdn.example.net',
  'ftp://files.example', 'xn--', 'xn--bcher-kva.example', 'U.S.', 'e.g.', '...', '1,000.5', ' ', '  ', '\t', '\u00a0', '\u2028', '\u3000', '\r', '\f', '\v',
  'é', 'ß', '中', 'ש', 'ي', 'क्ष', '😀', '\u200d', ' and ', '/', '\n', '\n\n', 'word', 'Lisbon: ',
);
const raw = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), piece, piece), { minLength: 0, maxLength: 30 }).map((parts) => parts.join(''));
// Paragraphs under escapeMarkdown's contract, as the wire reader and ninjs leave them.
const paragraph = raw
  .map((p) => p.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n'))
  .filter((p) => p !== '' && !p.includes('\0'));

function same(body: string) {
  const got = JSON.stringify(renderBody(body));
  const want = JSON.stringify(renderMarkdown(body));
  if (got !== want) throw new Error(`renderBody(${JSON.stringify(body)}):\n got ${got}\nwant ${want}`);
}

t.test('property: the shortcut renders escaped paragraphs exactly as markdown-it does', async (t) => {
  let plain = 0;
  fc.assert(
    fc.property(fc.array(paragraph, { minLength: 1, maxLength: 5 }), (paragraphs) => {
      const body = paragraphsToMarkdown(paragraphs);
      const taken = plainParagraphs(body);
      if (taken) {
        plain++;
        if (taken.join('\n\n') !== paragraphs.join('\n\n')) throw new Error(`shortcut paragraphs differ for ${JSON.stringify(body)}`);
      }
      same(body);
    }),
    { numRuns: runs, seed },
  );
  t.ok(plain > runs / 3, `the shortcut was taken for ${plain} of ${runs} bodies`);
});

t.test('property: any Markdown renders as markdown-it does, shortcut or not', async (t) => {
  let plain = 0;
  fc.assert(
    fc.property(raw, (body) => {
      if (plainParagraphs(body)) plain++;
      same(body);
    }),
    { numRuns: runs, seed },
  );
  t.ok(plain > 0, `some raw bodies are plain text (${plain} of ${runs})`);
});

t.test('the wire corpus takes the shortcut and renders as markdown-it does', async (t) => {
  const dir = new URL('./fixtures/wire/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
  t.ok(files.length >= 30, `${files.length} stories`);
  for (const file of files) {
    const body = paragraphsToMarkdown(parseWire(readFileSync(new URL(file, dir), 'utf8')).paragraphs);
    t.ok(plainParagraphs(body), `${file}: plain text`);
    t.strictSame(renderBody(body), renderMarkdown(body), file);
  }
});

t.test('text that linkify turns into links goes through markdown-it and keeps its links', async (t) => {
  for (const [text, href] of [
    ['Write to desk@example.org with tips.', 'mailto:desk@example.org'],
    ['Tips: mailto:desk@example.org or the desk', 'mailto:desk@example.org'],
    ['Two lines\nthen news@wire.example.com.', 'mailto:news@wire.example.com'],
  ] as const) {
    const body = paragraphsToMarkdown([text]);
    t.equal(plainParagraphs(body), null, `${text}: not plain`);
    const r = renderBody(body);
    t.match(r.bodyHtml, `<a href="${href}">`, `${text}: linked`);
    t.equal(r.bodyText, text, `${text}: text as typed`);
  }
  t.equal(plainParagraphs('**bold** text'), null, 'Markdown markup is not plain text');
  t.equal(plainParagraphs('one\n\n\ntwo'), null, 'an empty line is a paragraph break, not text');
  t.equal(plainParagraphs(''), null, 'an empty body is no paragraph');
  t.equal(plainParagraphs('Tom & Jerry'), null, 'an unescaped `&` could open an entity: not plain');
  t.strictSame(plainParagraphs('A \\*starred\\* \\<word\\> \\& "quotes"\nsecond line\n\nNext'), ['A *starred* <word> & "quotes"\nsecond line', 'Next']);
  t.equal(renderBody('A \\<b\\> \\& "q"').bodyHtml, '<p>A &lt;b&gt; &amp; "q"</p>\n');
});

import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { escapeMarkdown } from './markdown-escape.js';

// Raw HTML in the Markdown is escaped rather than passed through, and typographer is off
// so quotes and dashes stay exactly as the reporter typed them. The sanitiser is a second
// line of defence: it also drops `javascript:`/`data:` links that Markdown allows.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
type Token = ReturnType<typeof md.parse>[number];

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title'], ol: ['start'], code: ['class'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
};

export function renderHtml(markdown: string): string {
  return htmlOf(md.parse(markdown, {}));
}

/** Plain text: one paragraph per block, inline markup dropped, characters untouched. */
export function renderText(markdown: string): string {
  return textOf(md.parse(markdown, {}));
}

/** What is stored beside the Markdown, so reads never render. */
export type Rendered = { body: string; bodyHtml: string; bodyText: string; wordCount: number };

/**
 * Every rendering of a body: plain-text bodies straight from their paragraphs (see
 * plainParagraphs), any other from one parse. A parse's cost grows with the body (about 2 µs
 * a character for prose, 9 µs for the worst nesting we found), so callers that take bodies
 * from the network run it off the event loop with a time budget: see src/workers/pool.ts.
 */
export function renderBody(body: string): Rendered {
  const plain = plainParagraphs(body);
  if (!plain) return renderMarkdown(body);
  const bodyText = plain.join('\n\n');
  return { body, bodyHtml: plain.map((p) => `<p>${escapeText(p)}</p>\n`).join(''), bodyText, wordCount: countWords(bodyText) };
}

/** Every rendering of a body from one markdown-it parse, whatever the body. */
export function renderMarkdown(body: string): Rendered {
  const tokens = md.parse(body, {});
  const bodyText = textOf(tokens);
  return { body, bodyHtml: htmlOf(tokens), bodyText, wordCount: countWords(bodyText) };
}

// A backslash escape (of ASCII punctuation, as CommonMark defines it); a text piece that
// markdown-it's linkify scans ends at each one, and at each line break.
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
const PIECE_END = /\\[!-/:-@[-`{-~]|\n/;
// Leading or trailing whitespace on a line (markdown-it trims or reads it as a hard break),
// CR (a line break to markdown-it), NUL (U+FFFD to it), or an empty line (a paragraph break).
const NOT_BARE = /^\s|\s$|^$|[\r\0]/mu;
// What markdown-it's renderer escapes in text and sanitize-html, parsing that and writing it
// back, escapes again: `"` it leaves as typed.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escapeText = (text: string) => text.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]!);

/**
 * The paragraphs of a body that is plain text escaped by paragraphsToMarkdown (wire and
 * plain-text ninjs bodies, most bulk-imported lines), or null. Such a body renders to those
 * paragraphs as typed, each one `<p>` of escaped text, so it needs neither markdown-it's
 * parse nor the sanitiser (which finds only `<p>` and escaped text to keep): that took the
 * pool threads' CPU per imported wire line from ~0.9 ms to ~0.55 ms. Recognised exactly: a
 * block counts only if escaping its unescaped text gives the block back, the text obeys
 * escapeMarkdown's contract, and no piece of text markdown-it would scan holds a link for
 * linkify (a domain or an address); any other body goes through markdown-it. test/markdown-plain.test.ts holds both paths to the same bytes.
 */
export function plainParagraphs(body: string): string[] | null {
  const paragraphs: string[] = [];
  for (const block of body.split('\n\n')) {
    const text = block.replace(ESCAPED, '$1');
    if (NOT_BARE.test(text) || escapeMarkdown(text) !== block) return null;
    // markdown-it's own test first: it scans no piece of a block that fails it.
    if (md.linkify.test(block) && block.split(PIECE_END).some((piece) => md.linkify.test(piece))) return null;
    paragraphs.push(text);
  }
  return paragraphs;
}

const htmlOf = (tokens: Token[]) => sanitizeHtml(md.renderer.render(tokens, md.options, {}), sanitizeOptions);

function textOf(tokens: Token[]): string {
  const blocks: string[] = [];
  for (const token of tokens) {
    if (token.type === 'inline') blocks.push(inlineText(token.children ?? []));
    else if (token.type === 'fence' || token.type === 'code_block') blocks.push(token.content.replace(/\n$/, ''));
  }
  return blocks.filter((b) => b.length > 0).join('\n\n');
}

function inlineText(children: Token[]): string {
  let out = '';
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') out += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') out += '\n';
    else if (child.type === 'image') out += inlineText(child.children ?? []);
  }
  return out;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
// Scripts written without spaces between words: only these need the (slow) segmenter.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’.-][\p{L}\p{N}\p{M}]+)*/gu;

/**
 * Counts words. Text in spaced scripts is counted with one regular expression; text with
 * Chinese, Japanese, Thai and the like goes through Intl.Segmenter, which knows where their
 * words end. The segmenter's cost grows faster than linearly with input length on Node 20
 * (120,000 characters took 20 s), so it only ever sees pieces of at most CHUNK characters,
 * cut at whitespace where there is some: a word split at a hard cut is counted twice, at
 * most once per CHUNK characters.
 */
const CHUNK = 1024;

export function countWords(text: string): number {
  if (!UNSPACED.test(text)) return text.match(WORD)?.length ?? 0;
  let n = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + CHUNK, text.length);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space + 1;
    }
    const piece = text.slice(start, end);
    if (UNSPACED.test(piece)) {
      for (const seg of segmenter.segment(piece)) if (seg.isWordLike) n++;
    } else n += piece.match(WORD)?.length ?? 0;
    start = end;
  }
  return n;
}

export const WORDS_PER_MINUTE = 230;
export const readingMinutes = (words: number) => (words === 0 ? 0 : Math.max(1, Math.ceil(words / WORDS_PER_MINUTE)));

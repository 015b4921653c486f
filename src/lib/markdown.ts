import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

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
 * Every rendering of a body from one parse. Its cost grows with the body (about 2 µs a
 * character for prose, 9 µs for the worst nesting we found), so callers that take bodies
 * from the network run it off the event loop with a time budget: see src/workers/pool.ts.
 */
export function renderBody(body: string): Rendered {
  const tokens = md.parse(body, {});
  const bodyText = textOf(tokens);
  return { body, bodyHtml: htmlOf(tokens), bodyText, wordCount: countWords(bodyText) };
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

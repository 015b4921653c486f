import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';
import { escapeMarkdown } from './markdown-escape.js';

// Agency HTML is sanitised first (scripts, styles, frames, event handlers and unsafe URLs
// go, with their content where that content is code), then turned into Markdown. Text is
// escaped with the project's own escaper, so it renders back exactly as the HTML showed it.
const safe: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'a', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'hr', 'section', 'div', 'span'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
};

const turndown = new TurndownService({
  headingStyle: 'atx',
  bulletListMarker: '-',
  codeBlockStyle: 'fenced',
  // `*`, not `_`: CommonMark never reads `_` inside a word as emphasis, and Chinese or
  // Japanese text has no spaces between words (`中文_斜体_文字` would show its underscores).
  emDelimiter: '*',
  strongDelimiter: '**',
});
turndown.escape = escapeMarkdown;

// CommonMark reads `**` as closing only if it is not between punctuation and a letter, so
// `**「引用」**テスト` keeps its stars. Punctuation (and escapes) at either end of the
// emphasised text go outside it, `「**引用**」テスト`: every character stays, only the
// brackets lose their bold.
// Only escaped characters and non-ASCII punctuation move: bare ASCII punctuation there is
// Markdown that turndown wrote (a link's brackets, a nested emphasis) and stays put.
const EDGE_START = /^(?:\\[!-/:-@[-`{-~]|(?![\0-\x7f])[\p{P}\p{S}])+/u;
const EDGE_END = /(?:\\[!-/:-@[-`{-~]|(?![\0-\x7f])[\p{P}\p{S}])+$/u;
const emphasis = (delimiter: string) => (content: string) => {
  const lead = EDGE_START.exec(content)?.[0] ?? '';
  const inner = content.slice(lead.length);
  const tail = EDGE_END.exec(inner)?.[0] ?? '';
  const core = inner.slice(0, inner.length - tail.length);
  return core === '' ? content : `${lead}${delimiter}${core}${delimiter}${tail}`;
};
turndown.addRule('strong', { filter: ['strong', 'b'], replacement: emphasis('**') });
turndown.addRule('emphasis', { filter: ['em', 'i'], replacement: emphasis('*') });

export function htmlToMarkdown(html: string): string {
  return turndown.turndown(sanitizeHtml(html, safe)).trim();
}

// For fields that hold plain text (a standfirst): inline markup keeps only its text, so no
// `**` survives where CommonMark would not read it as emphasis (e.g. `は**1％**を` in Japanese).
const plain = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-' });
plain.escape = escapeMarkdown;
plain.addRule('textOnly', { filter: ['strong', 'b', 'em', 'i', 'code', 'a', 'span'], replacement: (content) => content });

/** HTML as Markdown with inline markup reduced to its text; `renderText` of it is the text. */
export function htmlToPlainMarkdown(html: string): string {
  return plain.turndown(sanitizeHtml(html, safe)).trim();
}

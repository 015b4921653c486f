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
  emDelimiter: '_',
  strongDelimiter: '**',
});
turndown.escape = escapeMarkdown;

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

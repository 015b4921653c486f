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

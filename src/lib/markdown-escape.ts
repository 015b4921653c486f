/**
 * Escapes plain text so that, read as Markdown by src/lib/markdown.ts, it renders as typed:
 * `renderText(escapeMarkdown(p)) === p` for any paragraph `p` whose lines carry no leading
 * or trailing whitespace (markdown-it trims those) and no NUL (it becomes U+FFFD).
 *
 * Hand-written on purpose: the `markdown-escape` package escapes neither `\`, `&`, `~` and
 * `|` (markdown-it's entities, strikethrough and tables) nor line-start markers (`- `, `+`,
 * `1.`, `=`), and turndown's escaper has the same gaps, so both let wire copy turn into
 * markup. CommonMark lets any ASCII punctuation be backslash-escaped, so over-escaping is
 * always safe; only what markdown-it could read as markup is escaped, to keep bodies legible.
 */

// Inline markup anywhere in a line: code spans, emphasis, links and images, autolinks and
// entities, strikethrough, table cells, escapes themselves. `%` is escaped because linkify
// would percent-decode a URL's text (`%20` → space); escapes split the text it scans.
const INLINE = /[\\`*_[\]<>&~|%]/g;
// Block markers at the start of a line: headings, lists, blockquotes, setext underlines.
const LINE_START = /^([#+=-])/;
const ORDERED = /^(\d{1,9})([.)])/;
// linkify shows `xn--` host names decoded to Unicode; splitting the `--` keeps them as typed.
const PUNYCODE = /(xn-)(-)/gi;
// markdown-it links `scheme://…` from the raw source, escapes included; an escaped colon stops it.
const SCHEME = /:(?=\/\/)/g;

export function escapeMarkdownLine(line: string): string {
  return line
    .replace(INLINE, '\\$&')
    .replace(PUNYCODE, '$1\\$2')
    .replace(SCHEME, '\\:')
    .replace(LINE_START, '\\$1')
    .replace(ORDERED, '$1\\$2');
}

/** Each line escaped; lines keep their line breaks (soft breaks render back as `\n`). */
export const escapeMarkdown = (text: string): string => text.split('\n').map(escapeMarkdownLine).join('\n');

/** Paragraphs of plain text as a Markdown body that renders back to exactly these paragraphs. */
export const paragraphsToMarkdown = (paragraphs: string[]): string => paragraphs.map(escapeMarkdown).join('\n\n');

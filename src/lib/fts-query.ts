// Turns what a reader types into search terms, then into a safe query for each engine: FTS5
// here, a tsquery in src/db/pg/search.ts. Every term is quoted, so query syntax (AND, NEAR,
// column filters, `&`, `!`, stray quotes or brackets) is searched literally and can never be
// a syntax error. Supported on purpose: "exact phrases" and prefix* terms.
const TOKEN = /"([^"]*)"?|(\S+)/g;

/** One thing to look for: all terms must match (AND). */
export type SearchTerm = { kind: 'word' | 'phrase' | 'prefix'; text: string };

const hasWord = (s: string) => /[\p{L}\p{N}]/u.test(s);

/** The terms of a search, or null when it has no letter or digit to look for. */
export function parseSearch(input: string): SearchTerm[] | null {
  const terms: SearchTerm[] = [];
  // Control characters (NUL ends an FTS5 string; \u0002/\u0003 are our hit marks) are spaces.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const text = input.replace(/[\u0000-\u001f\u007f]/g, ' ');
  for (const m of text.matchAll(TOKEN)) {
    const [, phrase, word] = m;
    if (phrase !== undefined) {
      if (hasWord(phrase)) terms.push({ kind: 'phrase', text: phrase.trim() });
    } else if (word !== undefined) {
      const prefix = word.endsWith('*');
      const bare = prefix ? word.replace(/\*+$/, '') : word;
      if (hasWord(bare)) terms.push({ kind: prefix ? 'prefix' : 'word', text: bare });
    }
  }
  return terms.length ? terms : null;
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function toFtsQuery(input: string): string | null {
  const terms = parseSearch(input);
  return terms && terms.map((t) => (t.kind === 'prefix' ? `${quote(t.text)}*` : quote(t.text))).join(' ');
}

// snippet() marks hits with control characters that cannot occur in stored text; the
// snippet is then escaped as HTML and only the marks become <mark> tags.
export const HIT_START = '\u0002';
export const HIT_END = '\u0003';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function snippetHtml(raw: string): string {
  return raw
    .replace(/[&<>"']/g, (c) => escapes[c]!)
    .replaceAll(HIT_START, '<mark>')
    .replaceAll(HIT_END, '</mark>');
}

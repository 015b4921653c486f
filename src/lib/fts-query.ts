// Turns what a reader types into search terms, then into a safe query for each engine: FTS5
// here, a tsquery in src/db/pg/search.ts. Every term is quoted, so query syntax (AND, NEAR,
// column filters, `&`, `!`, stray quotes or brackets) is searched literally and can never be
// a syntax error. Supported on purpose: "exact phrases" and prefix* terms.
//
// The terms are also bounded by construction, so no input can make the engine do unbounded
// work: at most SEARCH_LIMITS.maxWords words in all, and a prefix* only where its last word
// has at least SEARCH_LIMITS.minPrefix letters once accents are folded away (FTS5 folds `é*`
// to `e*`). The FTS5 table keeps prefix indexes of 2 and 3 characters, so every allowed
// prefix is one index lookup or a narrow term range; a one-letter prefix would merge the
// doclists of every word starting with that letter (66 of them took minutes on 50,000
// articles). A shorter prefix is searched as a whole word rather than refused: `a*` finds the
// word "a". A repeated term is kept once: it cannot change which articles match, only
// multiply the work.
const TOKEN = /"([^"]*)"?|(\S+)/g;

export const SEARCH_LIMITS = { maxLength: 200, maxWords: 12, minPrefix: 2 } as const;

/** A search that breaks a limit; the message says which, for the reader. */
export class SearchLimitError extends Error {
  override name = 'SearchLimitError';
}

/** One thing to look for: all terms must match (AND). */
export type SearchTerm = { kind: 'word' | 'phrase' | 'prefix'; text: string };

const hasWord = (s: string) => /[\p{L}\p{N}]/u.test(s);
/** Words as FTS5's unicode61 tokenizer (remove_diacritics 2) sees them. */
const wordsOf = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** The terms of a search, or null when it has no letter or digit to look for. */
export function parseSearch(input: string): SearchTerm[] | null {
  const terms = new Map<string, SearchTerm>();
  let words = 0;
  // Control characters (NUL ends an FTS5 string; \u0002/\u0003 are our hit marks) are spaces.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const text = input.replace(/[\u0000-\u001f\u007f]/g, ' ');
  for (const m of text.matchAll(TOKEN)) {
    const [, phrase, word] = m;
    let term: SearchTerm | undefined;
    if (phrase !== undefined) {
      if (!hasWord(phrase)) continue;
      term = { kind: 'phrase', text: phrase.trim() };
      words += wordsOf(phrase).length;
    } else if (word !== undefined) {
      const starred = word.endsWith('*');
      const bare = starred ? word.replace(/\*+$/, '') : word;
      if (!hasWord(bare)) continue;
      const inside = wordsOf(bare);
      const prefix = starred && [...inside.at(-1)!].length >= SEARCH_LIMITS.minPrefix;
      term = { kind: prefix ? 'prefix' : 'word', text: bare };
      words += inside.length;
    }
    // A phrase of one word and the word itself match the same articles.
    if (term) terms.set(`${term.kind === 'prefix' ? '*' : ''}${term.text}`, term);
  }
  if (words > SEARCH_LIMITS.maxWords) {
    throw new SearchLimitError(`A search may have at most ${SEARCH_LIMITS.maxWords} words; this one has ${words}`);
  }
  return terms.size ? [...terms.values()] : null;
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The FTS5 query text for parsed terms: all must match; `prefix*` matches word starts. */
export const toFtsQueryText = (terms: SearchTerm[]): string =>
  terms.map((t) => (t.kind === 'prefix' ? `${quote(t.text)}*` : quote(t.text))).join(' ');

export function toFtsQuery(input: string): string | null {
  const terms = parseSearch(input);
  return terms && toFtsQueryText(terms);
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

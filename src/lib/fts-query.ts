// Turns what a reader types into a safe FTS5 query. Every term is quoted, so FTS5 syntax
// (AND, NEAR, column filters, stray quotes or brackets) is searched literally and can never
// be a syntax error. Supported on purpose: "exact phrases" and prefix* terms.
//
// The query is also bounded by construction, so no input can make FTS5 do unbounded work:
// at most SEARCH_LIMITS.maxWords words in all, and a prefix* only where its last word has at
// least SEARCH_LIMITS.minPrefix letters once accents are folded away (FTS5 folds `é*` to `e*`).
// The table keeps prefix indexes of 2 and 3 characters, so every allowed prefix is one index
// lookup or a narrow term range; a one-letter prefix would merge the doclists of every word
// starting with that letter (66 of them took minutes on 50,000 articles). A shorter prefix is
// searched as a whole word rather than refused: `a*` finds the word "a". A repeated term
// is kept once: it cannot change which articles match, only multiply the work.
const TOKEN = /"([^"]*)"?|(\S+)/g;

export const SEARCH_LIMITS = { maxLength: 200, maxWords: 12, minPrefix: 2 } as const;

/** A search that breaks a limit; the message says which, for the reader. */
export class SearchLimitError extends Error {
  override name = 'SearchLimitError';
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
const hasWord = (s: string) => /[\p{L}\p{N}]/u.test(s);
/** Words as FTS5's unicode61 tokenizer (remove_diacritics 2) sees them. */
const wordsOf = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

export function toFtsQuery(input: string): string | null {
  const parts: string[] = [];
  let words = 0;
  // Control characters (NUL ends an FTS5 string; \u0002/\u0003 are our hit marks) are spaces.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const text = input.replace(/[\u0000-\u001f\u007f]/g, ' ');
  for (const m of text.matchAll(TOKEN)) {
    const [, phrase, word] = m;
    if (phrase !== undefined) {
      if (!hasWord(phrase)) continue;
      parts.push(quote(phrase.trim()));
      words += wordsOf(phrase).length;
    } else if (word !== undefined) {
      const starred = word.endsWith('*');
      const bare = starred ? word.replace(/\*+$/, '') : word;
      if (!hasWord(bare)) continue;
      const inside = wordsOf(bare);
      const prefix = starred && [...inside.at(-1)!].length >= SEARCH_LIMITS.minPrefix;
      parts.push(prefix ? `${quote(bare)}*` : quote(bare));
      words += inside.length;
    }
  }
  if (words > SEARCH_LIMITS.maxWords) {
    throw new SearchLimitError(`A search may have at most ${SEARCH_LIMITS.maxWords} words; this one has ${words}`);
  }
  return parts.length ? [...new Set(parts)].join(' ') : null;
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

/**
 * Reads a wire story in the agencies' plain-text layout:
 *
 *   Headline
 *   <blank>
 *   Standfirst (one paragraph)
 *   <blank>
 *   Desk or Bureau/Author and Author
 *   <blank>
 *   Dateline: first paragraph…
 *   <blank>
 *   More paragraphs…
 *
 * Blank lines separate blocks (any number of them; CRLF, CR or LF). Indentation and trailing
 * spaces are layout, not text: every line is trimmed. The standfirst, the byline line and the
 * dateline may each be missing; what was missing comes back as a warning.
 */

export type WireByline = { desk: string; authors: string[] };
export type WireDateline = { text: string; place: string; date: string | null; agency: string | null };

export type WireStory = {
  /** The text as read: line breaks normalised, lines trimmed, blank runs and edges dropped. */
  normalized: string;
  headline: string;
  standfirst: string | null;
  byline: WireByline | null;
  dateline: WireDateline | null;
  /** Body paragraphs, the dateline taken off the first. */
  paragraphs: string[];
  warnings: string[];
};

// `Desk/Author`: one line, one slash, no sentence on either side.
const BYLINE = /^([^/:.!?\n]{1,100}?)\s*\/\s*([^/:!?\n]{1,300})$/u;
// Authors: "A and B", "A, B and C", "A & B", and the same joiners in the newsroom languages we
// serve (und, et, y, e, ve, и, और) plus the ideographic comma ("王伟、李娜").
const JOINER = String.raw`(?:and|und|et|y|e|ve|en|og|och|и|और)`;
const AUTHOR_SPLIT = new RegExp(String.raw`\s*[,，、]\s*(?:${JOINER}\s+)?|\s+${JOINER}\s+|\s*&\s*`, 'u');
// A dateline: a capitalised place of a few words, then an optional date and (agency), then a
// colon (or a full-width one): "Washington:", "NEW DELHI, June 15 (IANS):", "北京：".
const DATELINE = /^((\p{Lu}|\p{Lo})[\p{L}\p{M}.'’ -]{0,40}?)(?:,\s*([^:：()\n]{1,40}?))?(?:\s*\(([^()\n:：]{1,30})\))?\s*(?::\s+|：\s*)/u;

const lines = (block: string) => block.split('\n');
const isSingleLine = (block: string) => !block.includes('\n');

export function normalizeWire(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function parseByline(block: string): WireByline | null {
  if (!isSingleLine(block)) return null;
  const m = BYLINE.exec(block);
  if (!m) return null;
  const authors = m[2]!.split(AUTHOR_SPLIT).map((a) => a.trim()).filter((a) => a.length > 0);
  if (authors.length === 0 || authors.some((a) => a.length > 120)) return null;
  return { desk: m[1]!.trim(), authors };
}

// Labels that open a paragraph the way a dateline does but name no place ("Note: …",
// "UPDATE: …", "Q: …"), in the newsroom languages we serve. Without a gazetteer a lone
// capitalised word could be either; a date or an agency after it ("Update, June 3 (AP):")
// still makes it a dateline.
const NOT_PLACES = new Set(
  [
    'note', "editor's note", 'editors note', 'editors', 'update', 'updated', 'correction', 'corrected', 'clarification', 'warning',
    'breaking', 'urgent', 'flash', 'bulletin', 'alert', 'advisory', 'embargo', 'embargoed', 'exclusive', 'analysis', 'opinion',
    'comment', 'summary', 'background', 'context', 'factbox', 'explainer', 'interview', 'transcript', 'photo', 'photos', 'video',
    'caption', 'credit', 'source', 'sources', 'related', 'live', 'watch', 'read more', 'see also', 'disclaimer', 'refile',
    'hinweis', 'anmerkung', 'aktualisierung', 'korrektur', 'eilmeldung', 'achtung',
    'nota', 'mise à jour', 'rectificatif', 'correctif', 'avertissement', 'actualización', 'actualizacion', 'corrección', 'aviso',
    'atualização', 'correção', 'aggiornamento', 'correzione', 'примечание', 'обновление', 'поправка', 'срочно',
    'not', 'güncelleme', 'düzeltme', 'son dakika',
  ].map((w) => w.normalize('NFC')),
);
const isPlace = (place: string) => (place.length > 1 || /\p{Lo}/u.test(place)) && !NOT_PLACES.has(place.normalize('NFC').toLowerCase().replace(/[’]/g, "'"));

export function splitDateline(paragraph: string): { dateline: WireDateline; rest: string } | null {
  const m = DATELINE.exec(paragraph);
  if (!m || m[0].length >= paragraph.length) return null;
  if (m[3] === undefined && m[4] === undefined && !isPlace(m[1]!.trim())) return null;
  const text = m[0].replace(/\s*[:：]\s*$/u, '');
  return { dateline: { text, place: m[1]!.trim(), date: m[3]?.trim() ?? null, agency: m[4]?.trim() ?? null }, rest: paragraph.slice(m[0].length) };
}

export function parseWire(text: string): WireStory {
  const normalized = normalizeWire(text);
  const blocks = normalized === '' ? [] : normalized.split('\n\n');
  const warnings: string[] = [];
  const headline = lines(blocks.shift() ?? '').join(' ');

  // The byline line sits right after the headline (no standfirst) or after the standfirst.
  let standfirst: string | null = null;
  let byline = blocks.length > 0 ? parseByline(blocks[0]!) : null;
  if (byline) blocks.shift();
  else if (blocks.length > 1 && (byline = parseByline(blocks[1]!))) {
    standfirst = blocks.shift()!;
    blocks.shift();
  } else if (blocks.length > 1 && !splitDateline(blocks[0]!) && splitDateline(blocks[1]!)) {
    // No byline line, but the paragraph after this one opens with the dateline.
    standfirst = blocks.shift()!;
  }
  if (standfirst !== null) standfirst = lines(standfirst).join(' ');

  let dateline: WireDateline | null = null;
  const first = blocks[0] === undefined ? null : splitDateline(blocks[0]);
  if (first) {
    dateline = first.dateline;
    blocks[0] = first.rest;
  }

  if (standfirst === null) warnings.push('No standfirst: the article has none');
  if (byline === null) warnings.push('No byline line ("Desk/Author"): the article has no authors');
  if (dateline === null) warnings.push('No dateline ("Place:") opens the first paragraph');
  if (blocks.length === 0) warnings.push('No body paragraphs');
  return { normalized, headline, standfirst, byline, dateline, paragraphs: blocks, warnings };
}

import { htmlToMarkdown, htmlToPlainMarkdown } from './html-to-markdown.js';
import { paragraphsToMarkdown } from './markdown-escape.js';
import { renderText } from './markdown.js';

/**
 * An IPTC ninjs item of any major version, reduced to what an article needs.
 * 1.x: `headline`, `body_text` / `body_html` / `body_xhtml`, `description_text|html`, `byline`.
 * 2.x: `headlines` / `bodies` / `descriptions` as `{ role, contenttype, value }`, `by`.
 * 3.x: the same in camelCase (`versionCreated`, `contentType`). Property names are read
 * case-insensitively, so every spelling agencies use is understood.
 */
export type NinjsItem = {
  uri: string;
  version: string | null;
  versionCreated: string | null;
  headline: string | null;
  standfirst: string | null;
  body: string;
  authors: string[];
  located: string | null;
  language: string | null;
  agency: string | null;
  subjects: string[];
  warnings: string[];
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of `name` in any letter case (`versionCreated`, `versioncreated`). */
function get(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

type Part = { role: string; type: string; value: string };
const parts = (v: unknown): Part[] =>
  list(v).flatMap((p) => {
    const value = get(p, 'value');
    if (typeof value !== 'string') return [];
    return [{ role: String(get(p, 'role') ?? 'main').toLowerCase(), type: String(get(p, 'contenttype') ?? 'text/plain').toLowerCase(), value }];
  });
const isHtml = (p: Part) => p.type.includes('html') || p.role === 'html' || p.role === 'richtext';

/** Plain text (paragraphs split on blank lines) as Markdown that renders back to it. */
const textToMarkdown = (text: string) =>
  paragraphsToMarkdown(
    text
      .replace(/\r\n?/g, '\n')
      .split(/\n\s*\n/)
      .map((p) => p.split('\n').map((l) => l.trim()).filter(Boolean).join('\n'))
      .filter(Boolean),
  );

function pickBody(item: Obj): string {
  const bodies = parts(get(item, 'bodies'));
  const html = bodies.find(isHtml)?.value ?? str(get(item, 'body_html')) ?? str(get(item, 'body_xhtml'));
  if (html) return htmlToMarkdown(html);
  const text = bodies.find((p) => !isHtml(p))?.value ?? str(get(item, 'body_text'));
  return text ? textToMarkdown(text) : '';
}

function pickText(item: Obj, many: string, htmlKey: string, textKey: string): string | null {
  const all = parts(get(item, many));
  const chosen = all.find((p) => p.role === 'main') ?? all.find((p) => p.role === 'summary') ?? all[0];
  if (chosen) return isHtml(chosen) ? renderText(htmlToPlainMarkdown(chosen.value)) || null : chosen.value.trim() || null;
  const html = str(get(item, htmlKey));
  return html ? renderText(htmlToPlainMarkdown(html)) || null : str(get(item, textKey));
}

// "By A and B", "Von A, dpa": the agency's own name is not an author.
const BY_PREFIX = /^(?:by|von|par|por|door|av|af)\s+/iu;
const splitNames = (by: string) => by.replace(BY_PREFIX, '').split(/\s*,\s*|\s+(?:and|und|et|y|og|och|en)\s+|\s*&\s*/u).map((s) => s.trim()).filter(Boolean);

export function readNinjs(item: Obj): NinjsItem {
  const warnings: string[] = [];
  const headlines = parts(get(item, 'headlines'));
  const headline = str(get(item, 'headline')) ?? (headlines.find((h) => h.role === 'main') ?? headlines[0])?.value.trim() ?? null;
  const agency = str(get(item, 'copyrightholder')) ?? str(get(item, 'provider'));
  const by = str(get(item, 'by')) ?? str(get(item, 'byline'));
  let authors = by ? splitNames(by) : [];
  if (agency) authors = authors.filter((a) => a.toLowerCase() !== agency.toLowerCase());
  const body = pickBody(item);
  if (!by) warnings.push('No `by`/`byline`: the article has no authors');
  if (body === '') warnings.push('No body in `bodies`, `body_html` or `body_text`');
  const subjects = [...list(get(item, 'subjects')), ...list(get(item, 'subject'))].map((s) => str(get(s, 'name'))).filter((s): s is string => s !== null);
  return {
    uri: String(get(item, 'uri') ?? ''),
    version: str(get(item, 'version')),
    versionCreated: str(get(item, 'versioncreated')),
    headline,
    standfirst: pickText(item, 'descriptions', 'description_html', 'description_text'),
    body,
    authors,
    located: str(get(item, 'located')),
    language: str(get(item, 'language')),
    agency,
    subjects,
    warnings,
  };
}

/**
 * Orders two versions of one item: by `version` when both are numbers, else by
 * `versioncreated` (ISO times compare as instants). Negative: `a` is older.
 */
export function compareVersions(a: Pick<NinjsItem, 'version' | 'versionCreated'>, b: Pick<NinjsItem, 'version' | 'versionCreated'>): number {
  const na = Number(a.version);
  const nb = Number(b.version);
  if (a.version !== null && b.version !== null && Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  const ta = a.versionCreated ? Date.parse(a.versionCreated) : NaN;
  const tb = b.versionCreated ? Date.parse(b.versionCreated) : NaN;
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb;
  return 0;
}

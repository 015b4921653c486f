import { createHash } from 'node:crypto';
import { AppError, type FieldError } from '../../errors.js';
import { paragraphsToMarkdown } from '../../lib/markdown-escape.js';
import { readNinjs } from '../../lib/ninjs.js';
import { parseWire } from '../../lib/wire.js';
import { CreateArticleBody, type CreateArticle } from '../articles/articles.schemas.js';
import type { RefKey } from '../shared/lookup.js';

/** A reference given by id or slug (`ref`), or by a name to match (`name`), with where it came from. */
export type NamedRef = { path: string } & ({ ref: RefKey } | { name: string });

/**
 * One item to import, read and checked but not yet matched to the database: what any of
 * the three inputs (wire text, ninjs item, createArticle JSON) becomes.
 */
export type Prepared = {
  kind: 'wire' | 'ninjs' | 'article';
  /** SHA-256 of the normalised input: the import's idempotency key. */
  hash: string;
  article: Omit<CreateArticle, 'bureau' | 'authors' | 'tags'> & { body: string };
  bureau: NamedRef | null;
  authors: NamedRef[];
  tags: NamedRef[];
  ninjs?: { uri: string; version: string | null; versionCreated: string | null };
  report: {
    dateline: { text: string; place: string; date: string | null; agency: string | null } | null;
    paragraphs: number;
    warnings: string[];
  };
};

export type PrepareOptions = { bureau?: RefKey; language?: string };

const sha256 = (kind: string, content: string) => createHash('sha256').update(`${kind}\n${content}`).digest('hex');

function rejectNul(text: string, path: string) {
  // markdown-it turns NUL into U+FFFD, so it could not come back as sent.
  if (text.includes('\0')) {
    throw new AppError('validation_failed', 'The text contains a NUL character', { errors: [{ path, message: 'NUL (U+0000) is not allowed' }] });
  }
}

/**
 * The draft's fields checked by createArticle's own schema, so an import obeys the same
 * limits; done while preparing (on a pool thread for bulk imports), before any write.
 */
function checked(p: Prepared): Prepared {
  const result = CreateArticleBody.safeParse({ ...p.article, bureau: 1 });
  if (result.success) return p;
  const errors: FieldError[] = result.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message }));
  throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

export function prepareWire(text: string, opts: PrepareOptions, path = 'body'): Prepared {
  rejectNul(text, path);
  const story = parseWire(text);
  if (story.headline === '') {
    throw new AppError('validation_failed', 'The wire story is empty: its first line is the headline', {
      errors: [{ path, message: 'No headline' }],
    });
  }
  const bureau: NamedRef | null = story.byline
    ? { path: `${path}.byline.desk`, name: story.byline.desk }
    : opts.bureau !== undefined
      ? { path: 'query.bureau', ref: opts.bureau }
      : null;
  return checked({
    kind: 'wire',
    hash: sha256('wire', story.normalized),
    article: {
      headline: story.headline,
      standfirst: story.standfirst,
      dateline: story.dateline?.text ?? null,
      body: paragraphsToMarkdown(story.paragraphs),
      language: opts.language,
    },
    bureau,
    authors: (story.byline?.authors ?? []).map((name, i) => ({ path: `${path}.byline.authors.${i}`, name })),
    tags: [],
    report: { dateline: story.dateline, paragraphs: story.paragraphs.length, warnings: story.warnings },
  });
}

export function prepareNinjs(item: Record<string, unknown>, opts: PrepareOptions, path = 'body'): Prepared {
  const n = readNinjs(item);
  const errors = [];
  if (n.uri.trim() === '') errors.push({ path: `${path}.uri`, message: 'Every ninjs item needs its `uri`' });
  if (!n.headline) errors.push({ path: `${path}.headlines`, message: 'No `headline` or `headlines`' });
  if (errors.length) throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  rejectNul(JSON.stringify(item), path);
  const bureau: NamedRef | null =
    opts.bureau !== undefined ? { path: 'query.bureau', ref: opts.bureau } : n.agency ? { path: `${path}.copyrightholder`, name: n.agency } : null;
  return checked({
    kind: 'ninjs',
    hash: sha256('ninjs', JSON.stringify(item)),
    article: {
      headline: n.headline!.replace(/\s+/g, ' '),
      standfirst: n.standfirst,
      dateline: n.located,
      body: n.body,
      language: n.language ?? opts.language,
    },
    bureau,
    authors: n.authors.map((name, i) => ({ path: `${path}.by.${i}`, name })),
    tags: n.subjects.map((name, i) => ({ path: `${path}.subjects.${i}`, name })),
    ninjs: { uri: n.uri, version: n.version, versionCreated: n.versionCreated },
    report: { dateline: null, paragraphs: n.body === '' ? 0 : n.body.split('\n\n').length, warnings: n.warnings },
  });
}

/** A `createArticle` body, already validated by its schema. */
export function prepareArticle(input: CreateArticle, path = 'body'): Prepared {
  const { bureau, authors = [], tags = [], ...article } = input;
  return {
    kind: 'article',
    hash: sha256('article', JSON.stringify(input)),
    article: { ...article, body: article.body ?? '' },
    bureau: { path: `${path}.bureau`, ref: bureau },
    authors: authors.map((ref, i) => ({ path: `${path}.authors.${i}`, ref })),
    tags: tags.map((ref, i) => ({ path: `${path}.tags.${i}`, ref })),
    report: { dateline: null, paragraphs: 0, warnings: [] },
  };
}

import type { Database } from '../../db/database.js';
import { AppError, type FieldError } from '../../errors.js';
import { compareVersions } from '../../lib/ninjs.js';
import { nowIso } from '../../lib/time.js';
import type { Rendered } from '../articles/articles.rules.js';
import type { CreateArticle } from '../articles/articles.schemas.js';
import { ALL_VIEW, type ArticlesService } from '../articles/articles.service.js';
import type { createAuthorsService } from '../authors/authors.service.js';
import type { createBureausService } from '../bureaus/bureaus.service.js';
import type { Actor } from '../shared/actor.js';
import { resolveRefs } from '../shared/lookup.js';
import type { NamedRef, Prepared } from './imports.prepare.js';
import { createSearchIndexRepository } from '../articles/search-index.repository.js';
import { createImportsRepository, type ImportSource } from './imports.repository.js';
import { createNameIndex, memoNameKey, type NameIndex } from './name-index.js';

export type ImportOptions = { createMissing: boolean };
export type Match = { name: string; id: number; created: boolean };
export type Outcome = {
  status: 'created' | 'updated' | 'replayed';
  articleId: number;
  bureau: Match | null;
  authors: Match[];
  warnings: string[];
};

const mayCreate = (actor: Actor) => actor.role === 'admin' || actor.role === 'editor' || actor.role === 'system';

export function createImportsService(db: Database, deps: { articles: ArticlesService; bureaus: ReturnType<typeof createBureausService>; authors: ReturnType<typeof createAuthorsService> }) {
  const { authors: authorsTable, bureaus: bureausTable, tags: tagsTable } = db.tables;
  const repo = createImportsRepository(db);
  const searchIndex = createSearchIndexRepository(db);
  const keyOf = memoNameKey();

  /** Ids for bureau and authors, creating missing ones when allowed, else one 422 naming each. */
  async function resolve(p: Prepared, names: NameIndex, actor: Actor, opts: ImportOptions) {
    const missing: FieldError[] = [];
    const lookup = async (what: 'bureau' | 'author', r: NamedRef): Promise<Match | null> => {
      if ('ref' in r) {
        const id = (await resolveRefs(db, what === 'bureau' ? bureausTable : authorsTable, what, [[r.path, r.ref]]))[0]!;
        return { name: String(r.ref), id, created: false };
      }
      const id = await names.find(what, r.name);
      if (id !== undefined) return { name: r.name, id, created: false };
      missing.push({ path: r.path, message: `No ${what} named "${r.name}"` });
      return null;
    };
    if (!p.bureau) {
      throw new AppError('unprocessable', 'The item names no bureau: add a byline line ("Desk/Author") or the `bureau` parameter', {
        errors: [{ path: 'query.bureau', message: 'Required when the item names no bureau' }],
      });
    }
    const bureau = await lookup('bureau', p.bureau);
    const authors: (Match | null)[] = [];
    for (const a of p.authors) authors.push(await lookup('author', a));
    if (missing.length > 0 && !opts.createMissing) {
      throw new AppError('unprocessable', `${missing.map((m) => m.message).join('; ')}; import with createMissing=true to create them`, { errors: missing });
    }
    if (missing.length > 0 && !mayCreate(actor)) {
      throw new AppError('forbidden', `Only editors create bureaus and authors: ${missing.map((m) => m.message).join('; ')}`);
    }
    const create = async (what: 'bureau' | 'author', name: string, bureauId?: number): Promise<Match> => {
      // Another import may be creating the same name right now: wait for it, then look again
      // in what is committed, so one name becomes one bureau or author.
      await db.serialise(`import-name:${what}:${keyOf(name)}`);
      // (SQLite has one writer: the names read in this transaction are already current.)
      if (db.engine === 'postgres') names.forget(what);
      const existing = await names.find(what, name);
      if (existing !== undefined) return { name, id: existing, created: false };
      const made =
        what === 'bureau'
          ? await deps.bureaus.create({ name, description: null, location: null }, actor)
          : await deps.authors.create({ name, bio: null, bureau: bureauId }, actor);
      await names.add(what, name, made.id);
      return { name, id: made.id, created: true };
    };
    const b = bureau ?? (await create('bureau', (p.bureau as { name: string }).name));
    const a: Match[] = [];
    for (const [i, m] of authors.entries()) {
      if (m) {
        a.push(m);
        continue;
      }
      const name = (p.authors[i] as { name: string }).name;
      // Named twice on one byline: created by the first mention.
      const id = await names.find('author', name);
      a.push(id === undefined ? await create('author', name, b.id) : { name, id, created: false });
    }
    // The same person twice on a byline ("Ali Celik and ALI ÇELIK") is one byline.
    const unique = a.filter((m, i) => a.findIndex((o) => o.id === m.id) === i);
    return { bureau: b, authors: unique };
  }

  async function tagIds(p: Prepared, names: NameIndex, warnings: string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const t of p.tags) {
      const id = 'ref' in t ? (await resolveRefs(db, tagsTable, 'tag', [[t.path, t.ref]]))[0]! : await names.find('tag', t.name);
      if (id === undefined) warnings.push(`Subject "${(t as { name: string }).name}" matches no tag; left off`);
      else if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /** The newest imported version of a ninjs item, if any. */
  async function latestOf(uri: string) {
    return (await repo.byUri(uri)).reduce<ImportSource | undefined>((best, row) => (!best || compareVersions(row, best) > 0 ? row : best), undefined);
  }

  /**
   * Imports one prepared item in its own transaction (a savepoint inside a bulk batch):
   * replays a known hash, updates the article of a newer ninjs version, else creates a draft.
   */
  function apply(p: Prepared, body: Rendered | null, actor: Actor, opts: ImportOptions, names: NameIndex = createNameIndex(repo, keyOf)): Promise<Outcome> {
    return db.write(async (): Promise<Outcome> => {
      // The same text, or versions of one ninjs item, imported at once (on several instances
      // too): the second waits for the first, then replays or compares versions instead of
      // colliding on import_sources' key. Always hash, then uri: no two items wait in a circle.
      await db.serialise(`import:${p.hash}`);
      if (p.ninjs) await db.serialise(`import-uri:${p.ninjs.uri}`);
      const seen = await repo.byHash(p.hash);
      if (seen) return { status: 'replayed', articleId: seen.articleId, bureau: null, authors: [], warnings: [...p.report.warnings] };
      const warnings = [...p.report.warnings];
      const { bureau, authors } = await resolve(p, names, actor, opts);
      const tags = await tagIds(p, names, warnings);
      const input: CreateArticle = { ...p.article, bureau: bureau.id, authors: authors.map((a) => a.id), tags };
      const record = (articleId: number) =>
        repo.record({ contentHash: p.hash, kind: p.kind, articleId, ...p.ninjs, createdAt: nowIso() });

      const previous = p.ninjs ? await latestOf(p.ninjs.uri) : undefined;
      if (p.ninjs && previous) {
        if (compareVersions(p.ninjs, previous) <= 0) {
          throw new AppError('conflict', `Version ${p.ninjs.version ?? p.ninjs.versionCreated ?? '(none)'} of ${p.ninjs.uri} is not newer than the imported version ${previous.version ?? previous.versionCreated ?? '(none)'}; ignored`, {
            extra: { articleId: previous.articleId, importedVersion: previous.version, importedVersionCreated: previous.versionCreated },
          });
        }
        const current = (await deps.articles.get(String(previous.articleId), { publicOnly: false }, ALL_VIEW)) as unknown as { version: number; status: string };
        if (actor.role === 'writer' && current.status !== 'draft') {
          throw new AppError('forbidden', 'A published article changes through an editor; a writer may only update drafts');
        }
        const { bureau: _b, ...changes } = input;
        await deps.articles.update(String(previous.articleId), changes, actor, current.version);
        await record(previous.articleId);
        return { status: 'updated', articleId: previous.articleId, bureau, authors, warnings };
      }
      const created = body ? await deps.articles.create(input, actor, body) : await deps.articles.create(input, actor);
      await record(created.id);
      return { status: 'created', articleId: created.id, bureau, authors, warnings };
    });
  }

  /**
   * Runs `fn` (a bulk slice's items) with the articles it creates entering the search index
   * in one batch at its end rather than row by row through triggers: on SQLite that halved
   * the writer's time per article. Only as the whole of an outermost unit of work whose
   * failure rolls it all back (a flat slice): a caught failure inside it would leave the
   * deferral set for the rest of the unit.
   */
  async function indexedOnce<T>(fn: () => Promise<T>): Promise<T> {
    await searchIndex.defer();
    const result = await fn();
    await searchIndex.indexDeferred();
    return result;
  }

  const article = (id: number) => deps.articles.get(String(id), { publicOnly: false }, ALL_VIEW);

  return { apply, indexedOnce, article, seen: async (hash: string) => (await repo.byHash(hash)) !== undefined, names: () => createNameIndex(repo, keyOf) };
}

export type ImportsService = ReturnType<typeof createImportsService>;

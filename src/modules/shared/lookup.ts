import { and, count, eq, getTableName, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import { AppError, notFound } from '../../errors.js';
import { MAX_ID } from './schemas.js';

type SluggedTable = SQLiteTable & { id: SQLiteColumn; slug: SQLiteColumn };

/** `/things/{idOrSlug}`: digits are an id, anything else a slug (digits past MAX_ID name no id: they are looked up as a slug). */
export const isId = (key: string) => /^\d{1,10}$/.test(key) && Number(key) <= MAX_ID;

export const idOrSlugWhere = (table: SluggedTable, key: string) => (isId(key) ? eq(table.id, Number(key)) : eq(table.slug, key));

/**
 * `base` and every `base-…`, as an index range rather than LIKE (which SQLite cannot serve
 * from the index here): `-` is followed by `.` in code-point order. Placeholders `base`,
 * `from` and `to`, for prepared queries (see familyParams).
 */
export const slugFamilyPlaceholders = (column: SQLiteColumn) =>
  or(eq(column, sql.placeholder('base')), and(gte(column, sql.placeholder('from')), lt(column, sql.placeholder('to'))));
export const familyParams = (base: string) => ({ base, from: `${base}-`, to: `${base}.` });

export const countWhere = async (db: Database, table: SQLiteTable, where?: SQL) =>
  (await db.conn.select({ n: count() }).from(table).where(where))[0]?.n ?? 0;

export function required<T>(row: T | undefined, what: string, key: string): T {
  if (row === undefined) throw notFound(what, key);
  return row;
}

export type RefKey = number | string;

/** `[path, key]` pairs for a list field: `body.authors.0`, `body.authors.1`, … */
export const listRefs = (path: string, keys: RefKey[]) => keys.map((k, i): [string, RefKey] => [`${path}.${i}`, k]);

/** What a reference resolves to when the caller also shows it (a create's answer). */
export type RefSummary = { id: number; slug: string; name: string };

/**
 * Turns ids-or-slugs sent by a client into ids, in one query, or fails with a 422 that
 * names every field and value that points nowhere.
 */
export async function resolveRefs(db: Database, table: SluggedTable, what: string, refs: [path: string, key: RefKey][]): Promise<number[]> {
  return (await resolve(db, table, what, refs, false)).map((r) => r.id);
}

/** resolveRefs, with each item's slug and name: a create answers with them without reading them again. */
export const resolveSummaries = (db: Database, table: SluggedTable & { name: SQLiteColumn }, what: string, refs: [path: string, key: RefKey][]) =>
  resolve(db, table, what, refs, true) as Promise<RefSummary[]>;

async function resolve(db: Database, table: SluggedTable, what: string, refs: [path: string, key: RefKey][], summary: boolean): Promise<RefSummary[]> {
  if (refs.length === 0) return [];
  // Digits are an id whether sent as a number or a string, as in `/things/{idOrSlug}`.
  refs = refs.map(([path, k]) => [path, typeof k === 'string' && isId(k) ? Number(k) : k]);
  // One prepared primary-key or unique-index lookup per reference: lists are short (a few
  // bylines and tags), and this beats building one IN query per write (on SQLite; where each
  // statement is a round trip, a list is one prepared statement, below). In a unit of work the
  // rows are held (key share) until it commits: a concurrent delete of one waits, or has
  // happened and the reference is a 422, never a foreign-key failure at insert.
  const c = db.conn;
  const lock = db.inWrite;
  // The slug is always read when the list is one statement: it matches rows to references.
  const columns = (): Record<string, SQLiteColumn> =>
    summary ? { id: table.id, slug: table.slug, name: (table as SluggedTable & { name: SQLiteColumn }).name } : { id: table.id, slug: table.slug };
  const lookup = (by: 'id' | 'slug') =>
    prepared(c, `resolveRefs:${getTableName(table)}:${by}:${lock}:${summary}`, () => {
      const select = c.select(summary ? columns() : { id: table.id }).from(table).where(eq(table[by], sql.placeholder('key')));
      return (lock ? db.dialect.lockRows(select, 'key share') : select).prepare();
    });
  // A number past MAX_ID names no row (and PostgreSQL would reject it as out of range).
  const valid = (k: RefKey) => typeof k !== 'number' || (Number.isInteger(k) && Math.abs(k) <= MAX_ID);
  const anyOf = db.dialect.anyOf;
  let found: ((k: RefKey) => RefSummary | undefined) | undefined;
  if (anyOf && refs.length > 1) {
    // Where each statement is a round trip, the whole list is one: by id or by slug, held as above.
    const many = prepared(c, `resolveRefs:${getTableName(table)}:many:${lock}:${summary}`, () => {
      const select = c
        .select(columns())
        .from(table)
        .where(or(anyOf(table.id, sql.placeholder('ids'), 'integer'), anyOf(table.slug, sql.placeholder('slugs'), 'text')));
      return (lock ? db.dialect.lockRows(select, 'key share') : select).prepare();
    });
    const keys = refs.map(([, k]) => k).filter(valid);
    const rows = (await many.execute({ ids: keys.filter((k) => typeof k === 'number'), slugs: keys.filter((k) => typeof k === 'string') })) as (RefSummary & { slug: string })[];
    found = (k) => rows.find((r) => (typeof k === 'number' ? r.id === k : r.slug === k));
  }
  const errors: { path: string; message: string }[] = [];
  const out: RefSummary[] = [];
  for (const [path, k] of refs) {
    const row = !valid(k) ? undefined : found ? found(k) : ((await lookup(typeof k === 'number' ? 'id' : 'slug').execute({ key: k })) as RefSummary[])[0];
    if (row === undefined) errors.push({ path, message: `No ${what} with id or slug "${k}"` });
    out.push(row ?? { id: 0, slug: '', name: '' });
  }
  if (errors.length > 0) {
    throw new AppError('unprocessable', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  // The same item named twice, once by id and once by slug, is only visible once resolved.
  const ids = out.map((r) => r.id);
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup !== -1) {
    const [path] = refs[dup]!;
    throw new AppError('validation_failed', `${path} names an item already in the list`, {
      errors: [{ path, message: 'The same item appears twice' }],
    });
  }
  return out;
}

import { and, eq, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { slugHistory, type slugResources } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../../lib/time.js';
import { uniqueSlug } from '../../lib/slug.js';
import { familyParams, slugFamilyPlaceholders } from './lookup.js';

export type SlugResource = (typeof slugResources)[number];
type SluggedTable = SQLiteTable & { id: SQLiteColumn; slug: SQLiteColumn };

const pathOf: Record<SlugResource, string> = { article: 'articles', author: 'authors', bureau: 'bureaus' };

/** Keeps an old slug pointing at its item; an item moving back to an old slug reclaims it. */
export function rememberSlug(db: Db, resource: SlugResource, resourceId: number, oldSlug: string, newSlug: string) {
  if (oldSlug === newSlug) return;
  db.delete(slugHistory).where(and(eq(slugHistory.resource, resource), eq(slugHistory.slug, newSlug))).run();
  db.insert(slugHistory)
    .values({ resource, slug: oldSlug, resourceId, createdAt: nowIso() })
    .onConflictDoUpdate({ target: [slugHistory.resource, slugHistory.slug], set: { resourceId } })
    .run();
}

/** Deleting an item frees the slugs it used. */
export const forgetSlugs = (db: Db, resource: SlugResource, resourceId: number) =>
  db.delete(slugHistory).where(and(eq(slugHistory.resource, resource), eq(slugHistory.resourceId, resourceId))).run();

/**
 * Records that `slug` was public for the item: it then keeps redirecting to the item and
 * stays reserved after a rename. Articles call this for the slug they are public under,
 * so a draft renamed before it ever went out leaves nothing behind (no slug squatting).
 * The row may name the item's current slug; it only matters once the item moves away.
 */
export function markSlugPublic(db: Db, resource: SlugResource, resourceId: number, slug: string) {
  prepared(db, 'slugHistory.markPublic', () =>
    db
      .insert(slugHistory)
      .values({ resource: sql.placeholder('resource'), slug: sql.placeholder('slug'), resourceId: sql.placeholder('resourceId'), createdAt: sql.placeholder('createdAt') } as unknown as typeof slugHistory.$inferInsert)
      .onConflictDoNothing()
      .prepare(),
  ).run({ resource, slug, resourceId, createdAt: nowIso() });
}

/**
 * Throws a 308 to the current slug when `key` is a slug the item used to have and the
 * caller may see the item (`canSee`; everyone when absent). Otherwise returns, and the
 * caller answers exactly what it answers for a slug that never existed. The error handler
 * rewrites `location` for the request's own path and query (a write to an old slug is
 * redirected to the same operation at the new one).
 */
export function redirectIfMoved(
  db: Db,
  resource: SlugResource,
  table: SluggedTable,
  key: string,
  query = '',
  canSee: (id: number) => boolean = () => true,
): void {
  if (/^\d+$/.test(key)) return;
  const row = db
    .select({ id: table.id, slug: table.slug })
    .from(slugHistory)
    .innerJoin(table, eq(table.id, slugHistory.resourceId))
    .where(and(eq(slugHistory.resource, resource), eq(slugHistory.slug, key)))
    .get() as { id: number; slug: string } | undefined;
  // A row naming the current slug is a public slug the item still has: not a move.
  if (!row || row.slug === key || !canSee(row.id)) return;
  const location = `/v1/${pathOf[resource]}/${row.slug}${query}`;
  throw new AppError('moved', `"${key}" is now "${row.slug}"`, { extra: { slug: row.slug, location } });
}

/** The owner of `slug`, current or past, other than `exceptId`. */
export function slugOwner(db: Db, resource: SlugResource, table: SluggedTable, slug: string, exceptId?: number) {
  const current = db.select({ id: table.id }).from(table).where(eq(table.slug, slug)).get() as { id: number } | undefined;
  if (current && current.id !== exceptId) return 'current';
  const past = db
    .select({ id: slugHistory.resourceId })
    .from(slugHistory)
    .where(and(eq(slugHistory.resource, resource), eq(slugHistory.slug, slug)))
    .get();
  return past && past.id !== exceptId ? 'past' : null;
}

export function assertSlugFree(db: Db, resource: SlugResource, table: SluggedTable, slug: string, exceptId?: number) {
  const owner = slugOwner(db, resource, table, slug, exceptId);
  if (owner === null) return;
  throw new AppError(
    'conflict',
    owner === 'current'
      ? `The slug "${slug}" is already used by another ${resource}`
      : `The slug "${slug}" used to belong to another ${resource} and still redirects there`,
    { errors: [{ path: 'body.slug', message: owner === 'current' ? 'Already taken' : 'Reserved by an earlier slug' }] },
  );
}

/** The first slug among `base`, `base-2`, … that no item has or had. */
export function freshSlug(db: Db, resource: SlugResource, table: SluggedTable, base: string): string {
  // Every create runs this: both queries are prepared once.
  const now = prepared(db, `freshSlug:${resource}`, () =>
    db.select({ slug: table.slug }).from(table).where(slugFamilyPlaceholders(table.slug)).prepare(),
  ).all(familyParams(base)) as { slug: string }[];
  const past = prepared(db, `freshSlug:${resource}:past`, () =>
    db
      .select({ slug: slugHistory.slug })
      .from(slugHistory)
      .where(and(eq(slugHistory.resource, resource), slugFamilyPlaceholders(slugHistory.slug)))
      .prepare(),
  ).all(familyParams(base));
  return uniqueSlug(base, new Set([...now, ...past].map((r) => r.slug)));
}

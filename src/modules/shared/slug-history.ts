import { and, eq, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import { together } from '../../db/together.js';
import type { slugResources } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso } from '../../lib/time.js';
import { uniqueSlug } from '../../lib/slug.js';
import { familyParams, isId, slugFamilyPlaceholders } from './lookup.js';

/** Resources whose old slugs keep redirecting (slug_history). */
export type SlugResource = (typeof slugResources)[number];
/** Everything with a unique slug: tags have only their current one. */
export type SlugOwner = SlugResource | 'tag';
const hasHistory = (r: SlugOwner): r is SlugResource => r !== 'tag';
type SluggedTable = SQLiteTable & { id: SQLiteColumn; slug: SQLiteColumn };

const pathOf: Record<SlugResource, string> = { article: 'articles', author: 'authors', bureau: 'bureaus' };

/** Keeps an old slug pointing at its item; an item moving back to an old slug reclaims it. */
export async function rememberSlug(db: Database, resource: SlugResource, resourceId: number, oldSlug: string, newSlug: string) {
  if (oldSlug === newSlug) return;
  const c = db.conn;
  const { slugHistory } = db.tables;
  await c.delete(slugHistory).where(and(eq(slugHistory.resource, resource), eq(slugHistory.slug, newSlug)));
  await c
    .insert(slugHistory)
    .values({ resource, slug: oldSlug, resourceId, createdAt: nowIso() })
    .onConflictDoUpdate({ target: [slugHistory.resource, slugHistory.slug], set: { resourceId } });
}

/** Deleting an item frees the slugs it used. */
export const forgetSlugs = async (db: Database, resource: SlugResource, resourceId: number) => {
  const { slugHistory } = db.tables;
  await db.conn.delete(slugHistory).where(and(eq(slugHistory.resource, resource), eq(slugHistory.resourceId, resourceId)));
};

/**
 * Records that `slug` was public for the item: it then keeps redirecting to the item and
 * stays reserved after a rename. Articles call this for the slug they are public under,
 * so a draft renamed before it ever went out leaves nothing behind (no slug squatting).
 * The row may name the item's current slug; it only matters once the item moves away.
 */
export async function markSlugPublic(db: Database, resource: SlugResource, resourceId: number, slug: string) {
  const c = db.conn;
  const { slugHistory } = db.tables;
  await prepared(c, 'slugHistory.markPublic', () =>
    c
      .insert(slugHistory)
      .values({ resource: sql.placeholder('resource'), slug: sql.placeholder('slug'), resourceId: sql.placeholder('resourceId'), createdAt: sql.placeholder('createdAt') } as unknown as typeof slugHistory.$inferInsert)
      .onConflictDoNothing()
      .prepare(),
  ).execute({ resource, slug, resourceId, createdAt: nowIso() });
}

/**
 * Throws a 308 to the current slug when `key` is a slug the item used to have and the
 * caller may see the item (`canSee`; everyone when absent). Otherwise returns, and the
 * caller answers exactly what it answers for a slug that never existed. The error handler
 * rewrites `location` for the request's own path and query (a write to an old slug is
 * redirected to the same operation at the new one).
 */
export async function redirectIfMoved(
  db: Database,
  resource: SlugResource,
  table: SluggedTable,
  key: string,
  query = '',
  canSee: (id: number) => boolean | Promise<boolean> = () => true,
): Promise<void> {
  if (isId(key)) return;
  const { slugHistory } = db.tables;
  const [row] = (await db.conn
    .select({ id: table.id, slug: table.slug })
    .from(slugHistory)
    .innerJoin(table, eq(table.id, slugHistory.resourceId))
    .where(and(eq(slugHistory.resource, resource), eq(slugHistory.slug, key)))
    .limit(1)) as { id: number; slug: string }[];
  // A row naming the current slug is a public slug the item still has: not a move.
  if (!row || row.slug === key || !(await canSee(row.id))) return;
  const location = `/v1/${pathOf[resource]}/${row.slug}${query}`;
  throw new AppError('moved', `"${key}" is now "${row.slug}"`, { extra: { slug: row.slug, location } });
}

/** The owner of `slug`, current or past, other than `exceptId`. */
export async function slugOwner(db: Database, resource: SlugOwner, table: SluggedTable, slug: string, exceptId?: number) {
  const c = db.conn;
  const { slugHistory } = db.tables;
  const [current] = (await c.select({ id: table.id }).from(table).where(eq(table.slug, slug)).limit(1)) as { id: number }[];
  if (current && current.id !== exceptId) return 'current';
  if (!hasHistory(resource)) return null;
  const [past] = await c
    .select({ id: slugHistory.resourceId })
    .from(slugHistory)
    .where(and(eq(slugHistory.resource, resource), eq(slugHistory.slug, slug)))
    .limit(1);
  return past && past.id !== exceptId ? 'past' : null;
}

/**
 * Every unit of work that may give `slug` to a `resource` holds this first and only then
 * checks that the slug is free: of two doing so at once, the second checks after the first
 * committed, and sees its slug taken (see Database.serialise; nothing on SQLite). One key per
 * slug, not per family: `foo-2` can come from the family of `foo` or be asked for outright.
 * Keys are only ever taken base first, then longer candidates, so two units cannot wait on
 * each other in a circle.
 */
const holdSlug = (db: Database, resource: SlugOwner, slug: string) => db.serialise(`slug:${resource}:${slug}`);

/** A 409 naming `body.slug` when another item has, or had, the slug. */
export async function assertSlugFree(db: Database, resource: SlugOwner, table: SluggedTable, slug: string, exceptId?: number) {
  await holdSlug(db, resource, slug);
  const owner = await slugOwner(db, resource, table, slug, exceptId);
  if (owner === null) return;
  throw new AppError(
    'conflict',
    owner === 'current'
      ? `The slug "${slug}" is already used by another ${resource}`
      : `The slug "${slug}" used to belong to another ${resource} and still redirects there`,
    { errors: [{ path: 'body.slug', message: owner === 'current' ? 'Already taken' : 'Reserved by an earlier slug' }] },
  );
}

/** The first slug among `base`, `base-2`, … that no item has or had, held (holdSlug) for the caller's unit of work. */
export async function freshSlug(db: Database, resource: SlugOwner, table: SluggedTable, base: string): Promise<string> {
  // Every create runs this: one statement (current and past slugs), prepared once.
  const c = db.conn;
  const { slugHistory } = db.tables;
  const family = prepared(c, `freshSlug:${resource}`, () => {
    const current = c.select({ slug: table.slug }).from(table).where(slugFamilyPlaceholders(table.slug));
    if (!hasHistory(resource)) return current.prepare();
    const past = c
      .select({ slug: slugHistory.slug })
      .from(slugHistory)
      .where(and(eq(slugHistory.resource, resource), slugFamilyPlaceholders(slugHistory.slug)));
    return current.unionAll(past).prepare();
  });
  // Sent together with the lock, and run after it: the read's snapshot is taken once the slug is held.
  const [, rows] = await together([holdSlug(db, resource, base), family.execute(familyParams(base))]);
  const taken = new Set((rows as { slug: string }[]).map((r) => r.slug));
  for (;;) {
    const slug = uniqueSlug(base, taken);
    if (slug === base) return slug;
    await holdSlug(db, resource, slug);
    // Checked again once held: another unit of work may have taken it and committed since.
    if ((await slugOwner(db, resource, table, slug)) === null) return slug;
    taken.add(slug);
  }
}

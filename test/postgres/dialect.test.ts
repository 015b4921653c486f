import { asc, desc, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import t, { type Test } from 'tap';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { ascNullsLowest, descNullsLowest, inIds, isUniqueViolation } from '../../src/db/pg/dialect.js';
import * as pgSchema from '../../src/db/pg/schema.js';
import * as sqliteSchema from '../../src/db/schema.js';
import { freshPgDatabase, pgPool } from '../helpers/pg.js';

const at = '2026-01-01T00:00:00.000Z';
// Case, accents, scripts, emoji, punctuation and digits: where locale collations disagree
// with SQLite's byte order.
const names = ['banana', 'Banana', 'ábaco', 'abaco', 'Zebra', 'zebra', 'éclair', 'eclair', '10', '9', '_x', '-x', ' x', 'Ωmega', 'ωmega', '中文', '🙂 smile', 'a-b', 'a.b', 'ab', 'a b'];
const published = ['2026-01-02T00:00:00.000Z', null, '2026-01-01T00:00:00.000Z', null, '2026-01-03T00:00:00.000Z'];

async function bothEngines(t: Test) {
  const lite = openDatabase(':memory:');
  t.teardown(() => lite.$client.close());
  migrateDatabase(lite);
  const pg = drizzle(pgPool(t, (await freshPgDatabase(t)).url), { schema: pgSchema });
  const tags = names.map((name, i) => ({ slug: `t${i}`, name, createdAt: at, updatedAt: at }));
  const bureau = { slug: 'b', name: 'B', createdAt: at, updatedAt: at };
  const articles = published.map((publishedAt, i) => ({ slug: `a${i}`, headline: `A${i}`, bureauId: 1, publishedAt, createdAt: at, updatedAt: at }));
  lite.insert(sqliteSchema.tags).values(tags).run();
  lite.insert(sqliteSchema.bureaus).values(bureau).run();
  lite.insert(sqliteSchema.articles).values(articles).run();
  await pg.insert(pgSchema.tags).values(tags);
  await pg.insert(pgSchema.bureaus).values(bureau);
  await pg.insert(pgSchema.articles).values(articles);
  return { lite, pg };
}

t.test('text and NULL ordering are the same on both engines', async (t) => {
  const { lite, pg } = await bothEngines(t);
  const liteNames = lite.select({ name: sqliteSchema.tags.name }).from(sqliteSchema.tags).orderBy(asc(sqliteSchema.tags.name)).all();
  const pgNames = await pg.select({ name: pgSchema.tags.name }).from(pgSchema.tags).orderBy(asc(pgSchema.tags.name));
  t.same(pgNames, liteNames, 'names sort bytewise (COLLATE "C" = BINARY)');
  // This machine's databases are C.UTF-8, which sorts by code point anyway: a linguistic
  // collation (as a server created with en_US would use) shows the data tells them apart.
  const linguistic = await pg.select({ name: pgSchema.tags.name }).from(pgSchema.tags).orderBy(sql`${pgSchema.tags.name} COLLATE "en-US-x-icu"`);
  t.notSame(linguistic, liteNames, 'a locale collation would sort these differently');

  const a = sqliteSchema.articles;
  const p = pgSchema.articles;
  const liteAsc = lite.select({ id: a.id }).from(a).orderBy(asc(a.publishedAt), asc(a.id)).all();
  const liteDesc = lite.select({ id: a.id }).from(a).orderBy(desc(a.publishedAt), desc(a.id)).all();
  t.same(await pg.select({ id: p.id }).from(p).orderBy(ascNullsLowest(p.publishedAt), asc(p.id)), liteAsc, 'NULL first ascending');
  t.same(await pg.select({ id: p.id }).from(p).orderBy(descNullsLowest(p.publishedAt), desc(p.id)), liteDesc, 'NULL last descending');
  t.notSame(await pg.select({ id: p.id }).from(p).orderBy(desc(p.publishedAt), desc(p.id)), liteDesc, "PostgreSQL's default would differ");
});

t.test('id lists are one array parameter', async (t) => {
  const { pg } = await bothEngines(t);
  const q = (ids: number[]) => pg.select({ id: pgSchema.tags.id }).from(pgSchema.tags).where(inIds(pgSchema.tags.id, ids)).orderBy(pgSchema.tags.id);
  t.same(await q([3, 1, 99]), [{ id: 1 }, { id: 3 }]);
  t.same(await q([]), []);
  t.equal(q([1]).toSQL().sql, q([1, 2, 3, 4]).toSQL().sql, 'the same statement for any length');
});

t.test('unique violations are told apart from other errors', async (t) => {
  const { pg } = await bothEngines(t);
  const error = await pg.insert(pgSchema.tags).values({ slug: 't0', name: 'again', createdAt: at, updatedAt: at }).catch((e: unknown) => e);
  t.ok(isUniqueViolation(error), 'a duplicate slug');
  t.ok(isUniqueViolation(error, 'tags_slug_unique'), 'on that constraint');
  t.notOk(isUniqueViolation(error, 'authors_slug_unique'), 'not on another');
  const fk = await pg.insert(pgSchema.articles).values({ slug: 'x', headline: 'x', bureauId: 42, createdAt: at, updatedAt: at }).catch((e: unknown) => e);
  t.ok(fk instanceof Error, 'a foreign key error');
  t.notOk(isUniqueViolation(fk), 'is not a unique violation');
  t.notOk(isUniqueViolation(null));
});

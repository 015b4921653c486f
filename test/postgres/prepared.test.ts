import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { prepared } from '../../src/db/prepared.js';
import { freshPgDatabase } from '../helpers/pg.js';

// src/db/prepared.ts on PostgreSQL: a query prepared once is a named statement, parsed once
// per connection, whatever the length of its key.

t.test('a prepared query is a named statement on its connection', async (t) => {
  const db = await openPostgres((await freshPgDatabase(t)).url, { poolSize: 1 });
  t.teardown(() => db.close());
  const { tags } = db.tables;
  const at = new Date().toISOString();
  await db.write(() => db.conn.insert(tags).values({ slug: 'one', name: 'One', createdAt: at, updatedAt: at }));
  const bySlug = (key: string) =>
    prepared(db.conn, key, () => db.conn.select({ id: tags.id }).from(tags).where(eq(tags.slug, sql.placeholder('slug'))).prepare());
  // Longer than the server's 63-byte names and equal over their first 63 bytes.
  const long = `test.tagBySlug:${'x'.repeat(80)}`;
  for (const key of [long, `${long}:other`, long]) t.same(await bySlug(key).execute({ slug: 'one' }), [{ id: 1 }]);
  const { rows } = await db.pool.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'dl\\_%'`);
  t.equal(rows.length, 2, 'one statement per key on the one pooled connection');
  t.ok(rows.every((r) => r.name.length < 64));
});

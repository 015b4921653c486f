import t from 'tap';
import { freshPgDatabase, pgPool } from '../helpers/pg.js';

const insertTag = `INSERT INTO tags (slug, name, created_at, updated_at) VALUES ($1, $1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`;
const version = async (pool: { query: (q: string) => Promise<{ rows: { version: string }[] }> }) =>
  Number((await pool.query('SELECT version FROM content_version WHERE id = 1')).rows[0]!.version);

t.test('each test gets its own migrated database', async (t) => {
  const a = pgPool(t, (await freshPgDatabase(t)).url);
  const b = pgPool(t, (await freshPgDatabase(t)).url);
  await a.query(insertTag, ['only-in-a']);
  t.equal((await a.query('SELECT count(*)::int AS n FROM tags')).rows[0].n, 1);
  t.equal((await b.query('SELECT count(*)::int AS n FROM tags')).rows[0].n, 0, 'the other database is untouched');
  t.equal(await version(b), 1, 'the migrations seeded content_version');
});

t.test('content_version moves once per committed write transaction, at commit', async (t) => {
  const pool = pgPool(t, (await freshPgDatabase(t)).url);
  const before = await version(pool);
  const writer = await pool.connect();
  t.teardown(() => writer.release());
  await writer.query('BEGIN');
  await writer.query(insertTag, ['one']);
  await writer.query(insertTag, ['two']);
  await writer.query(`UPDATE tags SET name = 'Two' WHERE slug = 'two'`);
  t.equal(await version(pool), before, 'not before the commit');
  await writer.query('COMMIT');
  t.equal(await version(pool), before + 1, 'once for the whole transaction');
  await pool.query(`DELETE FROM tags WHERE slug = 'one'`);
  t.equal(await version(pool), before + 2, 'a single statement is its own transaction');
  await pool.query(`SELECT 1 FROM tags`);
  await pool.query(`INSERT INTO server_keys (name, value) VALUES ('k', 'v')`);
  t.equal(await version(pool), before + 2, 'reads and non-content writes leave it');
});

// The bump runs at COMMIT, so an open write transaction does not hold the content_version
// row: writers on other connections (other instances) are not serialised behind it.
t.test('an open write transaction does not block other writers', async (t) => {
  const pool = pgPool(t, (await freshPgDatabase(t)).url);
  const slow = await pool.connect();
  t.teardown(() => slow.release());
  await slow.query('BEGIN');
  await slow.query(insertTag, ['slow']);
  const other = await pool.connect();
  t.teardown(() => other.release());
  await other.query(`SET lock_timeout = '500ms'`);
  await other.query(insertTag, ['fast']);
  t.pass('the other writer committed while the first was open');
  await slow.query('COMMIT');
  t.equal(await version(pool), 3, 'both moved it');
});

import type { Database } from '../../src/db/database.js';
import type { PostgresDatabase } from '../../src/db/postgres.js';
import type { SqliteDatabase } from '../../src/db/sqlite.js';

/** The engine the suite runs on: `DATELINE_TEST_ENGINE=postgres` (npm run test:postgres), else SQLite. */
export const testEngine: 'sqlite' | 'postgres' = process.env.DATELINE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** The raw SQLite connections of a database, for tests about SQLite itself; fails on PostgreSQL. */
export function sqliteOf(db: Database): SqliteDatabase['sqlite'] {
  if (db.engine !== 'sqlite') throw new Error('This test reads SQLite directly');
  return (db as SqliteDatabase).sqlite;
}

/** Each `?` in turn becomes `$1`, `$2`, … (tests write no `?` inside string literals). */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * Raw SQL for tests on either engine, bypassing the unit of work: `?` parameters, rows as
 * objects. Writes commit at once (PostgreSQL's pool sessions are read-only by default, so a
 * write runs in its own read-write transaction).
 */
export async function rawSql<T = Record<string, unknown>>(db: Database, text: string, ...params: unknown[]): Promise<T[]> {
  if (db.engine === 'sqlite') {
    const stmt = sqliteOf(db).writer.prepare(text);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  }
  const client = await (db as PostgresDatabase).pool.connect();
  try {
    await client.query('BEGIN READ WRITE');
    const { rows } = await client.query(numbered(text), params);
    await client.query('COMMIT');
    return rows as T[];
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** The one value of a one-row, one-column query (`SELECT count(*) …`), as a number when numeric. */
export async function rawValue(db: Database, text: string, ...params: unknown[]): Promise<unknown> {
  const [row] = await rawSql(db, text, ...params);
  return row === undefined ? undefined : Object.values(row)[0];
}

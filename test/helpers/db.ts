import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Test } from 'tap';
import { numbered } from '../../scripts/lib/db.js';
import type { Config } from '../../src/config.js';
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

/**
 * Runs one statement on a connection of its own, as another process (a script, a second
 * instance) would: `?` parameters. The app's own connections and unit of work are not used.
 */
export async function writeElsewhere(config: Config, text: string, ...params: unknown[]): Promise<void> {
  if (!config.databaseUrl) {
    const other = new BetterSqlite3(config.databaseFile);
    try {
      other.prepare(text).run(...params);
    } finally {
      other.close();
    }
    return;
  }
  const other = new pg.Client({ connectionString: config.databaseUrl });
  await other.connect();
  try {
    await other.query(numbered(text), params);
  } finally {
    await other.end();
  }
}

/** Records the SQL text of every statement the app reads with outside a unit of work, until the test ends. */
export function spyOnReads(t: Test, db: Database): string[] {
  const seen: string[] = [];
  if (db.engine === 'sqlite') {
    const reader = sqliteOf(db).reader;
    const prepare = reader.prepare.bind(reader);
    reader.prepare = ((sql: string) => (seen.push(sql), prepare(sql))) as typeof prepare;
    t.teardown(() => void (reader.prepare = prepare));
    return seen;
  }
  const pool = (db as PostgresDatabase).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const q = args[0] as string | { text: string };
    seen.push(typeof q === 'string' ? q : q.text);
    return query(...args);
  }) as typeof pool.query;
  t.teardown(() => void (pool.query = query as typeof pool.query));
  return seen;
}

/**
 * Makes every insert into `table` fail with "simulated failure" (a failure at a chosen point
 * of a transaction) until the returned function is called.
 */
export async function refuseInsertsInto(db: Database, table: string): Promise<() => Promise<void>> {
  if (db.engine === 'sqlite') {
    const writer = sqliteOf(db).writer;
    writer.exec(`CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
    return async () => void writer.exec(`DROP TRIGGER refuse_${table}`);
  }
  await rawSql(db, `CREATE FUNCTION refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$`);
  await rawSql(db, `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}()`);
  return async () => {
    await rawSql(db, `DROP TRIGGER refuse_${table} ON ${table}`);
    await rawSql(db, `DROP FUNCTION refuse_${table}()`);
  };
}

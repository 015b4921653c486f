// Copies a benchmark dataset from its SQLite file into a fresh PostgreSQL database, so both
// engines are measured on the same rows. Rows go in as they are stored (the two schemas hold
// the same columns: test/db-parity.test.ts); the PostgreSQL triggers build the search index
// and the change feed as the rows arrive, as they would for rows written through the API.
import BetterSqlite3 from 'better-sqlite3';
import { getTableColumns, getTableName, is, Table } from 'drizzle-orm';
import pg from 'pg';
import { migratePostgres } from '../src/db/pg/migrate.js';
import * as schema from '../src/db/schema.js';

// Filled by the migrations or by triggers while the other tables are copied.
const SKIP = new Set(['content_version', 'changes', 'change_feed_state']);
// Parents before children (foreign keys are checked as rows arrive).
const ORDER = ['bureaus', 'authors', 'tags', 'articles', 'article_authors', 'article_tags'];

/** A database named `name` on the server of `serverUrl`, created (or re-created) and migrated; returns its URL. */
export async function createPgDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  return url.toString();
}

export async function dropPgDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
}

/** The URL of database `name` when it already holds a copy of `articles` articles, else undefined. */
export async function reusedPgDatabase(serverUrl: string, name: string, articles: number): Promise<string | undefined> {
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM articles');
    return rows[0]?.n === articles ? url : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Copies every table of the SQLite file at `file` into the migrated PostgreSQL database at `url`. */
export async function copyToPostgres(file: string, url: string): Promise<{ rows: number; ms: number }> {
  const t0 = performance.now();
  const tables = (Object.values(schema) as unknown[]).filter((v): v is Table => is(v, Table));
  const names = tables.map((t) => getTableName(t)).filter((n) => !SKIP.has(n));
  names.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  const sqlite = new BetterSqlite3(file, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let rows = 0;
  try {
    await client.query('BEGIN');
    for (const name of names) {
      const table = tables.find((t) => getTableName(t) === name)!;
      const columns = Object.values(getTableColumns(table)).map((c) => c.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      const per = Math.floor(30_000 / columns.length);
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO "${name}" (${list}) OVERRIDING SYSTEM VALUE VALUES ${values}`, batch.flat());
        rows += batch.length;
        batch = [];
      };
      for (const row of sqlite.prepare(`SELECT ${list} FROM "${name}"`).raw().iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= per) await flush();
      }
      await flush();
      // Identity columns continue after the copied ids, as AUTOINCREMENT does.
      for (const c of Object.values(getTableColumns(table))) {
        if (c.primary && c.columnType === 'SQLiteInteger' && !SKIP.has(name)) {
          await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max("${c.name}") FROM "${name}"), 1))`, [name, c.name]);
        }
      }
    }
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
    sqlite.close();
  }
  return { rows, ms: performance.now() - t0 };
}

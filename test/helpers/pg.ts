import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import { migratePostgres } from '../../src/db/pg/migrate.js';

/**
 * PostgreSQL for tests: once per test process, a template database migrated with the real
 * migrations; then each test gets its own copy (`CREATE DATABASE … TEMPLATE`, a file copy,
 * far cheaper than migrating) and drops it in teardown. Names carry the pid and a random
 * suffix, so processes and other checkouts sharing the server never collide.
 */

/** The server to create databases on; its own database is only used for CREATE/DROP. */
export const pgServerUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const unique = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** The URL of another database on the same server. */
export const pgDatabaseUrl = (database: string) => {
  const url = new URL(pgServerUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgServerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let template: Promise<string> | undefined;

/** The migrated template of this process, created on first use and dropped when it exits. */
export function pgTemplate(): Promise<string> {
  template ??= (async () => {
    const name = unique('dateline_tpl');
    await onServer((c) => c.query(`CREATE DATABASE ${name}`));
    // Registered before migrating, so a failed migration still leaves nothing behind.
    t.teardown(() => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
    const pool = new pg.Pool({ connectionString: pgDatabaseUrl(name), max: 1 });
    try {
      await migratePostgres(pool);
    } finally {
      // A template must have no connections when it is copied.
      await pool.end();
    }
    return name;
  })();
  return template;
}

/** A fresh migrated database for one test, dropped in its teardown. */
export async function freshPgDatabase(t: Test): Promise<{ name: string; url: string }> {
  const tpl = await pgTemplate();
  const name = unique('dateline_test');
  await onServer((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  t.teardown(() => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return { name, url: pgDatabaseUrl(name) };
}

/** An empty database (nothing migrated) for one test, dropped in its teardown: what a first deployment starts on. */
export async function emptyPgDatabase(t: Test): Promise<{ name: string; url: string }> {
  const name = unique('dateline_empty');
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  t.teardown(() => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return { name, url: pgDatabaseUrl(name) };
}

/** A pool on `url`, ended in the test's teardown. */
export function pgPool(t: Test, url: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4, ...options });
  // An idle client whose connection dies emits on the pool; unheard, it would end the process.
  pool.on('error', (err) => t.comment(`idle pg client: ${err.message}`));
  t.teardown(() => pool.end());
  return pool;
}

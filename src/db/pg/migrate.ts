import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';

export const pgMigrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../../migrations/pg');

// Any constant works as long as every instance uses the same one; this is "dateline" in ASCII.
const MIGRATION_LOCK = 0x646174656c696e65n;

/**
 * Applies migrations/pg. Drizzle's migrator runs the pending migrations in one transaction
 * but takes no lock, so instances starting together would race to apply the same ones: a
 * session advisory lock makes the second wait, then find nothing left to do.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken = true;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder });
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    broken = false;
  } finally {
    // After a failure the session may still hold the lock: close it rather than pool it.
    client.release(broken);
  }
}

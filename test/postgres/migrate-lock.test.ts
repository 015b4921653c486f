import { readMigrationFiles } from 'drizzle-orm/migrator';
import t from 'tap';
import { migratePostgres, pgMigrationsFolder } from '../../src/db/pg/migrate.js';
import { emptyPgDatabase, pgPool } from '../helpers/pg.js';

// Instances of a first deployment start together and each migrates: the advisory lock in
// migratePostgres makes all but one wait, then find nothing left to do. Drizzle's migrator
// alone reads what was applied before anything serialises them, and the late ones fail on
// objects the first created (or apply them twice).
const expected = readMigrationFiles({ migrationsFolder: pgMigrationsFolder }).length;

t.test('four instances migrating one empty database at once: all succeed, each migration applied once', async (t) => {
  const { url } = await emptyPgDatabase(t);
  // One pool per instance: separate sessions, as separate processes have.
  const pools = [1, 2, 3, 4].map(() => pgPool(t, url, { max: 1 }));
  const results = await Promise.allSettled(pools.map((pool) => migratePostgres(pool)));
  t.same(
    results.map((r) => (r.status === 'fulfilled' ? 'ok' : String((r.reason as Error).message))),
    ['ok', 'ok', 'ok', 'ok'],
    'every instance migrated',
  );
  const { rows } = await pools[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  t.equal(rows[0]!.n, expected, 'each migration recorded once');
  // This database's advisory locks only: other tests' processes share the server.
  const locks = await pools[0]!.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  t.equal(locks.rows[0]!.n, 0, 'the lock is released');
});

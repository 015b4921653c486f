// `npx tsx bench/pg-content-state.ts [--seconds S]`
// What the cross-instance content-state check (src/db/pg/content-state.ts) costs per request
// on the PostgreSQL of DATABASE_URL (default: local `test`), in its own migrated database:
// one check at a time (every request waits one round trip) and 50 requests at once (checks
// coalesce), against a bare `SELECT 1` round trip.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPgContentStateReader } from '../src/db/pg/content-state.js';
import { migratePostgres } from '../src/db/pg/migrate.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 3);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = `pg_schema_state_${process.pid}_${randomBytes(3).toString('hex')}`;
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();

async function perRequest(concurrency: number, op: () => Promise<unknown>) {
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op();
        done++;
      }
    }),
  );
  return { requests: done, usPerRequest: Number((((performance.now() - t0) * 1000) / done).toFixed(1)) };
}

const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const pool = new pg.Pool({ connectionString: url, max: 10 });
try {
  await migratePostgres(pool);
  const read = createPgContentStateReader(pool);
  let queries = 0;
  const counting = createPgContentStateReader({ query: ((c: pg.QueryConfig) => (queries++, pool.query(c))) as unknown as pg.Pool['query'] });
  await perRequest(10, read); // warm: connections and prepared statements
  const rows = [];
  for (const concurrency of [1, 50]) {
    rows.push({ check: 'SELECT 1 (round trip)', concurrency, ...(await perRequest(concurrency, () => pool.query('SELECT 1'))) });
    rows.push({ check: 'content state', concurrency, ...(await perRequest(concurrency, read)) });
    queries = 0;
    const r = await perRequest(concurrency, counting);
    rows.push({ check: 'content state (queries/request)', concurrency, ...r, queriesPerRequest: Number((queries / r.requests).toFixed(3)) });
  }
  console.table(rows);
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

// What the cross-instance content-state check (src/db/pg/content-state.ts) costs per request,
// one check at a time (every request waits one round trip) and 50 requests at once (checks
// coalesce), against a bare `SELECT 1` round trip. `npm run bench` runs it on its PostgreSQL
// copy; alone, `npx tsx bench/pg-content-state.ts [--seconds S]` runs it in a migrated
// database of its own on the PostgreSQL of DATABASE_URL (default: local `test`).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPgContentStateReader } from '../src/db/pg/content-state.js';
import { migratePostgres } from '../src/db/pg/migrate.js';
import { closedLoop } from './closed-loop.js';

export type ContentStateCost = { check: string; concurrency: number; requests: number; usPerRequest: number; queriesPerRequest?: number };

async function perRequest(seconds: number, concurrency: number, op: () => Promise<unknown>) {
  const r = await closedLoop(seconds, concurrency, op);
  return { requests: r.requests, usPerRequest: Number(((r.seconds * 1e6) / r.requests).toFixed(1)) };
}

/** The check against a round trip, alone and 50 at once, on the migrated database at `url`. */
export async function measureContentStateCost(url: string, seconds: number): Promise<ContentStateCost[]> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    const read = createPgContentStateReader(pool);
    let queries = 0;
    const counting = createPgContentStateReader({ query: ((c: pg.QueryConfig) => (queries++, pool.query(c))) as unknown as pg.Pool['query'] });
    await perRequest(Math.min(seconds, 1), 10, read); // warm: connections and prepared statements
    const rows: ContentStateCost[] = [];
    for (const concurrency of [1, 50]) {
      rows.push({ check: 'SELECT 1 (round trip)', concurrency, ...(await perRequest(seconds, concurrency, () => pool.query('SELECT 1'))) });
      queries = 0;
      const r = await perRequest(seconds, concurrency, counting);
      rows.push({ check: 'content state', concurrency, ...r, queriesPerRequest: Number((queries / r.requests).toFixed(3)) });
    }
    return rows;
  } finally {
    await pool.end();
  }
}

/** One line for the benchmark's report. */
export function describeStateCost(rows: ContentStateCost[]): string {
  const at = (check: string, concurrency: number) => rows.find((r) => r.check.startsWith(check) && r.concurrency === concurrency)!;
  const [one, many] = [at('content state', 1), at('content state', 50)];
  return (
    `Content-state check on PostgreSQL, in-process (no HTTP): one at a time ${one.usPerRequest} µs per check (a SELECT 1 round trip: ${at('SELECT 1', 1).usPerRequest} µs); ` +
    `50 at once ${many.usPerRequest} µs per check and ${many.queriesPerRequest} queries per check (coalesced; 50 SELECT 1 at once: ${at('SELECT 1', 50).usPerRequest} µs each)`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `pg_schema_state_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const migrator = new pg.Pool({ connectionString: url, max: 1 });
    await migratePostgres(migrator).finally(() => migrator.end());
    console.table(await measureContentStateCost(url, Number(values.seconds ?? 3)));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

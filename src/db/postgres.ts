import type { SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Conn, Database } from './database.js';
import { fromDatabaseError, unavailable } from './errors.js';
import { createPgContentStateReader } from './pg/content-state.js';
import { migratePostgres, pgMigrationsFolder } from './pg/migrate.js';
import { postgresDialect } from './postgres-dialect.js';
import { pgTables } from './tables.js';
import { busy, createUnitOfWork, type Session } from './unit-of-work.js';

export type PostgresOptions = {
  /** Longest wait for a pooled connection, then for each lock a unit of work takes, before a 503. */
  lockTimeoutMs?: number;
  /** Longest any one statement inside a unit of work may run before it is cancelled (503). */
  statementTimeoutMs?: number;
  /** Longest a read outside a unit of work may run (a search, a count, a deep page) before it is a 503 `query_timeout`. */
  queryTimeoutMs?: number;
  /** Connections this process keeps to the server. */
  poolSize?: number;
  migrate?: boolean;
  onHookError?: (err: unknown) => void;
};

export type PostgresDatabase = Database & {
  /** The pool, for maintenance and tests: queries on it bypass the unit of work. */
  readonly pool: pg.Pool;
};

// `Conn` is typed as SQLite's (see tables.ts); raw SQL needs the driver's own API.
const asPg = (conn: Conn) => conn as unknown as NodePgDatabase;

/** A unit of work's pooled connection, and the Drizzle database on it that repositories use. */
type PgSession = Session & { client: pg.PoolClient; conn: Conn };

// The first half of every key serialise() takes: the two-integer form of advisory locks is
// its own key space, apart from the one-bigint locks of migrations and the change feed.
const SERIALISE_SPACE = 0x646c6e; // "dln"
const SERIALISE = { name: 'dateline_serialise', text: `SELECT pg_advisory_xact_lock(${SERIALISE_SPACE}, hashtext($1))` };

// Counts and 64-bit counters come back as strings by default (int8 can exceed 2^53). Every
// int8 this application reads is a count or a write counter far below that, and SQLite gives
// them as numbers: parse them as numbers so both engines give the same rows. Drizzle's
// node-postgres driver reads the global parsers, hence a global setting, made once.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * PostgreSQL behind the same unit of work as SQLite (see database.ts), with node-postgres'
 * pool (picked over postgres.js because the template-database test helpers, the migrator and
 * the content-state reader already speak it, and it is the driver Drizzle documents first).
 *
 * - Outside a unit of work, `conn` queries the pool, whose sessions are read-only by default
 *   (`default_transaction_read_only`): a write that bypasses the unit of work fails at once,
 *   as on SQLite, instead of committing on its own.
 * - A unit of work takes one pooled connection for its whole life (held in the
 *   AsyncLocalStorage frame, so every repository call inside it lands on it), runs
 *   `BEGIN READ WRITE` with a per-transaction `lock_timeout` and `statement_timeout`, nests
 *   as savepoints, and runs its after-commit hooks once the outermost level commits.
 * - Units of work run side by side. Each read-decide-write the services make is serialised
 *   by what it decides on, not by one lock for all writers: the row it changes (locked as it
 *   is read: dialect.lockRows), or for rows that do not exist yet (a fresh slug, an
 *   Idempotency-Key) a transaction-level advisory lock on that key (serialise). Every wait is
 *   bounded by lock_timeout, and a deadlock is detected by the server: both are a 503
 *   `database_busy`, never a hang. Counters every write moves (content_version, the change
 *   feed's sequence) are touched by deferred triggers at COMMIT (migrations/pg/0001, 0004).
 * - Failures of the database itself (restart, dropped connection, pool exhausted, a lock or
 *   statement out of time) become 503 `database_busy` / `database_unavailable` with
 *   Retry-After (src/db/errors.ts); the pool replaces dead connections on its own.
 */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<PostgresDatabase> {
  const lockTimeoutMs = opts.lockTimeoutMs ?? 5000;
  const statementTimeoutMs = opts.statementTimeoutMs ?? 15_000;
  const onHookError = opts.onHookError ?? ((err) => process.emitWarning(`after-commit hook failed: ${String(err)}`));
  if (opts.migrate !== false) {
    const migrator = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migratePostgres(migrator);
    } finally {
      await migrator.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: lockTimeoutMs,
    // A crashed or hung unit of work must not hold its locks for ever.
    idle_in_transaction_session_timeout: Math.max(statementTimeoutMs, 10_000),
    // A query is written as soon as it is made, not after the answer to the one before: a
    // unit of work's statements that do not need each other's answers (BEGIN and the first
    // reads, a lock and the read it guards) cost one round trip together. The server still
    // runs them one after another, in order; each has its own Sync, so after an error the
    // transaction is aborted and what follows fails with it.
    pipeline: true,
    options: '-c default_transaction_read_only=on',
    // PostgreSQL bounds and cancels a read on its own, so reads need no reader threads here.
    statement_timeout: opts.queryTimeoutMs ?? 10_000,
  });
  // An idle connection the server drops (a restart) errors on the pool: the pool discards it
  // and opens a new one on demand. Unheard, the event would end the process.
  pool.on('error', () => {});
  // A checked-out connection has no pool listener: when the server drops it (a restart
  // during a unit of work), node-postgres emits 'error' on the client after failing its
  // query, and unheard that ends the process. The query's own error is the one that counts
  // (a 503); the unit of work then releases the client as broken.
  pool.on('connect', (client) => client.on('error', () => {}));

  const poolConn = drizzle({ client: pool }) as unknown as Conn;
  // One Drizzle database per physical connection, so queries prepared on it are reused by
  // every unit of work that later gets that connection from the pool.
  const perClient = new WeakMap<pg.PoolClient, Conn>();
  const connOf = (client: pg.PoolClient) => {
    let conn = perClient.get(client);
    if (!conn) perClient.set(client, (conn = drizzle({ client }) as unknown as Conn));
    return conn;
  };
  const translate = (err: unknown) => fromDatabaseError(err) ?? err;

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      // A full pool that frees nothing in time is load; anything else is the server.
      if (pool.waitingCount > 0 || pool.totalCount >= (pool.options.max ?? 10)) throw busy('waiting for a connection');
      throw fromDatabaseError(err) ?? unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  const uow = createUnitOfWork<PgSession>({
    // Each unit of work holds one pooled connection for its whole life.
    async open() {
      const client = await connect();
      let begun: Promise<unknown> = Promise.resolve();
      return {
        client,
        conn: connOf(client),
        begin() {
          // The transaction and its own bounds on lock waits and statements, sent with the
          // unit's first statements instead of a round trip ahead of them (pipeline, above).
          // Its answer is awaited at COMMIT; should it fail, the statements behind it run in a
          // read-only session (default_transaction_read_only): a write or a row lock fails.
          begun = client.query(`BEGIN READ WRITE; SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL statement_timeout = ${statementTimeoutMs}`);
          begun.catch(() => {}); // awaited by commit or rollback
          return Promise.resolve();
        },
        async commit() {
          await begun;
          await client.query('COMMIT');
        },
        async rollback() {
          await begun.catch(() => {});
          await client.query('ROLLBACK');
        },
        savepoint: async (name) => void (await client.query(`SAVEPOINT ${name}`)),
        release: async (name) => void (await client.query(`RELEASE SAVEPOINT ${name}`)),
        undo: async (name) => void (await client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`)),
        // A connection whose transaction state is unknown (a failed ROLLBACK) is closed, not pooled.
        end: (broken) => client.release(broken === undefined ? undefined : broken instanceof Error ? broken : new Error(String(broken))),
      };
    },
    lockTimeoutMs,
    onHookError,
    translate,
  });

  // The content-state check runs before every public read, cache hits included: on its own
  // connection it never queues behind the pool's reads and writes, and costs no pool checkout.
  const statePool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: lockTimeoutMs,
    options: '-c default_transaction_read_only=on',
    statement_timeout: opts.queryTimeoutMs ?? 10_000,
  });
  // As the main pool's: a dropped connection fails its query (a 503), never the process.
  statePool.on('error', () => {});
  statePool.on('connect', (client) => client.on('error', () => {}));
  const readState = createPgContentStateReader(statePool, translate);
  return {
    engine: 'postgres',
    dialect: postgresDialect,
    tables: pgTables,
    migrationsFolder: pgMigrationsFolder,
    get conn() {
      return uow.current()?.conn ?? poolConn;
    },
    get inWrite() {
      return uow.current() !== undefined;
    },
    async all<T>(query: SQL) {
      return ((await asPg(uow.current()?.conn ?? poolConn).execute(query)).rows ?? []) as T[];
    },
    async run(query: SQL) {
      await asPg(uow.current()?.conn ?? poolConn).execute(query);
    },
    write: uow.write,
    async serialise(key: string) {
      const session = uow.current();
      if (!session) throw new Error('serialise() is for decisions inside a unit of work');
      await session.client.query({ ...SERIALISE, values: [key] });
    },
    onCommit: uow.onCommit,
    async close() {
      await Promise.all([pool.end(), statePool.end()]);
    },
    async migrationsApplied() {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
      return rows[0]!.n;
    },
    async sizeBytes() {
      const { rows } = await pool.query<{ n: number }>('SELECT pg_database_size(current_database()) AS n');
      return rows[0]!.n;
    },
    contentState: readState,
    pool,
  };
}

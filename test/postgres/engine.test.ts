import { setTimeout as sleep } from 'node:timers/promises';
import { count, eq, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { openPostgres, type PostgresDatabase, type PostgresOptions } from '../../src/db/postgres.js';
import { fromDatabaseError } from '../../src/db/errors.js';
import { AppError } from '../../src/errors.js';
import { freshPgDatabase } from '../helpers/pg.js';

// The PostgreSQL engine behind the Database seam (src/db/postgres.ts): the same unit-of-work
// contract as SQLite's (test/unit-of-work.test.ts), plus what only a server database has.

async function database(t: Test, opts: PostgresOptions = {}, url?: string): Promise<PostgresDatabase> {
  // The template is migrated already: migrating again finds nothing to do.
  const db = await openPostgres(url ?? (await freshPgDatabase(t)).url, { poolSize: 4, ...opts });
  t.teardown(() => db.close());
  return db;
}

const now = new Date().toISOString();
const addTag = (db: PostgresDatabase, slug: string) => db.conn.insert(db.tables.tags).values({ slug, name: slug, createdAt: now, updatedAt: now });
const slugs = async (db: PostgresDatabase) => (await db.conn.select({ slug: db.tables.tags.slug }).from(db.tables.tags).orderBy(db.tables.tags.slug)).map((r) => r.slug);
const codeOf = (err: unknown) => (err instanceof AppError ? `${err.status} ${err.code} ${String(err.extra?.retryAfter)}` : String(err));

t.test('outside a unit of work the connection is read-only', async (t) => {
  const db = await database(t);
  t.equal(db.engine, 'postgres');
  t.equal(db.inWrite, false);
  await t.rejects(addTag(db, 'stray'), { cause: { code: '25006' } }, 'a write that bypasses the unit of work fails instead of committing alone');
  await db.write(async () => {
    t.equal(db.inWrite, true);
    await addTag(db, 'inside');
  });
  t.same(await slugs(db), ['inside']);
  t.ok((await db.migrationsApplied()) >= 1, 'the migrations are counted');
  t.ok((await db.sizeBytes()) > 0);
});

t.test('other readers never see a unit of work before it commits', async (t) => {
  const db = await database(t);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const unit = db.write(async () => {
    await addTag(db, 'pending');
    await gate;
  });
  await sleep(50);
  t.same(await slugs(db), [], 'not visible outside before the commit');
  release();
  await unit;
  t.same(await slugs(db), ['pending']);
});

t.test('a failure rolls the whole unit back; a failed nested unit only itself', async (t) => {
  const db = await database(t);
  await t.rejects(
    db.write(async () => {
      await addTag(db, 'lost');
      throw new Error('boom');
    }),
    /boom/,
  );
  t.same(await slugs(db), []);

  const committed: string[] = [];
  await db.write(async () => {
    await addTag(db, 'outer');
    db.onCommit(() => committed.push('outer'));
    await t.rejects(
      db.write(async () => {
        await addTag(db, 'inner');
        db.onCommit(() => committed.push('inner'));
        throw new Error('inner fails');
      }),
    );
    // A failed statement aborts a transaction on PostgreSQL; the savepoint keeps it usable.
    await db.write(() => addTag(db, 'after'));
    t.same(committed, [], 'no hook runs before the commit');
  });
  t.same(await slugs(db), ['after', 'outer']);
  t.same(committed, ['outer'], 'the failed nested unit dropped its hook');
});

t.test('a duplicate inside a unit is a unique violation the dialect recognises, and the unit can go on', async (t) => {
  const db = await database(t);
  await db.write(async () => {
    await addTag(db, 'twin');
    const err = await db.write(() => addTag(db, 'twin')).catch((e: unknown) => e);
    t.ok(db.dialect.isUniqueViolation(err));
    t.notOk(db.dialect.isUniqueViolation(new Error('other')));
    await db.conn.update(db.tables.tags).set({ name: 'Twin' }).where(eq(db.tables.tags.slug, 'twin'));
  });
  t.same(await slugs(db), ['twin']);
});

t.test('writers of one key take turns across pools (instances), a wait past the lock timeout is a 503, other writers run side by side', async (t) => {
  const { url } = await freshPgDatabase(t);
  const a = await database(t, { lockTimeoutMs: 300 }, url);
  const b = await database(t, { lockTimeoutMs: 300, poolSize: 2 }, url);
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = a.write(async () => {
    await a.serialise('slug:tag:shared');
    order.push('a begins');
    await gate;
    order.push('a ends');
  });
  await sleep(50);
  await b.write(async () => {
    await b.serialise('slug:tag:other');
    order.push('b, another key, runs');
  });
  const err = await b.write(() => b.serialise('slug:tag:shared')).catch((e: unknown) => e);
  t.equal(codeOf(err), '503 database_busy 1', 'the second writer of the key gave up after the lock timeout');
  const second = b.write(async () => {
    await b.serialise('slug:tag:shared');
    order.push('b runs');
  });
  await sleep(50);
  release();
  await Promise.all([first, second]);
  t.same(order, ['a begins', 'b, another key, runs', 'a ends', 'b runs'], 'only the writer of the same key waited for the first to commit');
  await t.rejects(b.serialise('x'), /inside a unit of work/, 'serialise outside a unit of work is a programming error');
});

t.test('an exhausted pool is database_busy; a statement past its time is query_timeout', async (t) => {
  const db = await database(t, { lockTimeoutMs: 200, statementTimeoutMs: 200, poolSize: 1 });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const holder = db.write(() => gate);
  await sleep(30);
  t.equal(codeOf(await db.write(async () => 1).catch((e: unknown) => e)), '503 database_busy 1', 'no connection freed in time');
  const read = await slugs(db).catch((e: unknown) => e);
  t.equal(codeOf(fromDatabaseError(read)), '503 database_busy 1', 'nor for a read (the error handler maps it)');
  release();
  await holder;
  await db.write(() => addTag(db, 'slow'));
  t.same(await slugs(db), ['slow'], 'the pool works again');
  const { tags } = db.tables;
  const err = await db
    .write(() => db.conn.select({ n: count() }).from(tags).where(sql`(SELECT pg_sleep(1)) IS NOT NULL`))
    .catch((e: unknown) => e);
  t.equal(codeOf(err), '503 query_timeout 2', 'statement_timeout cancels it');
});

t.test('a server that cannot be reached is database_unavailable, never a 500', async (t) => {
  const db = await openPostgres('postgres://postgres@127.0.0.1:1/none', { migrate: false, lockTimeoutMs: 500 });
  t.teardown(() => db.close());
  t.equal(codeOf(await db.write(async () => 1).catch((e: unknown) => e)), '503 database_unavailable 2');
  t.equal(codeOf(await Promise.resolve(db.contentState()).catch((e: unknown) => e)), '503 database_unavailable 2');
});

t.test('a connection the server drops in the middle of a unit of work is database_unavailable, and the process lives on', async (t) => {
  const db = await database(t);
  // Without a listener on the checked-out client, node-postgres' 'error' event for the lost
  // connection would be an uncaught exception and end the process (a database restart did).
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  t.teardown(() => void process.off('uncaughtException', onUncaught));
  const err = await db
    .write(async () => {
      const { rows } = await (db.conn as unknown as { execute: (q: unknown) => Promise<{ rows: { pid: number }[] }> }).execute(sql`SELECT pg_backend_pid() AS pid`);
      const killer = await db.pool.connect();
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      killer.release();
      await sleep(200); // the connection's end arrives while the unit is between statements
      await addTag(db, 'lost');
    })
    .catch((e: unknown) => e);
  t.equal(codeOf(err), '503 database_unavailable 2');
  t.same(uncaught, [], 'no uncaught error');
  await db.write(() => addTag(db, 'after'));
  t.same(await slugs(db), ['after'], 'the pool gives a working connection afterwards; the lost unit left nothing');
});

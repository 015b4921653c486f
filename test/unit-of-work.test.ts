import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { tags } from '../src/db/schema.js';
import { openSqlite, type SqliteDatabase } from '../src/db/sqlite.js';
import { buildTestApp } from './helpers/app.js';

/** A migrated SQLite database of its own, closed and deleted after the test. */
function database(t: Test, lockTimeoutMs = 5000): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-uow-'));
  const db = openSqlite(join(dir, 'uow.db'), { lockTimeoutMs });
  t.teardown(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

const now = new Date().toISOString();
const addTag = (db: SqliteDatabase, slug: string) => db.conn.insert(tags).values({ slug, name: slug, createdAt: now, updatedAt: now });
const slugs = async (db: SqliteDatabase) => (await db.conn.select({ slug: tags.slug }).from(tags).orderBy(tags.slug)).map((r) => r.slug);

t.test('outside a unit of work the connection is read-only', async (t) => {
  const db = database(t);
  t.equal(db.inWrite, false);
  await t.rejects(addTag(db, 'stray'), /readonly/i, 'a write that bypasses the unit of work fails instead of waiting');
  await db.write(async () => {
    t.equal(db.inWrite, true);
    await addTag(db, 'inside');
  });
  t.same(await slugs(db), ['inside']);
});

t.test('other readers never see a unit of work before it commits', async (t) => {
  const db = database(t);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const unit = db.write(async () => {
    await addTag(db, 'pending');
    t.same(await slugs(db), ['pending'], 'the unit of work reads its own writes');
    await held;
  });
  await sleep(20);
  t.same(await slugs(db), [], 'a concurrent reader sees the last committed state');
  release();
  await unit;
  t.same(await slugs(db), ['pending'], 'and the change once committed');
});

t.test('a failure rolls back the whole unit; a nested unit is a savepoint', async (t) => {
  const db = database(t);
  await t.rejects(
    db.write(async () => {
      await addTag(db, 'doomed');
      throw new Error('boom');
    }),
    /boom/,
  );
  t.same(await slugs(db), [], 'nothing of a failed unit stays');

  await db.write(async () => {
    await addTag(db, 'outer');
    await t.rejects(
      db.write(async () => {
        await addTag(db, 'inner');
        throw new Error('inner fails');
      }),
      /inner fails/,
    );
    await db.write(() => addTag(db, 'second-inner'));
  });
  t.same(await slugs(db), ['outer', 'second-inner'], 'only the failed savepoint was undone');
});

t.test('after-commit hooks run once the outermost unit commits, and never on rollback', async (t) => {
  const db = database(t);
  const ran: string[] = [];
  await db.write(async () => {
    db.onCommit(() => ran.push('outer'));
    await db.write(async () => {
      db.onCommit(() => ran.push('nested'));
    });
    await db
      .write(async () => {
        db.onCommit(() => ran.push('rolled back'));
        throw new Error('undo');
      })
      .catch(() => undefined);
    t.same(ran, [], 'nothing runs before the commit');
  });
  t.same(ran, ['outer', 'nested']);

  await db
    .write(async () => {
      db.onCommit(() => ran.push('failed unit'));
      throw new Error('undo');
    })
    .catch(() => undefined);
  t.same(ran, ['outer', 'nested'], 'a failed unit runs no hook');
  db.onCommit(() => ran.push('outside'));
  t.same(ran, ['outer', 'nested', 'outside'], 'outside a unit of work a hook runs at once');
});

t.test('once no unit runs, work a unit left behind runs outside it (its AsyncLocalStorage is off)', async (t) => {
  const db = database(t);
  let leftBehind!: Promise<{ inWrite: boolean; wrote: boolean }>;
  await db.write(async () => {
    // Not awaited: it outlives the unit and its transaction.
    leftBehind = sleep(20).then(async () => ({ inWrite: db.inWrite, wrote: await addTag(db, 'late').then(() => true, () => false) }));
  });
  t.same(await leftBehind, { inWrite: false, wrote: false }, 'no stale unit: the reader, which refuses the write');
  await db.write(async () => t.equal(db.inWrite, true, 'the next unit turns it back on'));
  t.same(await slugs(db), []);
});

t.test('work a unit left behind never joins a later unit, even while that one runs', async (t) => {
  const db = database(t);
  let leftBehind!: Promise<{ inWrite: boolean; wrote: boolean }>;
  await db.write(async () => {
    leftBehind = sleep(20).then(async () => ({ inWrite: db.inWrite, wrote: await addTag(db, 'late').then(() => true, () => false) }));
  });
  // A later unit is running (its AsyncLocalStorage on) when the left-behind work wakes up:
  // Node keeps the finished unit's frame on that work's promises, so it must be refused there.
  await db.write(async () => {
    await addTag(db, 'on-time');
    t.same(await leftBehind, { inWrite: false, wrote: false }, 'the finished unit is not current: the reader refuses the write');
  });
  t.same(await slugs(db), ['on-time'], 'nothing of the left-behind work landed in the later unit');
});

t.test('units of work in one process queue on the lock, in order', async (t) => {
  const db = database(t);
  const order: string[] = [];
  await Promise.all(
    ['a', 'b', 'c'].map((slug) =>
      db.write(async () => {
        order.push(`${slug}:start`);
        await sleep(5);
        await addTag(db, slug);
        order.push(`${slug}:end`);
      }),
    ),
  );
  t.same(order, ['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end'], 'never two at once on the writer');
});

t.test('another process holding the write lock: the wait does not block the event loop, then 503', async (t) => {
  const db = database(t, 300);
  const other = new BetterSqlite3(db.sqlite.file);
  t.teardown(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = Date.now();
  const err = await db.write(() => addTag(db, 'blocked')).catch((e: unknown) => e);
  clearInterval(timer);
  t.match(err, { code: 'database_busy', status: 503, extra: { retryAfter: 1 } });
  t.ok(Date.now() - started >= 250, 'it waited for the lock timeout');
  t.ok(ticks >= 10, `timers kept running while it waited (${ticks} ticks)`);
  other.exec('ROLLBACK');
  await db.write(() => addTag(db, 'after'));
  t.same(await slugs(db), ['after'], 'the next unit of work gets the lock');
  t.equal((await db.conn.select().from(tags).where(eq(tags.slug, 'blocked'))).length, 0);
});

t.test('a write that waits too long for the lock answers 503 with Retry-After', async (t) => {
  const ctx = await buildTestApp(t, { writeLockTimeoutMs: 200 });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  // Holds what the create must decide on (its slug; on SQLite, the one writer lock).
  const holder = ctx.app.db.write(async () => {
    await ctx.app.db.serialise('slug:tag:queued');
    await held;
  });
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: ctx.auth, payload: { name: 'Queued' } });
  t.equal(res.statusCode, 503);
  t.equal(res.headers['retry-after'], '1');
  t.equal(res.headers['content-type'], 'application/problem+json');
  t.match(res.json(), { code: 'database_busy', status: 503 });
  const health = await ctx.app.inject({ url: '/health' });
  t.equal(health.statusCode, 200, 'reads and health checks do not wait for the write lock');
  const list = await ctx.app.inject({ url: '/v1/tags' });
  t.equal(list.statusCode, 200);
  release();
  await holder;
  const retry = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: ctx.auth, payload: { name: 'Queued' } });
  t.equal(retry.statusCode, 201, 'the retry goes through');
});

t.test('a flat unit: nested units join it without savepoints, and any failure rolls back all of it', async (t) => {
  const db = database(t);
  const savepoints: string[] = [];
  const exec = db.sqlite.writer.exec.bind(db.sqlite.writer);
  db.sqlite.writer.exec = ((sql: string) => {
    if (/^(SAVEPOINT|RELEASE|ROLLBACK TO)/i.test(sql)) savepoints.push(sql);
    return exec(sql);
  }) as typeof db.sqlite.writer.exec;
  let hooked = 0;
  await db.write(
    async () => {
      await db.write(async () => {
        await addTag(db, 'one');
        db.onCommit(() => hooked++);
      });
      await db.write(() => addTag(db, 'two'));
    },
    { flat: true },
  );
  t.same(savepoints, [], 'no savepoint was opened');
  t.equal(hooked, 1, 'a nested unit’s after-commit hook ran once the flat unit committed');
  t.same(await slugs(db), ['one', 'two']);

  await t.rejects(
    db.write(
      async () => {
        await db.write(() => addTag(db, 'three'));
        await db.write(async () => {
          await addTag(db, 'four');
          throw new Error('boom');
        });
      },
      { flat: true },
    ),
    /boom/,
  );
  t.same(await slugs(db), ['one', 'two'], 'the nested unit that succeeded was rolled back with the one that failed');

  await db.write(async () => {
    await db.write(() => addTag(db, 'five'));
  });
  t.ok(savepoints.some((s) => /^SAVEPOINT/i.test(s)), 'without the option, a nested unit is a savepoint again');
});

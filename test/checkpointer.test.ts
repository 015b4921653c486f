import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { checkpointOffLoop } from '../src/db/checkpointer.js';

// The writer's WAL is checkpointed on a thread (src/db/checkpointer.ts): once the log has
// grown, the writer stops checkpointing inside its commits, the thread copies the log into
// the database file, and when the thread fails the writer takes the work back.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, ms = 30_000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (ok()) return;
  throw new Error(`timed out waiting until ${what}`);
}

function walDatabase(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
  const file = join(dir, 'x.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)');
  t.teardown(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, file, dir };
}
const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true }) as number;

t.test('a grown log is checkpointed by the thread, not by the writer', async (t) => {
  const { db, file } = walDatabase(t);
  const errors: unknown[] = [];
  const checkpoints = checkpointOffLoop(db, file, (err) => errors.push(err), { intervalMs: 20, startAtBytes: 512 * 1024 });
  t.teardown(() => checkpoints.stop());
  t.equal(autocheckpoint(db), 1000, 'the writer checkpoints as usual while the log is small');

  db.prepare('INSERT INTO blobs (data) VALUES (?)').run(Buffer.alloc(1024 * 1024, 1));
  await until('the thread has taken over', () => autocheckpoint(db) === 0);
  const before = statSync(file).size;
  // 3 MB: past the writer's default 1000 pages, so the writer would have checkpointed it.
  db.prepare('INSERT INTO blobs (data) VALUES (?)').run(Buffer.alloc(3 * 1024 * 1024, 2));
  t.ok(statSync(file).size - before < 1024 * 1024, 'the commit left the pages in the log');
  await until('the thread has copied them into the file', () => statSync(file).size - before >= 3 * 1024 * 1024);
  t.same(errors, []);

  await checkpoints.stop();
  db.close();
  t.same(new Database(file).prepare('SELECT count(*) AS n FROM blobs').get(), { n: 2 }, 'all of it is in the file');
});

t.test('when the thread fails, the writer checkpoints again', async (t) => {
  const { db, dir } = walDatabase(t);
  db.pragma('wal_autocheckpoint = 0');
  // Not a database: the thread's first checkpoint fails.
  const bogus = join(dir, 'bogus.db');
  writeFileSync(bogus, Buffer.alloc(8192, 7));
  const errors: unknown[] = [];
  const checkpoints = checkpointOffLoop(db, bogus, (err) => errors.push(err), { intervalMs: 20, startAtBytes: 0 });
  t.teardown(() => checkpoints.stop());
  await until('the failure is reported', () => errors.length > 0);
  t.match(errors[0], { message: /not a database/ });
  t.equal(autocheckpoint(db), 1000);
});

t.test('stopping before the thread is up ends it at once', async (t) => {
  const { db, file } = walDatabase(t);
  const checkpoints = checkpointOffLoop(db, file, () => undefined, { intervalMs: 10, startAtBytes: 0 });
  await sleep(30);
  const started = Date.now();
  await checkpoints.stop();
  t.ok(Date.now() - started < 1000, `stopped in ${Date.now() - started} ms`);
  t.equal(autocheckpoint(db), 1000, 'the writer kept checkpointing');
});

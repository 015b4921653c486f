import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import t from 'tap';
import { migrateDatabase, migrationsFolder, openDatabase } from '../src/db/client.js';

// Several processes migrating one SQLite file at the same instant, as instances of a
// deployment do: each must succeed, and every migration must be applied exactly once.
// Drizzle's migrator reads what was applied before it takes the write lock, so without a
// lock of our own the late ones re-apply what the first committed ("table already exists").
// Two cases: a first deployment (a new file) and upgrades (files one migration behind).
t.setTimeout(120_000);

const root = new URL('..', import.meta.url).pathname;
const expected = readMigrationFiles({ migrationsFolder }).length;
const PROCESSES = 4;
const UPGRADES = 5;

type Outcome = { file: string; ok: boolean; error?: string };

function migrateAt(at: number, files: string[]): Promise<Outcome[]> {
  const child = spawn(process.execPath, ['--import=tsx', 'test/helpers/migrate-at.ts', String(at), migrationsFolder, ...files], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((ok) => child.once('exit', () => ok(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Outcome))));
}

t.test(`${PROCESSES} processes migrating one file at once: all succeed, each migration applied once`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-migrate-together-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The release before this one: the same migrations less the newest.
  const previous = join(dir, 'previous');
  cpSync(migrationsFolder, previous, { recursive: true });
  const journal = join(previous, 'meta/_journal.json');
  const entries = JSON.parse(readFileSync(journal, 'utf8')) as { entries: unknown[] };
  writeFileSync(journal, JSON.stringify({ ...entries, entries: entries.entries.slice(0, -1) }));

  const files = [join(dir, 'new.db')];
  for (let i = 1; i <= UPGRADES; i++) {
    const file = join(dir, `upgrade-${i}.db`);
    const db = openDatabase(file);
    migrateDatabase(db, previous);
    db.$client.close();
    files.push(file);
  }
  // Far enough ahead for the children to load under tsx on a busy machine.
  const at = Date.now() + 4000;
  const outcomes = (await Promise.all(Array.from({ length: PROCESSES }, () => migrateAt(at, files)))).flat();
  t.equal(outcomes.length, PROCESSES * files.length, 'every process tried every file');
  t.same(
    outcomes.filter((o) => !o.ok),
    [],
    'every process migrated every file',
  );
  for (const file of files) {
    const db = new Database(file, { readonly: true });
    t.equal(db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get(), expected, `${file}: each migration recorded once`);
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  }
});

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import t from 'tap';
import { migrateDatabase, migrationsFolder, openDatabase } from '../src/db/client.js';

// Several processes migrating one new SQLite file at the same instant, as instances of a
// first deployment do: each must succeed, and every migration must be applied exactly once.
// Drizzle's migrator reads what was applied before it takes the write lock, so without a
// lock of our own the late ones re-apply what the first committed ("table already exists").
// Two cases: a first deployment (a new file) and an upgrade (a file one migration behind).
t.setTimeout(120_000);

const root = new URL('..', import.meta.url).pathname;
const expected = readMigrationFiles({ migrationsFolder }).length;

function migrateAt(file: string, at: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import=tsx', 'test/helpers/migrate-at.ts', file, String(at)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((ok) => child.once('exit', (code) => ok({ code, stderr })));
}

t.test('four processes migrating one file at once: all succeed, each migration applied once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-migrate-together-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The release before this one: the same migrations less the newest.
  const previous = join(dir, 'previous');
  cpSync(migrationsFolder, previous, { recursive: true });
  const journal = join(previous, 'meta/_journal.json');
  const entries = JSON.parse(readFileSync(journal, 'utf8')) as { entries: unknown[] };
  writeFileSync(journal, JSON.stringify({ ...entries, entries: entries.entries.slice(0, -1) }));

  for (let round = 1; round <= 3; round++) {
    const file = join(dir, `round-${round}.db`);
    if (round > 1) {
      const db = openDatabase(file);
      migrateDatabase(db, previous);
      db.$client.close();
    }
    // Far enough ahead for four children to load under tsx on a busy machine.
    const at = Date.now() + 4000;
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateAt(file, at)));
    t.same(
      results.map((r) => (r.code === 0 ? 'ok' : (/\w*Error: [^\n]*/.exec(r.stderr)?.[0] ?? `exit ${r.code}`))),
      ['ok', 'ok', 'ok', 'ok'],
      `round ${round} (${round === 1 ? 'new file' : 'upgrade'}): every process migrated`,
    );
    const db = new Database(file, { readonly: true });
    t.equal(db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get(), expected, 'each migration recorded once');
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  }
});

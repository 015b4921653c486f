import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';

const root = new URL('..', import.meta.url).pathname;
const kit = join(root, 'node_modules/.bin/drizzle-kit');

// As test/migrations.test.ts for SQLite: drizzle-kit compares src/db/pg/schema.ts with the
// snapshots in migrations/pg/meta; on a copy of the folder, `generate` must find nothing to
// do, or someone changed the PostgreSQL schema without a migration.
t.test('the PostgreSQL migrations match the pg Drizzle schema', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-pg-migrations-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(root, 'migrations/pg'), dir, { recursive: true });
  const before = readdirSync(dir).sort();
  const out = execFileSync(
    kit,
    // drizzle-kit prefixes `./` to --out, so it must be relative.
    ['generate', '--dialect', 'postgresql', '--schema', 'src/db/pg/schema.ts', '--out', relative(root, dir)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.same(readdirSync(dir).sort(), before, `no new migration was generated:\n${out}`);
  t.match(out, /No schema changes/);
  execFileSync(kit, ['check', '--dialect', 'postgresql', '--out', 'migrations/pg'], { cwd: root, stdio: 'pipe' });
});

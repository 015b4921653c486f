import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';

const root = new URL('..', import.meta.url).pathname;

// drizzle-kit compares src/db/schema.ts with the snapshots in migrations/meta; on a copy of
// the folder, `generate` must find nothing to do, or someone changed the schema without a migration.
t.test('the migrations match the Drizzle schema', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-migrations-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(root, 'migrations'), dir, { recursive: true });
  const before = readdirSync(dir).sort();
  const out = execFileSync(
    join(root, 'node_modules/.bin/drizzle-kit'),
    // drizzle-kit prefixes `./` to --out, so it must be relative.
    ['generate', '--dialect', 'sqlite', '--schema', 'src/db/schema.ts', '--out', relative(root, dir)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.same(readdirSync(dir).sort(), before, `no new migration was generated:\n${out}`);
  t.match(out, /No schema changes/);
  execFileSync(join(root, 'node_modules/.bin/drizzle-kit'), ['check', '--dialect', 'sqlite', '--out', 'migrations'], {
    cwd: root,
    stdio: 'pipe',
  });
});

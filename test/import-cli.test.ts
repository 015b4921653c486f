import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import t from 'tap';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const wire = readdirSync(join(root, 'test/fixtures/wire')).filter((f) => f.endsWith('.txt')).map((f) => join('test/fixtures/wire', f));

const cli = (args: string[], databaseFile: string) =>
  run(join(root, 'node_modules/.bin/tsx'), ['scripts/import.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_FILE: databaseFile, DEMO_DATA: 'false' } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

t.test('npm run import --database: wire and ninjs files straight into a stopped server’s database', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cli.db');
  const first = await cli([...wire, 'test/fixtures/ninjs/items.json', '--database', '--create-missing', '--bureau', 'wire-desk'], file);
  // Stories without a byline line and the ninjs items (`--bureau` wins over their agency) need
  // the bureau `--bureau` names, which does not exist yet: they fail, each by name.
  t.match(first.stdout, /34 items in [\d.]+ s: 28 created, 0 updated, 0 already imported, 6 failed/);
  t.match(first.stdout, /item 9: query\.bureau: No bureau with id or slug "wire-desk"/);
  t.equal(first.code, 1, 'a failed item makes the exit code 1');
  const again = await cli([...wire, 'test/fixtures/ninjs/items.json', '--database', '--create-missing', '--bureau', 'washington-bureau'], file);
  t.match(again.stdout, /34 items in [\d.]+ s: 6 created, 0 updated, 28 already imported, 0 failed/, 'the rest, and nothing twice');
  t.equal(again.code, 0);
  const db = new Database(file, { readonly: true });
  t.equal((db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n, 34);
  t.equal((db.prepare("SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NULL").get() as { n: number }).n, 0, 'its run token is revoked');
  db.close();
});

t.test('npm run import --database refuses a file another process holds open', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'held.db');
  const holder = new Database(file);
  holder.pragma('journal_mode = WAL');
  holder.exec('CREATE TABLE held (x)');
  t.teardown(() => holder.close());
  const res = await cli([wire[0]!, '--database'], file);
  t.equal(res.code, 1);
  t.match(res.stderr, /is open in another process \(a running server\?\)/);
});

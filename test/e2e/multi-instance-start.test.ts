import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { root } from '../../scripts/lib/build.js';
import { adminToken, appliedMigrations, engine, errorLogs, instances, sharedDatabase } from '../helpers/instances.js';

// A first deployment: several instances start at the same moment on an empty database.
// One of them migrates (the others wait for it, then find nothing left to do), one seeds
// the demo newsroom and one creates the first admin token; none fails to start.
t.setTimeout(120_000);
t.comment(`engine: ${engine}`);

const journal = join(root, engine === 'sqlite' ? 'migrations' : 'migrations/pg', 'meta/_journal.json');
const migrations = (JSON.parse(readFileSync(journal, 'utf8')) as { entries: unknown[] }).entries.length;

t.test('instances starting together on an empty database migrate, seed and make the first token once', async (t) => {
  const db = await sharedDatabase(t, { migrated: false });
  const servers = await instances(t, db.target, [{ DEMO_DATA: 'true' }, { DEMO_DATA: 'true' }, { DEMO_DATA: 'true' }]);
  t.pass('all three started');
  t.equal(await appliedMigrations(t, db.target), migrations, 'every migration applied once');
  for (const s of servers) t.equal((await fetch(`${s.url}/ready`)).status, 200, `${s.url} is ready`);

  const token = adminToken(db);
  const auth = { authorization: `Bearer ${token}` };
  const tokens = (await (await fetch(`${servers[0]!.url}/v1/tokens`, { headers: auth })).json()) as { data: { name: string }[] };
  t.same(
    tokens.data.map((x) => x.name),
    ['first admin'],
    'one first admin token, and it is the one in the file',
  );
  const bureaus = (await (await fetch(`${servers[1]!.url}/v1/bureaus`)).json()) as { data: { slug: string }[] };
  t.same(
    bureaus.data.map((b) => b.slug),
    ['lisbon-bureau'],
    'the demo newsroom, once',
  );
  const articles = (await (await fetch(`${servers[2]!.url}/v1/articles?limit=100&status=draft`, { headers: auth })).json()) as {
    data: { slug: string }[];
  };
  const slugs = articles.data.map((a) => a.slug);
  t.equal(new Set(slugs).size, slugs.length, 'no demo article twice');
  t.notOk(slugs.some((s) => /-\d+$/.test(s)), 'no renamed copies');
  t.same(errorLogs(servers), [], 'no instance logged an error');
});

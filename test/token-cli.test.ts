import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { testEngine } from './helpers/db.js';

// `npm run token` on the configured database, on either engine: DATABASE_URL when the suite
// runs on PostgreSQL, else the SQLite file. The running app must accept what it prints.
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

const tokenCli = (args: string[], at: { databaseFile: string; databaseUrl?: string }) =>
  run(join(root, 'node_modules/.bin/tsx'), ['scripts/token.ts', ...args], {
    cwd: root,
    // Undefined leaves DATABASE_URL out: a SQLite run must not inherit the suite's server URL.
    env: { ...process.env, DATABASE_FILE: at.databaseFile, DATABASE_URL: at.databaseUrl },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

t.test(`npm run token -- create: a working token on the configured database (${testEngine})`, async (t) => {
  const ctx = await buildTestApp(t);
  t.equal(Boolean(ctx.config.databaseUrl), testEngine === 'postgres', 'the script is pointed at this run’s engine');
  const made = await tokenCli(['create', '--name', 'Night desk', '--role', 'editor'], ctx.config);
  t.equal(made.code, 0, made.stderr);
  const token = made.stdout.trim();
  t.match(token, /^dl_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/, 'it prints the token, and only that');

  const list = await ctx.app.inject({ url: '/v1/tokens', headers: ctx.auth });
  t.same(
    (list.json() as { data: { name: string; role: string }[] }).data.map((x) => `${x.name}:${x.role}`).sort(),
    ['Night desk:editor', 'test admin:admin'],
    'the app sees the new token',
  );
  const asEditor = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: { authorization: `Bearer ${token}` }, payload: { name: 'Night' } });
  t.equal(asEditor.statusCode, 201, 'and accepts it for an editor’s write');
  t.equal((await ctx.app.inject({ url: '/v1/tokens', headers: { authorization: `Bearer ${token}` } })).statusCode, 403, 'with the editor role only');
});

t.test('npm run token without a name is a usage error, before any database is opened', async (t) => {
  const bad = await tokenCli(['create'], { databaseFile: join(tmpdir(), 'dateline-never-opened', 'x.db') });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /usage: npm run token -- create --name NAME/);
  t.match(bad.stderr, /give the token a --name/);
});

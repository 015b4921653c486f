import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { freePort, startServer, stop, waitReady } from '../../scripts/lib/server.js';
import { engine, sharedDatabase } from '../helpers/instances.js';

// The real server's first start, as `npm start` runs it, with every line it writes captured:
// the first admin token goes to a mode-0600 file beside the database and to neither stdout
// (where the JSON logs go) nor stderr; URLs carrying secrets are logged redacted. On an
// empty database of DATELINE_TEST_ENGINE (a PostgreSQL one has no file: the token goes to
// DATABASE_FILE's directory, the same way).
t.test(`the first admin token reaches no output stream, and secret URLs are logged redacted (${engine})`, async (t) => {
  const { target, dir } = await sharedDatabase(t, { migrated: false });
  const server = startServer(target, await freePort(), { LOG_LEVEL: 'info', DEMO_DATA: 'true' });
  let stdout = '';
  server.proc.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  t.teardown(() => stop(server));
  await waitReady(server);

  const file = join(dir, 'first-admin-token');
  t.equal(statSync(file).mode & 0o777, 0o600, 'the token file is readable by its owner only');
  const token = readFileSync(file, 'utf8').trim();
  t.match(token, /^dl_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/, 'it holds a token');
  const auth = { authorization: `Bearer ${token}` };
  t.equal((await fetch(`${server.url}/v1/tokens`, { headers: auth })).status, 200, 'an admin token that works');

  const article = (await (await fetch(`${server.url}/v1/articles?limit=1&status=draft`, { headers: auth })).json()) as { data: { id: number }[] };
  const draftId = article.data[0]!.id;
  const preview = (await (await fetch(`${server.url}/v1/articles/${draftId}/preview`, { method: 'POST', headers: auth })).json()) as { token: string };
  t.equal((await fetch(`${server.url}/v1/articles?access_token=${token}`)).status, 400, 'a token in the URL is refused');
  t.equal((await fetch(`${server.url}/v1/articles/${draftId}?preview=${preview.token}`)).status, 200, 'a preview link works');
  await stop(server);

  const everything = stdout + server.stderr();
  t.match(stdout, /"msg":"incoming request"/, 'stdout has the JSON request log');
  t.match(stdout, new RegExp(`first admin API token is in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'stdout says where the token is');
  const secret = token.split('_').pop()!;
  t.notOk(everything.includes(secret), 'neither stdout nor stderr holds the token');
  t.notOk(/dl_[A-Za-z0-9]{12}_/.test(everything), 'nor anything shaped like one');
  t.notOk(everything.includes(preview.token.split('.').pop()!), 'nor the preview link');
  t.match(stdout, /access_token=\[redacted\]/, 'the URL with the token is logged redacted');
  t.match(stdout, /preview=\[redacted\]/, 'the preview URL is logged redacted');
});

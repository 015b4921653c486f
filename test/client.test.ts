import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import t from 'tap';
import { retryDelay } from '../clients/typescript/src/index.js';
import { retryingFetch } from '../clients/typescript/src/retry.js';
import { clientTypes, schemaFile } from '../scripts/write-client.js';

const root = new URL('..', import.meta.url).pathname;

t.test('the client types match the contract (run `npm run client` after `npm run openapi`)', async (t) => {
  t.equal(readFileSync(schemaFile, 'utf8'), await clientTypes());
});

t.test('the client is browser-safe: no Node built-ins, compiles with DOM types only', async (t) => {
  const dir = new URL('../clients/typescript/src/', import.meta.url);
  for (const f of readdirSync(dir)) t.notMatch(readFileSync(new URL(f, dir), 'utf8'), /from ['"]node:|require\(/, f);
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'clients/typescript/tsconfig.json'], { cwd: root, stdio: 'pipe' });
});

t.test('retries honour Retry-After on 429 and 503, and give up past the cap', async (t) => {
  t.equal(retryDelay('2', 0), 2000);
  t.equal(retryDelay(new Date(Date.now() + 5000).toUTCString(), 0) > 3000, true);
  t.equal(retryDelay(null, 2), 1000);
  const answers = [429, 503, 200];
  const waits: number[] = [];
  const bodies: string[] = [];
  const fetch = retryingFetch(
    async (r) => {
      bodies.push(await r.text());
      const status = answers.shift()!;
      return new Response(status === 200 ? 'ok' : null, { status, headers: status === 200 ? {} : { 'retry-after': '1' } });
    },
    { sleep: async (ms) => void waits.push(ms) },
  );
  const res = await fetch(new Request('http://x/v1/tags', { method: 'POST', body: '{"name":"a"}' }));
  t.equal(res.status, 200);
  t.same(waits, [1000, 1000]);
  t.same(bodies, ['{"name":"a"}', '{"name":"a"}', '{"name":"a"}'], 'the body is sent again on each attempt');
  const capped = retryingFetch(async () => new Response(null, { status: 429, headers: { 'retry-after': '120' } }), { sleep: async () => void t.fail('must not wait') });
  t.equal((await capped(new Request('http://x/'))).status, 429, 'a wait past maxDelayMs is handed back');
});

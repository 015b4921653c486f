import t from 'tap';
import { startReady, stop } from '../../scripts/lib/server.js';
import { createConformance, type Exchange } from '../helpers/conformance.js';
import { databaseWithToken, engine } from '../helpers/instances.js';

// A newsroom session against a real server process over a socket, on a fresh install with
// its demo data. First every example request of the contract, in the order a newsroom would
// send them, each expecting its documented success; then every error status a client can
// provoke. Every response is checked against openapi/openapi.json: status, headers, body.
// On DATELINE_TEST_ENGINE's database.

// A server build and a whole session (or a browser) outlast the default 180 s on a loaded machine.
t.setTimeout(360_000);

const contract = createConformance();
// Bodies are checked against the contract by `send`; the walk only reads a few fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

t.test(`a scripted newsroom session conforms to the contract (${engine})`, { timeout: 330_000 }, async (t) => {
  const { target, token: admin } = await databaseWithToken(t);
  const { server } = await startReady(target, { DEMO_DATA: 'true', RATE_LIMIT_PER_MINUTE: '300' });
  t.teardown(() => stop(server));

  const violations: string[] = [];
  const seen = new Set<string>();
  type Options = { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string | null };
  const send = async (method: string, path: string, opts: Options = {}): Promise<Exchange & { json: () => Json }> => {
    const token = opts.token === undefined ? admin : opts.token;
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
    let payload: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(server.url + path, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const ex = { method, path, status: res.status, headers: res.headers, body: await res.text() };
    violations.push(...contract.check(ex));
    seen.add(`${method} ${ex.status}`);
    return { ...ex, json: () => JSON.parse(ex.body) };
  };
  const expect = async (status: number, method: string, path: string, opts?: Options) => {
    const res = await send(method, path, opts);
    t.equal(res.status, status, `${method} ${path} → ${status}${res.status === status ? '' : `: ${res.body.slice(0, 300)}`}`);
    return res;
  };
  const example = (id: string) => contract.bodyExample(id);
  const ifMatch = (res: { headers: Headers }) => ({ 'if-match': res.headers.get('etag')! });

  // 1. Every example, in newsroom order, each its documented success.
  const bureau = (await expect(201, 'POST', '/v1/bureaus', { body: example('createBureau') })).json();
  await expect(200, 'PATCH', `/v1/bureaus/${bureau.slug}`, { body: example('updateBureau') });
  const author = (await expect(201, 'POST', '/v1/authors', { body: example('createAuthor') })).json();
  await expect(200, 'PATCH', `/v1/authors/${author.slug}`, { body: example('updateAuthor') });
  const tag = (await expect(201, 'POST', '/v1/tags', { body: example('createTag') })).json();
  await expect(200, 'PATCH', `/v1/tags/${tag.slug}`, { body: example('updateTag') });
  const hook = (await expect(201, 'POST', '/v1/webhooks', { body: example('createWebhook') })).json();
  let article = await expect(201, 'POST', '/v1/articles', { body: example('createArticle') });
  const slug = article.json().slug as string;
  article = await expect(200, 'PATCH', `/v1/articles/${slug}`, { body: example('updateArticle'), headers: ifMatch(article) });
  await expect(201, 'POST', `/v1/articles/${slug}/preview`, { body: example('createArticlePreview') });
  article = await expect(200, 'POST', `/v1/articles/${slug}/publish`, { body: example('publishArticle'), headers: ifMatch(article) });
  await expect(200, 'GET', `/v1/articles/${slug}/revisions`);
  await expect(200, 'GET', `/v1/articles/${slug}/revisions/compare?from=1&to=2`);
  await expect(200, 'GET', `/v1/articles/${slug}/revisions/1`);
  article = await expect(200, 'POST', `/v1/articles/${slug}/revisions/2/restore`, { body: example('restoreArticleRevision'), headers: ifMatch(article) });
  article = await expect(200, 'POST', `/v1/articles/${slug}/unpublish`, { body: example('unpublishArticle'), headers: ifMatch(article) });
  article = await expect(200, 'POST', `/v1/articles/${slug}/archive`, { body: example('archiveArticle'), headers: ifMatch(article) });
  const created = (await expect(201, 'POST', '/v1/tokens', { body: example('createToken') })).json();
  // The README's own calls: publish and friends without a body.
  const demo = (await expect(200, 'GET', '/v1/articles?status=draft&limit=1')).json().data[0];
  const draft = await expect(200, 'GET', `/v1/articles/${demo.slug}`);
  await expect(200, 'POST', `/v1/articles/${demo.slug}/publish`, { headers: ifMatch(draft) });

  // Reads, public and with a token, with the query parameters as the contract types them.
  for (const path of ['/v1/articles?limit=1&total=true&include=authors,tags&fields=headline,slug&formats=html,text&sort=-updatedAt', '/v1/bureaus', '/v1/authors?limit=1&offset=1', '/v1/tags']) {
    const list = await expect(200, 'GET', path, { token: null });
    const next = list.headers.get('link');
    if (next) await expect(200, 'GET', /<([^>]+)>/.exec(next)![1]!, { token: null });
    await expect(304, 'GET', path, { token: null, headers: { 'if-none-match': list.headers.get('etag')! } });
    await expect(200, 'GET', path);
  }
  for (const path of [`/v1/bureaus/${bureau.slug}`, `/v1/authors/${author.slug}`, `/v1/tags/${tag.slug}`, `/v1/articles/${demo.slug}`]) {
    const one = await expect(200, 'GET', path, { token: null });
    await expect(304, 'GET', path, { token: null, headers: { 'if-modified-since': one.headers.get('last-modified')! } });
  }
  await expect(200, 'GET', '/v1/tokens');
  await expect(200, 'GET', '/v1/webhooks');
  const deliveries = (await expect(200, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).json().data;
  t.ok(deliveries.length > 0, 'the webhook has deliveries to redeliver');
  await expect(202, 'POST', `/v1/webhooks/${hook.id}/deliveries/${deliveries[0].id}/redeliver`);
  await expect(200, 'GET', '/v1/audit-events?limit=5');
  await expect(200, 'GET', '/health', { token: 'dl_stale_token_is_ignored' });
  await expect(200, 'GET', '/ready', { token: null });
  await expect(200, 'GET', '/metrics', { token: null });
  await expect(200, 'HEAD', '/v1/articles', { token: null });

  // 2. Every error a client can provoke.
  await expect(400, 'GET', '/v1/articles?limit=0', { token: null });
  await expect(400, 'GET', '/v1/articles?include=nope', { token: null });
  await expect(401, 'GET', '/v1/bureaus', { token: 'dl_not_a_real_token' });
  await expect(401, 'POST', '/v1/tags', { body: { name: 'Anonymous' }, token: null });
  await expect(403, 'POST', '/v1/bureaus', { body: { name: 'Viewer Desk' }, token: (await viewer()).token });
  await expect(404, 'GET', '/v1/articles/no-such-story', { token: null, headers: { 'if-none-match': '*' } });
  await expect(404, 'GET', `/v1/articles/${slug}`, { token: null });
  await expect(409, 'DELETE', `/v1/bureaus/lisbon-bureau`);
  await expect(409, 'POST', '/v1/tags', { body: { name: 'Again', slug: tag.slug } });
  await expect(412, 'PATCH', `/v1/articles/${slug}`, { body: { headline: 'Stale edit' }, headers: { 'if-match': '"v1"' } });
  await expect(413, 'POST', '/v1/tags', { raw: JSON.stringify({ name: 'x'.repeat(2_000_000) }), headers: { 'content-type': 'application/json' } });
  await expect(414, 'GET', `/v1/articles/${'a'.repeat(300)}`, { token: null });
  await expect(415, 'POST', '/v1/tags', { raw: 'name=Plain', headers: { 'content-type': 'text/plain' } });
  await expect(422, 'POST', '/v1/authors', { body: { name: 'Nobody Known', bureau: 'no-such-bureau' } });
  await expect(422, 'POST', '/v1/tokens', { body: { name: 'Born expired', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' } });
  await expect(428, 'PATCH', `/v1/articles/${slug}`, { body: { headline: 'No precondition' } });
  await expect(431, 'GET', '/v1/articles', { token: null, headers: { 'x-padding': 'p'.repeat(20_000) } });
  const renamed = await send('PATCH', `/v1/bureaus/${bureau.slug}`, { body: { slug: 'dc-bureau' } });
  t.equal(renamed.status, 200, 'the bureau is renamed');
  await expect(308, 'GET', `/v1/bureaus/${bureau.slug}`, { token: null });
  await expect(204, 'DELETE', `/v1/tokens/${created.id}`);
  await expect(204, 'DELETE', `/v1/webhooks/${hook.id}`);
  const current = await expect(200, 'GET', `/v1/articles/${slug}`);
  await expect(204, 'DELETE', `/v1/articles/${slug}`, { headers: ifMatch(current) });
  await expect(204, 'DELETE', `/v1/tags/${tag.slug}`);
  await expect(204, 'DELETE', `/v1/authors/${author.slug}`);
  await expect(204, 'DELETE', '/v1/bureaus/dc-bureau');
  // Last: the anonymous rate limit (300 a minute from this address).
  let limited: Exchange | undefined;
  for (let i = 0; i < 400 && !limited; i++) {
    const res = await send('GET', '/v1/tags?limit=1', { token: null });
    if (res.status === 429) limited = res;
  }
  t.ok(limited, 'the rate limit answers 429');
  t.ok(limited?.headers.get('retry-after'), 'with Retry-After');

  t.same(violations, [], 'zero contract violations');
  const operations = contract.operationIds.length;
  t.comment(`${seen.size} method/status pairs over ${operations} operations`);

  async function viewer() {
    return (await send('POST', '/v1/tokens', { body: { name: 'Viewer', role: 'viewer' } })).json() as { token: string };
  }
});

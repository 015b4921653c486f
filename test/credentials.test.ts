import t from 'tap';
import { createFailureWindow } from '../src/lib/failure-window.js';
import { redactUrl } from '../src/lib/log-options.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildTestApp } from './helpers/app.js';
import { makeArticle, publish } from './helpers/factories.js';

// Credentials and caches: what a request carrying a token, a preview link or the metrics
// token gets back, and in which order a write is checked.

t.test('every response to a request with credentials is no-store, errors included; public reads stay public', async (t) => {
  const ctx = await buildTestApp(t, { metricsToken: 'metrics-secret-0123456789' });
  const { app } = ctx;
  const live = await makeArticle(ctx);
  await publish(ctx, live.id);
  const draft = await makeArticle(ctx);
  const preview = (await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview`, headers: ctx.auth })).json().token as string;
  const badToken = { authorization: 'Bearer dl_AAAAAAAAAAAA_' + 'A'.repeat(43) };

  const credentialed = [
    ['createToken (a secret)', { method: 'POST' as const, url: '/v1/tokens', headers: ctx.auth, payload: { name: 'Desk', role: 'viewer' } }, 201],
    ['createWebhook (a secret)', { method: 'POST' as const, url: '/v1/webhooks', headers: ctx.auth, payload: { url: 'http://127.0.0.1:9/h', events: ['article.published'] } }, 201],
    ['listTokens', { url: '/v1/tokens', headers: ctx.auth }, 200],
    ['a read with a token', { url: `/v1/articles/${live.id}`, headers: ctx.auth }, 200],
    ['a list with a token', { url: '/v1/bureaus', headers: ctx.auth }, 200],
    ['a 404 with a token', { url: '/v1/articles/no-such-story', headers: ctx.auth }, 404],
    ['a 400 with a token', { url: '/v1/authors?limit=0', headers: ctx.auth }, 400],
    ['a 401 for a bad token', { url: '/v1/bureaus', headers: badToken }, 401],
    ['a 403', { url: '/v1/audit-events', headers: { authorization: `Bearer ${(await createToken(app.db, { name: 'v', role: 'viewer' })).token}` } }, 403],
    ['a preview read', { url: `/v1/articles/${draft.id}?preview=${preview}` }, 200],
    ['a forged preview link', { url: `/v1/articles/${draft.id}?preview=${preview.slice(0, -2)}xx` }, 401],
    ['metrics with its token', { url: '/metrics', headers: { authorization: 'Bearer metrics-secret-0123456789' } }, 200],
    ['metrics with a wrong token', { url: '/metrics', headers: { authorization: 'Bearer metrics-secret-wrong-000000' } }, 401],
  ] as const;
  for (const [what, req, status] of credentialed) {
    const res = await app.inject(req);
    t.equal(res.statusCode, status, `${what}: ${status}`);
    t.match(String(res.headers['cache-control']), /\bno-store\b/, `${what}: no-store`);
    t.notMatch(String(res.headers['cache-control']), /public/, `${what}: never public`);
  }
  const pub = await app.inject({ url: `/v1/articles/${live.id}` });
  t.equal(pub.statusCode, 200);
  t.match(String(pub.headers['cache-control']), /^public, max-age=/, 'an anonymous read keeps its public caching');
  t.ok(pub.headers.etag, 'and its validator');
});

t.test('authenticate first: a write without valid credentials is a 401 before its body is read', async (t) => {
  const ctx = await buildTestApp(t);
  const big = JSON.stringify({ headline: 'x'.repeat(1024 * 1024) }); // over BODY_LIMIT as well
  for (const [who, headers] of [
    ['no token', {}],
    ['a malformed token', { authorization: 'Bearer nope' }],
    ['an unknown token', { authorization: 'Bearer dl_AAAAAAAAAAAA_' + 'A'.repeat(43) }],
  ] as const) {
    for (const [label, payload] of [
      ['a 1 MB body', big],
      ['invalid JSON', '{"headline":'],
      ['a body that fails validation', JSON.stringify({ nonsense: true })],
    ] as const) {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...headers, 'content-type': 'application/json' }, payload });
      t.equal(res.statusCode, 401, `${who}, ${label}: 401 (${res.body.slice(0, 120)})`);
      t.equal(res.json().code, 'unauthorized');
    }
  }
  // Over a real socket too: the unread body does not stop the answer or the next request.
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const overSocket = await fetch(`${base}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  t.equal(overSocket.status, 401, 'a 1 MB anonymous body over HTTP: 401');
  await overSocket.arrayBuffer();
  t.equal((await fetch(`${base}/health`)).status, 200, 'and the server answers the next request');
  const viewer = { authorization: `Bearer ${(await createToken(ctx.app.db, { name: 'v', role: 'viewer' })).token}`, 'content-type': 'application/json' };
  const wrongRole = await ctx.app.inject({ method: 'PATCH', url: '/v1/articles/1', headers: viewer, payload: '{"headline":' });
  t.equal(wrongRole.statusCode, 403, 'the wrong role is refused before the body too');
});

t.test('`Bearer <token> junk` and other malformed headers are refused', async (t) => {
  const ctx = await buildTestApp(t);
  for (const header of [`Bearer ${ctx.token} junk`, `Bearer ${ctx.token},other`, `Bearer  ${ctx.token} x`, `Basic ${ctx.token}`, `Bearer`, `${ctx.token}`]) {
    const res = await ctx.app.inject({ url: '/v1/tokens', headers: { authorization: header } });
    t.equal(res.statusCode, 401, `"${header.replace(ctx.token, '<token>')}" → 401`);
  }
  t.equal((await ctx.app.inject({ url: '/v1/tokens', headers: { authorization: `bearer ${ctx.token}` } })).statusCode, 200, 'the scheme is case-insensitive');
});

t.test('failed authentications are limited per client address', async (t) => {
  const ctx = await buildTestApp(t, { authFailuresPerMinute: 5 });
  const { app } = ctx;
  const guess = () => app.inject({ url: '/v1/bureaus', headers: { authorization: `Bearer dl_AAAAAAAAAAAA_${'B'.repeat(43)}` } });
  for (let i = 0; i < 5; i++) t.equal((await guess()).statusCode, 401, `guess ${i + 1}: 401`);
  const limited = await guess();
  t.equal(limited.statusCode, 429, 'the sixth guess is refused');
  t.match(String(limited.headers['content-type']), /^application\/problem\+json/);
  t.equal(limited.json().code, 'too_many_requests');
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60, `Retry-After: ${limited.headers['retry-after']}`);
  t.match(String(limited.headers['cache-control']), /no-store/);
  t.equal((await app.inject({ url: '/v1/tokens', headers: ctx.auth })).statusCode, 429, 'even a valid token from that address waits: the limit is checked before any credential');
  t.equal((await app.inject({ url: '/v1/bureaus' })).statusCode, 200, 'anonymous reads are not affected');
  t.equal((await app.inject({ url: '/v1/tokens', headers: ctx.auth, remoteAddress: '10.1.2.3' })).statusCode, 200, 'another address is not affected');
  const previews = await buildTestApp(t, { authFailuresPerMinute: 2 });
  for (let i = 0; i < 2; i++) await previews.app.inject({ url: `/v1/articles/1?preview=1.9999999999.${'x'.repeat(43)}` });
  t.equal((await previews.app.inject({ url: `/v1/articles/1?preview=1.9999999999.${'y'.repeat(43)}` })).statusCode, 429, 'forged preview links count too');
});

t.test('the failure window: blocks at the limit, for the rest of the window, bounded', async (t) => {
  const w = createFailureWindow(3, 60_000, 2);
  for (let i = 0; i < 2; i++) w.record('a', 1_000);
  t.equal(w.blockedFor('a', 1_000), 0, 'under the limit');
  w.record('a', 1_000);
  t.equal(w.blockedFor('a', 31_000), 30, 'blocked for the rest of the window, in seconds');
  t.equal(w.blockedFor('a', 61_000), 0, 'free when the window ends');
  w.record('b', 1_000);
  w.record('c', 1_000);
  w.record('a', 1_000);
  t.equal(w.blockedFor('a', 1_000), 0, 'the oldest key is forgotten beyond the bound');
  t.equal(createFailureWindow(0, 60_000).blockedFor('a'), 0, '0 turns it off');
});

t.test('secret query parameters are redacted from logged URLs', async (t) => {
  const cases: [string, string][] = [
    ['/v1/articles?access_token=dl_x_y&limit=2', '/v1/articles?access_token=[redacted]&limit=2'],
    ['/v1/articles/4?preview=4.17.abc&formats=html', '/v1/articles/4?preview=[redacted]&formats=html'],
    ['/x?token=a&api_key=b&apiKey=c&key=d&secret=e&password=f&sig=g&client_secret=h&X-Api-Key=i', '/x?token=[redacted]&api_key=[redacted]&apiKey=[redacted]&key=[redacted]&secret=[redacted]&password=[redacted]&sig=[redacted]&client_secret=[redacted]&X-Api-Key=[redacted]'],
    ['/x?%61ccess_token=a', '/x?%61ccess_token=[redacted]'],
    ['/v1/articles?q=token&limit=3&monkey=1', '/v1/articles?q=token&limit=3&monkey=1'],
    ['/v1/articles', '/v1/articles'],
  ];
  for (const [url, want] of cases) t.equal(redactUrl(url), want, url);
});

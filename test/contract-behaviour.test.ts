import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';

// Behaviour the contract promises to every client: issue 11's "behaviour" defects.

t.test('an unsupported method on a known path is a 405 naming the allowed ones', async (t) => {
  const ctx = await buildTestApp(t);
  const res = await ctx.app.inject({ method: 'PUT', url: '/v1/articles' });
  t.equal(res.statusCode, 405);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.equal(res.headers.allow, 'GET, HEAD, POST');
  t.equal(res.json().code, 'method_not_allowed');
  const item = await ctx.app.inject({ method: 'POST', url: '/v1/bureaus/metro-desk' });
  t.equal(item.statusCode, 405);
  t.equal(item.headers.allow, 'GET, HEAD, PATCH, DELETE');
  const unknown = await ctx.app.inject({ method: 'PUT', url: '/v1/nothing-here' });
  t.equal(unknown.statusCode, 404, 'an unknown path stays 404');
});

t.test('a token cannot be created already expired', async (t) => {
  const ctx = await buildTestApp(t);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: ctx.auth,
    payload: { name: 'Yesterday', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' },
  });
  t.equal(res.statusCode, 422);
  t.same(res.json().errors, [{ path: 'body.expiresAt', message: 'Must be a time in the future' }]);
  const ok = await ctx.app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: ctx.auth,
    payload: { name: 'Tomorrow', role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
  });
  t.equal(ok.statusCode, 201);
});

t.test('oversized headers and request lines are answered in problem+json', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  for (const [what, init, url] of [
    ['header', { headers: { 'x-big': 'a'.repeat(20_000) } }, '/health'],
    ['URL', {}, `/v1/articles?q=${'a'.repeat(20_000)}`],
  ] as const) {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, init);
    t.equal(res.status, 431, `an oversized ${what} is a 431`);
    t.match(res.headers.get('content-type'), /^application\/problem\+json/);
    const body = (await res.json()) as { code: string; status: number; requestId: string };
    t.equal(body.code, 'header_fields_too_large');
    t.equal(body.status, 431);
    t.equal(res.headers.get('x-request-id'), body.requestId);
  }
});

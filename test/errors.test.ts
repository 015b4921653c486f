import t, { type Test } from 'tap';
import { buildTestApp } from './helpers/app.js';
import { makeBureau } from './helpers/factories.js';

const isProblem = (t: Test, res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }, status: number, code: string) => {
  t.equal(res.statusCode, status);
  t.equal(res.headers['content-type'], 'application/problem+json');
  const p = res.json();
  t.equal(p.status, status);
  t.equal(p.code, code);
  t.match(p.type, /^https:\/\/dateline\.dev\/problems\//);
  t.type(p.title, 'string');
  t.type(p.detail, 'string');
  t.type(p.requestId, 'string');
  return p;
};

t.test('every failure is problem+json', async (t) => {
  const ctx = await buildTestApp(t, { bodyLimit: 2048 });

  t.test('unknown route', async (t) => {
    const p = isProblem(t, await ctx.app.inject({ url: '/v1/nothing-here' }), 404, 'not_found');
    t.match(p.detail, 'GET /v1/nothing-here');
    t.equal(p.instance, '/v1/nothing-here');
  });

  t.test('wrong content type is 415', async (t) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/bureaus',
      headers: { ...ctx.auth, 'content-type': 'text/plain' },
      payload: 'name=Desk',
    });
    isProblem(t, res, 415, 'unsupported_media_type');
    const form = await ctx.app.inject({
      method: 'POST',
      url: '/v1/bureaus',
      headers: { ...ctx.auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Desk',
    });
    isProblem(t, form, 415, 'unsupported_media_type');
  });

  t.test('body over the limit is 413', async (t) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/bureaus',
      headers: ctx.auth,
      payload: { name: 'x', description: 'y'.repeat(5000) },
    });
    isProblem(t, res, 413, 'payload_too_large');
  });

  t.test('malformed JSON is 400', async (t) => {
    for (const payload of ['{"name": ', '{"name": "x",}', 'nul', '"just a string"', '[1,2]', '{"__proto__": {"x": 1}}']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/bureaus',
        headers: { ...ctx.auth, 'content-type': 'application/json' },
        payload,
      });
      t.equal(res.statusCode, 400, payload);
      t.equal(res.headers['content-type'], 'application/problem+json', payload);
    }
  });

  t.test('a missing body on create is 400, not 500', async (t) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/bureaus', headers: ctx.auth });
    isProblem(t, res, 400, 'validation_failed');
  });

  t.test('wrong types and values name the field', async (t) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/bureaus',
      headers: ctx.auth,
      payload: { name: 42, location: ['x'], extra: true },
    });
    const p = isProblem(t, res, 400, 'validation_failed');
    t.same(
      (p.errors as { path: string }[]).map((e) => e.path).sort(),
      ['body.extra', 'body.location', 'body.name'],
    );
  });

  t.test('bad path and query values', async (t) => {
    isProblem(t, await ctx.app.inject({ url: `/v1/bureaus/${'x'.repeat(300)}` }), 414, 'uri_too_long');
    isProblem(t, await ctx.app.inject({ url: `/v1/bureaus/${'x'.repeat(150)}` }), 400, 'validation_failed');
    isProblem(t, await ctx.app.inject({ url: '/v1/bureaus?limit=1&limit=2' }), 400, 'validation_failed');
    isProblem(t, await ctx.app.inject({ url: '/v1/articles?limit=%zz' }), 400, 'validation_failed');
  });

  t.test('authorization problems are 401 saying which', async (t) => {
    await makeBureau(ctx, { name: 'Desk A' });
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /needs `Authorization: Bearer/],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, /Bearer <token>/],
      [{ authorization: 'Bearer' }, /Bearer <token>/],
      [{ authorization: 'Bearer not-a-token' }, /malformed/],
      [{ authorization: `Bearer dl_AAAAAAAAAAAA_${'a'.repeat(43)}` }, /not known/],
    ];
    for (const [headers, detail] of cases) {
      const p = isProblem(t, await ctx.app.inject({ method: 'DELETE', url: '/v1/bureaus/desk-a', headers }), 401, 'unauthorized');
      t.match(p.detail, detail);
    }
    const wrongSecret = ctx.token.slice(0, -1) + (ctx.token.endsWith('a') ? 'b' : 'a');
    isProblem(t, await ctx.app.inject({ url: '/v1/bureaus', headers: { authorization: `Bearer ${wrongSecret}` } }), 401, 'unauthorized');
  });

  t.test('responses carry a request id and security headers', async (t) => {
    const res = await ctx.app.inject({ url: '/v1/bureaus', headers: { 'x-request-id': 'trace-123' } });
    t.equal(res.headers['x-request-id'], 'trace-123');
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['access-control-allow-origin'], '*');
    const p = (await ctx.app.inject({ url: '/nope', headers: { 'x-request-id': 'trace-456' } })).json();
    t.equal(p.requestId, 'trace-456');
  });
});

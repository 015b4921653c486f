import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { makeBureau } from './helpers/factories.js';
import { invalid } from './helpers/problems.js';

// U+0000 is refused wherever a caller's text comes in, with a 400 naming the field, on both
// engines (PostgreSQL cannot store it; the contract fuzzer found the 500s it caused there).

t.test('U+0000 in path, query, JSON body and wire text is a 400 naming the field; nothing is written', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const json = { ...ctx.auth, 'content-type': 'application/json' };

  invalid(t, await ctx.app.inject({ method: 'GET', url: '/v1/bureaus/%00' }), ['params.idOrSlug']);
  invalid(t, await ctx.app.inject({ method: 'DELETE', url: '/v1/authors/a%00b', headers: ctx.auth }), ['params.idOrSlug']);
  invalid(t, await ctx.app.inject({ method: 'GET', url: '/v1/ninjs/articles?author=x%00y' }), ['query.author']);
  invalid(t, await ctx.app.inject({ method: 'GET', url: '/v1/articles?q=court&author=x%00y' }), ['query.author']);
  // Search text is folded, never stored: control characters in it are spaces (search.test.ts).
  t.equal((await ctx.app.inject({ method: 'GET', url: '/v1/articles?q=court%00' })).statusCode, 200);
  invalid(t, await ctx.app.inject({ method: 'POST', url: '/v1/bureaus', headers: json, payload: '{"name":"Metro\\u0000Desk"}' }), ['body.name']);
  invalid(t, await ctx.app.inject({ method: 'PATCH', url: `/v1/bureaus/${bureau.id}`, headers: json, payload: '{"location":"Lis\\u0000bon"}' }), ['body.location']);
  const wire = await ctx.app.inject({
    method: 'POST',
    url: '/v1/imports/wire',
    headers: { ...ctx.auth, 'content-type': 'text/plain; charset=utf-8' },
    payload: 'Headline\n\nStandfirst\n\nLisbon: First\u0000 paragraph.\n',
  });
  invalid(t, wire, ['body']);

  const bureaus = await ctx.app.inject({ method: 'GET', url: '/v1/bureaus', headers: ctx.auth });
  t.equal((bureaus.json() as { data: unknown[] }).data.length, 1, 'nothing was created');
  t.equal((await ctx.app.inject({ method: 'GET', url: `/v1/bureaus/${bureau.id}` })).json().location, bureau.location, 'nothing was changed');
});

t.test('the six characters \\u0000 typed as text are kept as written', async (t) => {
  const ctx = await buildTestApp(t);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/bureaus',
    headers: { ...ctx.auth, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'Escapes \\u0000 Desk', location: 'C:\\u0000' }),
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().name, 'Escapes \\u0000 Desk');
  t.equal(res.json().location, 'C:\\u0000');
});

t.test('a bulk line holding U+0000 fails alone, naming its field', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const line = (headline: string) => `${JSON.stringify({ headline, bureau: bureau.slug, body: 'Body.' })}\n`;
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { ...ctx.auth, 'content-type': 'application/x-ndjson' },
    payload: line('First') + line('Sec\u0000ond') + line('Third'),
  });
  t.equal(res.statusCode, 200, res.body);
  const report = res.body.trim().split('\n').map((l) => JSON.parse(l) as { status: string; problem?: { errors?: { path: string }[] } });
  t.same(report.map((r) => r.status), ['created', 'failed', 'created']);
  t.same(report[1]!.problem?.errors?.map((e) => e.path), ['line.2.headline']);
});

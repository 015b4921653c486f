import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { makeArticle, makeAuthor, makeBureau } from './helpers/factories.js';
import { rawSql, rawValue } from './helpers/db.js';

const TOKEN = /^dl_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

type Created = { id: number; name: string; role: string; authorId: number | null; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null; createdAt: string; token: string };

const create = (ctx: TestApp, payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/v1/tokens', headers: ctx.auth, payload });

async function created(ctx: TestApp, payload: Record<string, unknown>): Promise<Created> {
  const res = await create(ctx, payload);
  if (res.statusCode !== 201) throw new Error(`createToken → ${res.statusCode}: ${res.body}`);
  return res.json();
}

const list = async (ctx: TestApp) => {
  const res = await ctx.app.inject({ url: '/v1/tokens', headers: ctx.auth });
  if (res.statusCode !== 200) throw new Error(`listTokens → ${res.statusCode}: ${res.body}`);
  return { body: res.body, data: res.json().data as Record<string, unknown>[] };
};

t.test('createToken shows the secret once', async (t) => {
  const ctx = await buildTestApp(t);
  const res = await create(ctx, { name: 'Night desk', role: 'editor', expiresAt: '2099-01-01T00:00:00+01:00' });
  t.equal(res.statusCode, 201, res.body);
  const tok = res.json() as Created;
  t.match(tok.token, TOKEN, 'the secret has the documented shape');
  t.match(tok, { name: 'Night desk', role: 'editor', authorId: null, revokedAt: null, lastUsedAt: null, expiresAt: '2098-12-31T23:00:00.000Z' });
  t.notOk('secretHash' in tok, 'no hash in the create response');
  t.notOk('publicId' in tok, 'no public id column in the create response');

  const works = await ctx.app.inject({ url: '/v1/articles?status=draft', headers: bearer(tok.token) });
  t.equal(works.statusCode, 200, 'the new token authenticates');

  const { body, data } = await list(ctx);
  const row = data.find((r) => r.id === tok.id);
  t.ok(row, 'the token is listed');
  t.match(row, { name: 'Night desk', role: 'editor' });
  for (const r of data) {
    t.notOk('token' in r, `token ${String(r.id)} is listed without a secret`);
    t.notOk('secretHash' in r, `token ${String(r.id)} is listed without a hash`);
  }
  const secret = TOKEN.exec(tok.token)![2]!;
  const hash = createHash('sha256').update(secret).digest('hex');
  t.notOk(body.includes(secret), 'the list never contains the secret');
  t.notOk(body.includes(hash), 'the list never contains the hash');
  t.notOk(body.toLowerCase().includes('hash'), 'the list names no hash field');
});

t.test('role and author validation', async (t) => {
  const ctx = await buildTestApp(t);
  const jane = await makeAuthor(ctx, { name: 'Jane Writer' });
  const tokensBefore = (await list(ctx)).data.length;

  const badRole = await create(ctx, { name: 'x', role: 'superuser' });
  t.equal(badRole.statusCode, 400, badRole.body);
  t.equal(badRole.json().code, 'validation_failed');
  t.ok(badRole.json().errors.some((e: { path: string }) => e.path === 'body.role'), 'the error names body.role');

  const noAuthor = await create(ctx, { name: 'Jane’s laptop', role: 'writer' });
  t.equal(noAuthor.statusCode, 422, noAuthor.body);
  t.ok(noAuthor.json().errors.some((e: { path: string }) => e.path === 'body.author'), 'the error names body.author');

  const nullAuthor = await create(ctx, { name: 'Jane’s laptop', role: 'writer', author: null });
  t.equal(nullAuthor.statusCode, 422, nullAuthor.body);

  const unknownAuthor = await create(ctx, { name: 'Jane’s laptop', role: 'writer', author: 'nobody-here' });
  t.equal(unknownAuthor.statusCode, 422, unknownAuthor.body);
  t.match(unknownAuthor.json().detail, /nobody-here/, 'the detail names the missing author');

  const unknownId = await create(ctx, { name: 'Jane’s laptop', role: 'writer', author: 99999 });
  t.equal(unknownId.statusCode, 422, unknownId.body);

  t.equal((await list(ctx)).data.length, tokensBefore, 'none of the refused tokens was stored');

  const writer = await created(ctx, { name: 'Jane’s laptop', role: 'writer', author: jane.slug });
  t.equal(writer.authorId, jane.id, 'a writer token is linked to its author');
  const byId = await created(ctx, { name: 'Jane’s desktop', role: 'writer', author: jane.id });
  t.equal(byId.authorId, jane.id, 'the author can be given by id');

  // The link matters: the writer may write under Jane’s byline and no one else’s.
  const bureau = await makeBureau(ctx);
  const other = await makeAuthor(ctx);
  const own = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: bearer(writer.token), payload: { headline: 'Own', bureau: bureau.slug, authors: [jane.slug] } });
  t.equal(own.statusCode, 201, own.body);
  const notOwn = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: bearer(writer.token), payload: { headline: 'Not own', bureau: bureau.slug, authors: [other.slug] } });
  t.equal(notOwn.statusCode, 403, notOwn.body);

  const unknownField = await create(ctx, { name: 'x', role: 'viewer', scopes: ['all'] });
  t.equal(unknownField.statusCode, 400, unknownField.body);
});

t.test('revoked and expired tokens are refused, saying why', async (t) => {
  const ctx = await buildTestApp(t);
  const tok = await created(ctx, { name: 'Soon gone', role: 'editor' });
  const headers = bearer(tok.token);
  t.equal((await ctx.app.inject({ url: '/v1/articles?status=draft', headers })).statusCode, 200, 'works before revocation');

  const revoke = await ctx.app.inject({ method: 'DELETE', url: `/v1/tokens/${tok.id}`, headers: ctx.auth });
  t.equal(revoke.statusCode, 204, revoke.body);
  t.equal(revoke.body, '');

  for (const req of [
    { method: 'GET' as const, url: '/v1/articles' },
    { method: 'POST' as const, url: '/v1/bureaus', payload: { name: 'After revocation' } },
  ]) {
    const res = await ctx.app.inject({ ...req, headers });
    t.equal(res.statusCode, 401, `${req.method} ${req.url} with a revoked token`);
    t.equal(res.json().code, 'unauthorized');
    t.match(res.json().detail, /revoked/i, 'the detail says revoked');
  }
  const bureaus = await ctx.app.inject({ url: '/v1/bureaus?total=true' });
  t.equal(bureaus.json().meta.total, 0, 'nothing was created with the revoked token');

  const row = (await list(ctx)).data.find((r) => r.id === tok.id);
  t.match(row, { revokedAt: String }, 'the list shows when it was revoked');
  t.ok(Date.parse(String(row!.revokedAt)) <= Date.now(), 'revokedAt is a time in the past');

  const again = await ctx.app.inject({ method: 'DELETE', url: `/v1/tokens/${tok.id}`, headers: ctx.auth });
  t.equal(again.statusCode, 204, 'revoking twice is harmless');
  t.equal((await list(ctx)).data.find((r) => r.id === tok.id)!.revokedAt, row!.revokedAt, 'and keeps the first revocation time');

  const missing = await ctx.app.inject({ method: 'DELETE', url: '/v1/tokens/9999', headers: ctx.auth });
  t.equal(missing.statusCode, 404, missing.body);

  const expired = await createToken(ctx.app.db, { name: 'Old', role: 'admin', expiresAt: new Date(Date.now() - 1000).toISOString() });
  const res = await ctx.app.inject({ url: '/v1/tokens', headers: bearer(expired.token) });
  t.equal(res.statusCode, 401, res.body);
  t.match(res.json().detail, /expired/i, 'the detail says expired');

  // The API does not make born-expired tokens (422, see contract-behaviour.test.ts).
  const viaApi = await ctx.app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: ctx.auth,
    payload: { name: 'Backdated', role: 'viewer', expiresAt: '2000-01-01T00:00:00Z' },
  });
  t.equal(viaApi.statusCode, 422, viaApi.body);

  const future = await createToken(ctx.app.db, { name: 'Later', role: 'viewer', expiresAt: new Date(Date.now() + 60_000).toISOString() });
  t.equal((await ctx.app.inject({ url: '/v1/articles', headers: bearer(future.token) })).statusCode, 200, 'an expiry to come is fine');

  // A wrong secret for a real public id is as unknown as a made-up token.
  const live = await created(ctx, { name: 'Live', role: 'viewer' });
  const [, publicId] = TOKEN.exec(live.token)!;
  const forged = await ctx.app.inject({ url: '/v1/articles', headers: bearer(`dl_${publicId}_${'A'.repeat(43)}`) });
  t.equal(forged.statusCode, 401);
  t.match(forged.json().detail, /not known/);
  const malformed = await ctx.app.inject({ url: '/v1/articles', headers: bearer('nope') });
  t.equal(malformed.statusCode, 401);
  t.match(malformed.json().detail, /malformed/);
  const basic = await ctx.app.inject({ url: '/v1/articles', headers: { authorization: `Basic ${live.token}` } });
  t.equal(basic.statusCode, 401, 'another scheme is refused');
});

t.test('lastUsedAt is recorded after use', async (t) => {
  const ctx = await buildTestApp(t);
  const tok = await created(ctx, { name: 'Reader', role: 'viewer' });
  t.equal((await list(ctx)).data.find((r) => r.id === tok.id)!.lastUsedAt, null, 'unused at first');
  const start = Date.now();
  const res = await ctx.app.inject({ url: '/v1/articles', headers: bearer(tok.token) });
  t.equal(res.statusCode, 200);
  const used = (await list(ctx)).data.find((r) => r.id === tok.id)!.lastUsedAt;
  t.type(used, 'string');
  t.ok(Date.parse(String(used)) >= start - 1000 && Date.parse(String(used)) <= Date.now(), 'lastUsedAt is about now');
  const other = (await list(ctx)).data.find((r) => r.name === 'Reader' && r.id !== tok.id);
  t.notOk(other, 'no other token named Reader');

  // A refused request is no use of the token.
  const revoked = await created(ctx, { name: 'Refused', role: 'viewer' });
  await ctx.app.inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: ctx.auth });
  t.equal((await ctx.app.inject({ url: '/v1/articles', headers: bearer(revoked.token) })).statusCode, 401);
  t.equal((await list(ctx)).data.find((r) => r.id === revoked.id)!.lastUsedAt, null, 'a revoked token is not marked used');
});

t.test('only a SHA-256 hash of the secret is stored', async (t) => {
  const ctx = await buildTestApp(t);
  const jane = await makeAuthor(ctx);
  const tok = await created(ctx, { name: 'Stored', role: 'writer', author: jane.slug });
  const [, publicId, secret] = TOKEN.exec(tok.token)! as unknown as [string, string, string];
  const [row] = await rawSql(ctx.app.db, 'SELECT * FROM api_tokens WHERE id = ?', tok.id);
  t.equal(row!.public_id, publicId, 'the public half finds the row');
  t.equal(row!.secret_hash, createHash('sha256').update(secret).digest('hex'), 'the secret is stored as its SHA-256');
  for (const [column, value] of Object.entries(row!)) {
    t.notOk(String(value).includes(secret), `column ${column} does not hold the secret`);
    t.notOk(String(value).includes(tok.token), `column ${column} does not hold the token`);
  }
  // Nowhere else in the database either (audit log, idempotency keys…).
  const tables = await rawSql<{ name: string }>(
    ctx.app.db,
    ctx.app.db.engine === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table'" : "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
  );
  t.ok(tables.length > 10, 'every table is looked at');
  for (const { name } of tables) {
    const rows = await rawSql(ctx.app.db, `SELECT * FROM "${name}"`);
    t.notOk(JSON.stringify(rows).includes(secret), `table ${name} does not hold the secret`);
  }
});

t.test('tokens never reach the log', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  // The same configuration as every other test app, on its own database, with a real logger.
  const { config: testConfig } = await buildTestApp(t);
  const dir = mkdtempSync(join(tmpdir(), 'dateline-token-log-'));
  const config: Config = { ...testConfig, databaseFile: join(dir, 'test.db'), logLevel: 'trace' };
  const app = await buildApp({ config, logger: { level: 'trace', stream } });
  t.teardown(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await app.ready();
  const { token } = await createToken(app.db, { name: 'log admin', role: 'admin' });
  const ctx: TestApp = { app, token, auth: bearer(token), dir, config };

  const made = await created(ctx, { name: 'Logged desk', role: 'editor' });
  const secrets = [ctx.token, made.token];
  const editor = bearer(made.token);
  const bureau = await makeBureau({ ...ctx, auth: editor });
  const author = await makeAuthor(ctx);
  const article = await makeArticle({ ...ctx, auth: editor }, { bureau: bureau.slug, authors: [author.slug] });
  const previewRes = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/preview`, headers: editor });
  const preview = (previewRes.json() as { token: string }).token;
  const responses = [
    await app.inject({ url: `/v1/articles/${article.id}`, headers: editor }),
    await app.inject({ url: `/v1/articles?status=draft&q=${encodeURIComponent('nothing')}`, headers: editor }),
    await app.inject({ method: 'POST', url: '/v1/articles', headers: editor, payload: { headline: 'Broken', bureau: 'no-such-bureau' } }),
    await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: editor, payload: { standfirst: 'No If-Match' } }),
    await app.inject({ url: '/v1/tokens', headers: editor }),
    await app.inject({ url: '/v1/articles', headers: bearer(`${made.token}x`) }),
    await app.inject({ url: '/v1/articles', headers: bearer(made.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))) }),
    // Secrets in URLs: a token sent as a query parameter (refused), preview links (good and forged).
    await app.inject({ url: `/v1/articles?access_token=${made.token}` }),
    await app.inject({ url: `/v1/articles/${article.id}?preview=${preview}&formats=html` }),
    await app.inject({ url: `/v1/articles/${article.id}?preview=${preview.slice(0, -3)}abc` }),
  ];
  t.same(
    responses.map((r) => r.statusCode),
    [200, 200, 422, 428, 403, 401, 401, 400, 200, 401],
    'a mix of successes and failures, including bad tokens',
  );
  await app.inject({ method: 'DELETE', url: `/v1/tokens/${made.id}`, headers: ctx.auth });
  t.equal((await app.inject({ url: '/v1/articles', headers: editor })).statusCode, 401, 'a revoked token fails too');

  t.ok(lines.length >= 20, `the log has lines (${lines.length})`);
  t.ok(lines.some((l) => l.includes('"reqId"')), 'request lines are there');
  t.ok(lines.some((l) => l.includes('The bearer token is not known')), 'the refused token is logged as refused');
  t.ok(lines.some((l) => l.includes('/v1/tokens') && l.includes('incoming request')), 'token routes are logged');
  for (const token of secrets) {
    const secret = TOKEN.exec(token)![2]!;
    const leaks = lines.filter((l) => l.includes(token) || l.includes(secret));
    t.same(leaks, [], 'no log line holds the token or its secret half');
  }
  t.notOk(lines.some((l) => /dl_[A-Za-z0-9]{12}_/.test(l)), 'no log line holds anything shaped like a token');
  const signature = preview.split('.').pop()!;
  t.same(lines.filter((l) => l.includes(signature) || l.includes(preview.slice(0, -3))), [], 'no log line holds a preview link');
  t.ok(lines.some((l) => l.includes('access_token=[redacted]')), 'the URL with a token in it is logged redacted');
  t.ok(lines.some((l) => l.includes('preview=[redacted]&formats=html')), 'preview links are logged redacted, other parameters kept');
});

t.test('createToken ignores Idempotency-Key, so no secret is ever stored for a replay', async (t) => {
  const ctx = await buildTestApp(t);
  const headers = { ...ctx.auth, 'idempotency-key': 'same-key' };
  const first = await ctx.app.inject({ method: 'POST', url: '/v1/tokens', headers, payload: { name: 'n', role: 'viewer' } });
  const second = await ctx.app.inject({ method: 'POST', url: '/v1/tokens', headers, payload: { name: 'n', role: 'viewer' } });
  t.equal(first.statusCode, 201);
  t.equal(second.statusCode, 201);
  t.not(first.json().token, second.json().token);
  const stored = await rawValue(ctx.app.db, 'SELECT count(*) FROM idempotency_keys');
  t.equal(stored, 0);
});

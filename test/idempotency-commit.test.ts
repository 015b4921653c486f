import t from 'tap';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildTestApp } from './helpers/app.js';
import { rawSql, rawValue, refuseInsertsInto } from './helpers/db.js';
import { makeAuthor, makeBureau, makeTag } from './helpers/factories.js';

// An Idempotency-Key is recorded in the create's own transaction: these tests pin down that
// the key and the created rows commit together, fail together, and that nothing is ever
// left "in progress". test/audit-idempotency.test.ts covers the client-facing basics.

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const TABLES = ['articles', 'article_authors', 'article_tags', 'article_revisions', 'audit_events', 'idempotency_keys'] as const;

t.test('the key commits with the create', async (t) => {
  const ctx = await buildTestApp(t);
  const db = ctx.app.db;
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);
  const tag = await makeTag(ctx);
  const body = { headline: 'Ferry timetable changes', body: 'Lisbon: New times.', bureau: bureau.slug, authors: [author.slug], tags: [tag.slug] };
  const post = (key: string, payload: object = body, token = ctx.token) =>
    ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...bearer(token), 'idempotency-key': key }, payload });
  const counts = () =>
    Promise.all(TABLES.map(async (table) => [table, Number(await rawValue(db, `SELECT count(*) FROM ${table}`))])).then(
      (entries) => Object.fromEntries(entries) as Record<(typeof TABLES)[number], number>,
    );
  const keyRow = (key: string) =>
    rawSql<{ status: number | null; body: string | null }>(db, 'SELECT status_code AS status, body FROM idempotency_keys WHERE key = ?', key).then((rows) => rows[0]);
  /** A failure at a chosen point of the transaction: a trigger that aborts any insert into `table`. */
  const refuseInserts = (table: string) => refuseInsertsInto(db, table);

  t.test('after a keyed create, the article and the key with its result both exist', async (t) => {
    const res = await post('commit-1');
    t.equal(res.statusCode, 201, res.body);
    const row = (await keyRow('commit-1'));
    t.equal(row?.status, 201);
    t.equal(JSON.parse(row?.body ?? 'null').id, res.json().id, 'the key holds the created article');
    t.equal(Number(await rawValue(db, 'SELECT count(*) FROM articles WHERE id = ?', res.json().id)), 1);
  });

  t.test('a crash between the create and the key record leaves neither, and the retry creates', async (t) => {
    // The create has run when the key insert fails: a kill at that moment loses the same things.
    const before = (await counts());
    const allow = await refuseInserts('idempotency_keys');
    const failed = await post('commit-2');
    await allow();
    t.equal(failed.statusCode, 500, failed.body);
    t.same((await counts()), before, 'no article, byline, tag, revision, audit entry or key survived');

    const retry = await post('commit-2');
    t.equal(retry.statusCode, 201, retry.body);
    t.equal(retry.headers['idempotent-replayed'], undefined, 'created now, not replayed');
    t.equal((await counts()).articles, before.articles + 1);
    t.equal((await keyRow('commit-2'))?.status, 201);
  });

  t.test('a failure after the service has written rolls back its writes and the key', async (t) => {
    const before = (await counts());
    const allow = await refuseInserts('article_tags'); // the article and its byline are in; its tags fail
    const failed = await post('commit-3');
    await allow();
    t.equal(failed.statusCode, 500, failed.body);
    t.same((await counts()), before, 'the service’s savepoint and the key went with the transaction');
    const retry = await post('commit-3');
    t.equal(retry.statusCode, 201, retry.body);
    t.equal((await counts()).articles, before.articles + 1);
  });

  t.test('a 4xx from the service keeps no key, so the same key works once the request is fixed', async (t) => {
    const mine = await makeAuthor(ctx);
    const writer = await createToken(ctx.app.db, { name: 'writer', role: 'writer', authorId: mine.id });
    const before = (await counts());
    const refused = await post('commit-4', body, writer.token);
    t.equal(refused.statusCode, 403, 'a writer must put their own byline on it');
    t.same((await counts()), before);
    const fixed = await post('commit-4', { ...body, authors: [mine.slug] }, writer.token);
    t.equal(fixed.statusCode, 201, fixed.body);
    t.equal(fixed.headers['idempotent-replayed'], undefined);
  });

  t.test('two requests with one key at once: one creates, the other replays, none is told to wait', async (t) => {
    const before = (await counts()).articles;
    const answers = await Promise.all([post('commit-5'), post('commit-5'), post('commit-5')]);
    t.same(
      answers.map((a) => a.statusCode),
      [201, 201, 201],
    );
    t.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 2);
    t.equal(new Set(answers.map((a) => a.body)).size, 1, 'one body for all three');
    t.equal((await counts()).articles, before + 1);
  });
});

t.test('every idempotent create replays byte for byte through its own reply path', async (t) => {
  const ctx = await buildTestApp(t);
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);
  const creates = [
    ['/v1/articles', { headline: 'Tram line extended', body: 'Porto: Two new stops.', bureau: bureau.slug, authors: [author.slug] }],
    ['/v1/authors', { name: 'Rita Sousa', bureau: bureau.slug }],
    ['/v1/bureaus', { name: 'Harbour Desk', location: 'Setúbal' }],
    ['/v1/tags', { name: 'Transport' }],
  ] as const;
  for (const [url, payload] of creates) {
    const send = () => ctx.app.inject({ method: 'POST', url, headers: { ...ctx.auth, 'idempotency-key': `replay ${url}`.replaceAll(' ', '-') }, payload });
    const original = await send();
    const replay = await send();
    t.equal(original.statusCode, 201, `${url}: ${original.body}`);
    t.equal(replay.statusCode, 201, `${url}: the replay has the original status`);
    t.equal(replay.body, original.body, `${url}: the same body`);
    for (const header of ['location', 'etag', 'content-type'] as const) {
      t.equal(replay.headers[header], original.headers[header], `${url}: the same ${header}`);
    }
    t.ok(original.headers.location, `${url}: has a Location`);
    t.equal(original.headers['idempotent-replayed'], undefined);
    t.equal(replay.headers['idempotent-replayed'], 'true');
  }
});

t.test('a caller the route refuses never reaches the key', async (t) => {
  const ctx = await buildTestApp(t);
  const db = ctx.app.db;
  const viewer = await createToken(ctx.app.db, { name: 'viewer', role: 'viewer' });
  await rawSql(db, "INSERT INTO idempotency_keys (token_id, key, request_hash, created_at) VALUES (?, ?, 'another request', ?)", viewer.id, 'taken', new Date().toISOString());
  const rows = () => rawSql(db, 'SELECT * FROM idempotency_keys WHERE token_id = ?', viewer.id);
  const before = await rows();
  for (const key of ['taken', 'fresh', 'has space']) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: { ...bearer(viewer.token), 'idempotency-key': key }, payload: { name: 'Weather' } });
    t.equal(res.statusCode, 403, `${key}: the role check answers first (not a 422 or 400 about the key)`);
  }
  t.same(await rows(), before, 'the key table is as it was');
});

t.test('rows left by the previous version', async (t) => {
  const ctx = await buildTestApp(t);
  const db = ctx.app.db;
  const send = (key: string, name: string) => ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: { ...ctx.auth, 'idempotency-key': key }, payload: { name } });

  // It stored the response bytes and headers; the stored JSON goes through the reply path the same.
  const original = await send('old-done', 'Harbours');
  await rawSql(db, "UPDATE idempotency_keys SET body = ?, headers = ? WHERE key = 'old-done'", original.body, JSON.stringify({ location: original.headers.location }));
  const replay = await send('old-done', 'Harbours');
  t.equal(replay.statusCode, 201);
  t.equal(replay.body, original.body);
  t.equal(replay.headers.location, original.headers.location);

  // It claimed keys before running the create; a claim it never filled may or may not have
  // created, so it is neither replayed nor run again.
  await send('old-claim', 'Bridges');
  await rawSql(db, "UPDATE idempotency_keys SET status_code = NULL, body = NULL WHERE key = 'old-claim'");
  const unknown = await send('old-claim', 'Bridges');
  t.equal(unknown.statusCode, 409, unknown.body);
  t.equal(Number(await rawValue(db, "SELECT count(*) FROM tags WHERE name = 'Bridges'")), 1, 'not created again');
});

import t from 'tap';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { change, makeAuthor, makeBureau, makeTag } from './helpers/factories.js';
import { rawSql } from './helpers/db.js';

type AuditEvent = {
  id: number;
  actorName: string;
  actorRole: string;
  tokenId: number | null;
  action: string;
  resourceType: string;
  resourceId: number | null;
  version: number | null;
  createdAt: string;
};
type AuditPage = { data: AuditEvent[]; meta: { nextBefore: number | null } };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function auditEvents(ctx: TestApp, query = ''): Promise<AuditPage> {
  const res = await ctx.app.inject({ url: `/v1/audit-events${query}`, headers: ctx.auth });
  if (res.statusCode !== 200) throw new Error(`listAuditEvents${query} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

t.test('listAuditEvents', async (t) => {
  const ctx = await buildTestApp(t);
  const editor = await createToken(ctx.app.db, { name: 'Night desk', role: 'editor' });
  const asEditor: TestApp = { ...ctx, auth: bearer(editor.token) };
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);

  // One article's life, by the editor: created (v1), updated (v2), published (v3), deleted.
  await tick();
  const createdRes = await ctx.app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: asEditor.auth,
    payload: { headline: 'Harbour reopens', body: 'Porto: The harbour reopened.', bureau: bureau.slug, authors: [author.slug] },
  });
  t.equal(createdRes.statusCode, 201, createdRes.body);
  const id = createdRes.json().id as number;
  await tick();
  t.equal((await change(asEditor, 'PATCH', `/v1/articles/${id}`, { standfirst: 'Ships are back.' })).statusCode, 200);
  await tick();
  t.equal((await change(asEditor, 'POST', `/v1/articles/${id}/publish`)).statusCode, 200);
  await tick();
  t.equal((await change(asEditor, 'DELETE', `/v1/articles/${id}`)).statusCode, 204);

  t.test('records each change with actor, role, resource and version, newest first', async (t) => {
    const { data, meta } = await auditEvents(ctx, `?resourceType=article&resourceId=${id}`);
    t.same(
      data.map((e) => [e.action, e.version]),
      [
        ['article.deleted', 3],
        ['article.published', 3],
        ['article.updated', 2],
        ['article.created', 1],
      ],
    );
    for (const e of data) {
      t.match(e, { actorName: 'Night desk', actorRole: 'editor', tokenId: editor.id, resourceType: 'article', resourceId: id }, e.action);
      t.ok(Number.isFinite(Date.parse(e.createdAt)), `${e.action} has a time`);
    }
    t.ok(data.every((e, i) => i === 0 || e.id < data[i - 1]!.id), 'ids descend');
    t.equal(meta.nextBefore, null, 'one page');
  });

  t.test('filters by resource type and id', async (t) => {
    const bureaus = await auditEvents(ctx, '?resourceType=bureau');
    t.ok(bureaus.data.length >= 1);
    t.ok(bureaus.data.every((e) => e.resourceType === 'bureau'), 'only bureau events');
    t.ok(bureaus.data.some((e) => e.action === 'bureau.created' && e.resourceId === bureau.id && e.actorName === 'test admin' && e.actorRole === 'admin'));

    const authorEvents = await auditEvents(ctx, `?resourceType=author&resourceId=${author.id}`);
    t.same(authorEvents.data.map((e) => e.action), ['author.created']);
    t.equal(authorEvents.data[0]!.version, 1);

    const none = await auditEvents(ctx, `?resourceType=tag&resourceId=${id}`);
    t.same(none.data, [], 'the id filter goes with the type');

    const all = await auditEvents(ctx);
    t.ok(all.data.length >= 6, 'unfiltered lists every kind');
    t.ok(new Set(all.data.map((e) => e.resourceType)).size >= 3);
  });

  t.test('filters by time: since is inclusive, until exclusive', async (t) => {
    const life = (await auditEvents(ctx, `?resourceType=article&resourceId=${id}`)).data;
    const published = life.find((e) => e.action === 'article.published')!;
    const filter = `?resourceType=article&resourceId=${id}`;
    const since = await auditEvents(ctx, `${filter}&since=${encodeURIComponent(published.createdAt)}`);
    t.same(since.data.map((e) => e.action), ['article.deleted', 'article.published']);
    const until = await auditEvents(ctx, `${filter}&until=${encodeURIComponent(published.createdAt)}`);
    t.same(until.data.map((e) => e.action), ['article.updated', 'article.created']);

    // The same instant written with an offset means the same thing.
    const at = new Date(published.createdAt);
    const withOffset = new Date(at.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    const sinceOffset = await auditEvents(ctx, `${filter}&since=${encodeURIComponent(withOffset)}`);
    t.same(sinceOffset.data.map((e) => e.action), ['article.deleted', 'article.published'], 'offsets are honoured');

    const window = await auditEvents(ctx, `${filter}&since=${encodeURIComponent(life.find((e) => e.action === 'article.updated')!.createdAt)}&until=${encodeURIComponent(life[0]!.createdAt)}`);
    t.same(window.data.map((e) => e.action), ['article.published', 'article.updated'], 'since and until together');

    const future = await auditEvents(ctx, `?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    t.same(future.data, []);

    const bad = await ctx.app.inject({ url: '/v1/audit-events?since=yesterday', headers: ctx.auth });
    t.equal(bad.statusCode, 400, bad.body);
  });

  t.test('pages with meta.nextBefore', async (t) => {
    for (let i = 0; i < 7; i++) await makeTag(ctx);
    const everything = (await auditEvents(ctx, '?resourceType=tag&limit=200')).data;
    t.equal(everything.length, 7);
    const seen: AuditEvent[] = [];
    const sizes: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const page: AuditPage = await auditEvents(ctx, `?resourceType=tag&limit=3${before === null ? '' : `&before=${before}`}`);
      sizes.push(page.data.length);
      seen.push(...page.data);
      if (page.meta.nextBefore !== null) t.equal(page.meta.nextBefore, page.data.at(-1)!.id, 'nextBefore is the last id on the page');
      before = page.meta.nextBefore;
    } while (before !== null && ++pages < 10);
    t.same(sizes, [3, 3, 1]);
    t.same(seen.map((e) => e.id), everything.map((e) => e.id), 'the pages together are the whole list, in order, once each');

    const exact = await auditEvents(ctx, '?resourceType=tag&limit=7');
    t.equal(exact.data.length, 7);
    t.equal(exact.meta.nextBefore, null, 'no next page when the page ends the list exactly');

    for (const q of ['limit=0', 'limit=201', 'before=0', 'resourceType=story', 'unknown=1']) {
      const res = await ctx.app.inject({ url: `/v1/audit-events?${q}`, headers: ctx.auth });
      t.equal(res.statusCode, 400, `${q} is refused`);
    }
  });

  t.test('admins only', async (t) => {
    const viewer = await createToken(ctx.app.db, { name: 'viewer', role: 'viewer' });
    t.equal((await ctx.app.inject({ url: '/v1/audit-events', headers: asEditor.auth })).statusCode, 403);
    t.equal((await ctx.app.inject({ url: '/v1/audit-events', headers: bearer(viewer.token) })).statusCode, 403);
    t.equal((await ctx.app.inject({ url: '/v1/audit-events' })).statusCode, 401);
  });
});

t.test('Idempotency-Key', async (t) => {
  const ctx = await buildTestApp(t);
  const first = await createToken(ctx.app.db, { name: 'Desk A', role: 'editor' });
  const second = await createToken(ctx.app.db, { name: 'Desk B', role: 'editor' });
  const bureau = await makeBureau(ctx);
  const author = await makeAuthor(ctx);
  const body = { headline: 'Bridge closes for repairs', body: 'Porto: The bridge closes.', bureau: bureau.slug, authors: [author.slug] };

  const post = (url: string, token: string, key: string, payload: object) =>
    ctx.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key }, payload });
  const total = async (resource: string) => {
    const res = await ctx.app.inject({ url: `/v1/${resource}?total=true&limit=1`, headers: ctx.auth });
    if (res.statusCode !== 200) throw new Error(`list ${resource} → ${res.statusCode}: ${res.body}`);
    return res.json().meta.total as number;
  };
  const storedKeys = (tokenId: number, key: string) => rawSql(ctx.app.db, 'SELECT * FROM idempotency_keys WHERE token_id = ? AND key = ?', tokenId, key);

  t.test('the same key and body replays the first answer and creates once', async (t) => {
    const before = await total('articles');
    const original = await post('/v1/articles', first.token, 'create-bridge-1', body);
    t.equal(original.statusCode, 201, original.body);
    t.equal(original.headers['idempotent-replayed'], undefined, 'the first answer is not a replay');

    const replay = await post('/v1/articles', first.token, 'create-bridge-1', { ...body });
    t.equal(replay.statusCode, 201, replay.body);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.equal(replay.body, original.body, 'the same body, byte for byte');
    t.equal(replay.headers.location, original.headers.location, 'the same Location');
    t.equal(replay.headers.etag, original.headers.etag, 'the same ETag');
    t.equal(replay.headers.etag, '"v1"');
    t.match(String(replay.headers['content-type']), /^application\/json/);

    const reordered = await post('/v1/articles', first.token, 'create-bridge-1', { authors: body.authors, bureau: body.bureau, body: body.body, headline: body.headline });
    t.equal(reordered.statusCode, 201, 'the same fields in another order are the same request');
    t.equal(reordered.body, original.body);

    t.equal(await total('articles'), before + 1, 'one article was created');
  });

  t.test('the same key with a different body is a 422', async (t) => {
    const before = await total('articles');
    const res = await post('/v1/articles', first.token, 'create-bridge-1', { ...body, headline: 'Bridge reopens' });
    t.equal(res.statusCode, 422, res.body);
    t.equal(res.json().code, 'unprocessable');
    t.ok(res.json().errors.some((e: { path: string }) => e.path === 'header.idempotency-key'), 'the error names the header');
    t.equal(res.headers['idempotent-replayed'], undefined);

    const otherRoute = await post('/v1/tags', first.token, 'create-bridge-1', { name: 'Bridges' });
    t.equal(otherRoute.statusCode, 422, 'a key names one request, not one per route');
    t.equal(await total('articles'), before, 'nothing was created');
    t.equal(await total('tags'), 0);
  });

  t.test('keys belong to the token that sent them', async (t) => {
    const before = await total('articles');
    const a = await post('/v1/articles', first.token, 'shared-key', body);
    const b = await post('/v1/articles', second.token, 'shared-key', body);
    t.equal(a.statusCode, 201, a.body);
    t.equal(b.statusCode, 201, b.body);
    t.equal(b.headers['idempotent-replayed'], undefined, 'the second token’s request is not a replay of the first’s');
    t.not(b.json().id, a.json().id, 'each token got its own article');
    t.equal(await total('articles'), before + 2);

    const bAgain = await post('/v1/articles', second.token, 'shared-key', body);
    t.equal(bAgain.headers['idempotent-replayed'], 'true');
    t.equal(bAgain.json().id, b.json().id, 'each token replays its own answer');
    const bDifferent = await post('/v1/articles', second.token, 'shared-key', { ...body, headline: 'Other' });
    t.equal(bDifferent.statusCode, 422, 'and its own key is bound to its own body');
    t.equal(await total('articles'), before + 2);
  });

  t.test('a failed create does not burn the key', async (t) => {
    const before = await total('articles');
    const broken = { ...body, bureau: 'no-such-bureau' };
    const failed = await post('/v1/articles', first.token, 'create-broken', broken);
    t.equal(failed.statusCode, 422, failed.body);
    t.match(failed.json().errors, [{ path: 'body.bureau' }]);
    t.same(await storedKeys(first.id, 'create-broken'), [], 'no key is kept for a failure');

    const again = await post('/v1/articles', first.token, 'create-broken', broken);
    t.equal(again.statusCode, 422, 'the same failing request fails again the same way');
    t.equal(again.json().detail, failed.json().detail);
    t.equal(again.headers['idempotent-replayed'], undefined, 'it was run again, not replayed');
    t.same(await storedKeys(first.id, 'create-broken'), []);
    t.equal(await total('articles'), before, 'nothing was created');

    const otherKey = await post('/v1/articles', first.token, 'create-fixed', body);
    t.equal(otherKey.statusCode, 201, otherKey.body);
    t.equal((await storedKeys(first.id, 'create-fixed')).length, 1, 'a success is kept');

    const corrected = await post('/v1/articles', first.token, 'create-broken', body);
    t.equal(corrected.statusCode, 201, 'the freed key works for the corrected request');
    t.equal(corrected.headers['idempotent-replayed'], undefined);
    t.equal(await total('articles'), before + 2);

    // A refused caller leaves nothing behind either.
    const viewer = await createToken(ctx.app.db, { name: 'viewer', role: 'viewer' });
    const forbidden = await post('/v1/articles', viewer.token, 'viewer-key', body);
    t.equal(forbidden.statusCode, 403, forbidden.body);
    t.same(await storedKeys(viewer.id, 'viewer-key'), []);
  });

  t.test('another create: POST /v1/bureaus', async (t) => {
    const before = await total('bureaus');
    const payload = { name: 'Night Desk', location: 'Porto' };
    const original = await post('/v1/bureaus', first.token, 'bureau-1', payload);
    t.equal(original.statusCode, 201, original.body);
    const replay = await post('/v1/bureaus', first.token, 'bureau-1', payload);
    t.equal(replay.statusCode, 201, replay.body);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.equal(replay.body, original.body);
    t.equal(replay.headers.location, original.headers.location);
    t.equal(await total('bureaus'), before + 1, 'one bureau, not a second with a suffixed slug');

    const different = await post('/v1/bureaus', first.token, 'bureau-1', { ...payload, location: 'Braga' });
    t.equal(different.statusCode, 422, different.body);

    const plain = await ctx.app.inject({ method: 'POST', url: '/v1/bureaus', headers: bearer(first.token), payload });
    t.equal(plain.statusCode, 201, 'without a key every request creates');
    t.not(plain.json().id, original.json().id);
    t.equal(await total('bureaus'), before + 2);
  });

  t.test('a malformed key is a 400', async (t) => {
    const before = await total('articles');
    for (const key of ['has space', 'x'.repeat(201), 'naïve']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/articles',
        headers: { ...bearer(first.token), 'idempotency-key': key },
        payload: body,
      });
      t.equal(res.statusCode, 400, `${JSON.stringify(key.slice(0, 20))} is refused`);
    }
    t.equal(await total('articles'), before);
  });
});

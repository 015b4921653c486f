import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { verifySignature } from '../src/modules/webhooks/signature.js';
import { buildTestApp } from './helpers/app.js';
import { change, etagOf, makeArticle, makeAuthor, publish } from './helpers/factories.js';

const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });

t.test('two clients racing to update: exactly one wins, the other gets 412', async (t) => {
  const ctx = await buildTestApp(t);
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const a = await makeArticle(ctx);
  const etag = await etagOf(ctx, a.id);
  const edit = (headline: string) =>
    fetch(`${base}/v1/articles/${a.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify({ headline }),
    });
  const results = await Promise.all([edit('First editor’s headline'), edit('Second editor’s headline')]);
  const statuses = results.map((r) => r.status).sort();
  t.same(statuses, [200, 412]);
  const loser = results.find((r) => r.status === 412)!;
  const problem = (await loser.json()) as { currentVersion: number; current: { headline: string } };
  t.equal(problem.currentVersion, 2, 'the 412 says which version is current');
  const winner = (await results.find((r) => r.status === 200)!.json()) as { headline: string };
  t.equal(problem.current.headline, winner.headline, 'and what it holds, so nothing is lost silently');

  const missing = await ctx.app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: ctx.auth, payload: { headline: 'x' } });
  t.equal(missing.statusCode, 428);
  const bodyVersion = await ctx.app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: ctx.auth, payload: { headline: 'By body version', version: 2 } });
  t.equal(bodyVersion.statusCode, 200, 'version in the body works as a precondition');
  const garbage = await ctx.app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: { ...ctx.auth, 'if-match': 'nonsense' }, payload: {} });
  t.equal(garbage.statusCode, 412);
  t.equal(garbage.headers['content-type'], 'application/problem+json');
  // Authors honour If-Match when sent, and do not require it.
  const au = await makeAuthor(ctx);
  t.equal((await ctx.app.inject({ method: 'PATCH', url: `/v1/authors/${au.id}`, headers: ctx.auth, payload: { bio: 'x' } })).statusCode, 200);
  const staleAuthor = await ctx.app.inject({ method: 'PATCH', url: `/v1/authors/${au.id}`, headers: { ...ctx.auth, 'if-match': '"v1"' }, payload: { bio: 'y' } });
  t.equal(staleAuthor.statusCode, 412);
});

t.test('revisions: list, get, compare, and a restore that brings back an old headline and body', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { headline: 'Original headline — first draft', body: 'Original “body”.' });
  await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { headline: 'Rewritten headline', body: 'Rewritten body.' });
  await publish(ctx, a.id);
  const list = await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions`, headers: ctx.auth });
  t.same(list.json().data.map((r: { version: number }) => r.version), [3, 2, 1]);
  t.equal(list.json().data[0].actorName, 'test admin');
  t.equal(list.json().data[0].actorRole, 'admin');
  const one = await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions/1`, headers: ctx.auth });
  t.equal(one.json().snapshot.headline, 'Original headline — first draft');
  const diff = await ctx.app.inject({ url: `/v1/articles/${a.slug}/revisions/compare?from=1&to=2`, headers: ctx.auth });
  const fields = diff.json().changes.map((c: { field: string }) => c.field).sort();
  t.same(fields, ['body', 'headline']);
  t.same(diff.json().changes.find((c: { field: string }) => c.field === 'headline'), { field: 'headline', from: 'Original headline — first draft', to: 'Rewritten headline' });

  const bare = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${a.id}/revisions/1/restore`, headers: ctx.auth });
  t.equal(bare.statusCode, 428, 'a restore is a write: it needs its precondition');
  const restored = await change(ctx, 'POST', `/v1/articles/${a.id}/revisions/1/restore`);
  t.equal(restored.statusCode, 200, restored.body);
  t.equal(restored.json().headline, 'Original headline — first draft');
  t.equal(restored.json().body, 'Original “body”.');
  t.equal(restored.json().version, 4, 'a restore is a new version');
  t.equal(restored.json().status, 'published', 'and keeps the status');
  const after = await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions`, headers: ctx.auth });
  t.equal(after.json().data[0].version, 4);
  t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).json().headline, 'Original headline — first draft');

  t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions/99`, headers: ctx.auth })).statusCode, 404);
  t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions` })).statusCode, 401);
  const stale = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${a.id}/revisions/1/restore`, headers: { ...ctx.auth, 'if-match': '"v1"' } });
  t.equal(stale.statusCode, 412, 'a stale If-Match is refused on restore');
});

t.test('revisions are capped per article', async (t) => {
  const ctx = await buildTestApp(t, { revisionsKeep: 3 });
  const a = await makeArticle(ctx);
  for (let i = 0; i < 5; i++) await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { standfirst: `Take ${i}` });
  const list = await ctx.app.inject({ url: `/v1/articles/${a.id}/revisions`, headers: ctx.auth });
  t.same(list.json().data.map((r: { version: number }) => r.version), [6, 5, 4]);
});

t.test('an old slug redirects permanently to the new one', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { headline: 'Old headline' });
  await publish(ctx, a.id);
  await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { slug: 'new-headline' });
  const res = await ctx.app.inject({ url: '/v1/articles/old-headline?formats=html' });
  t.equal(res.statusCode, 308);
  t.equal(res.headers.location, '/v1/articles/new-headline?formats=html');
  t.equal(res.json().slug, 'new-headline', 'the new slug is in the body for frontends');
  t.equal((await ctx.app.inject({ url: '/v1/articles/new-headline' })).statusCode, 200);
  // The old slug is not handed to anyone else.
  const taken = await makeArticle(ctx, { headline: 'Old headline' });
  t.equal(taken.slug, 'old-headline-2');
  const claim = await ctx.app.inject({ method: 'POST', url: '/v1/articles', headers: ctx.auth, payload: { headline: 'x', slug: 'old-headline', bureau: a.bureau.id } });
  t.equal(claim.statusCode, 409);
  t.match(claim.json().detail, 'still redirects');
  // Moving back reclaims it.
  await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { slug: 'old-headline' });
  t.equal((await ctx.app.inject({ url: '/v1/articles/old-headline' })).statusCode, 200);
  t.equal((await ctx.app.inject({ url: '/v1/articles/new-headline' })).statusCode, 308);
  const au = await makeAuthor(ctx, { name: 'Ana Lima' });
  await ctx.app.inject({ method: 'PATCH', url: `/v1/authors/${au.id}`, headers: ctx.auth, payload: { slug: 'ana-lima-silva' } });
  const moved = await ctx.app.inject({ url: '/v1/authors/ana-lima' });
  t.equal(moved.statusCode, 308);
  t.equal(moved.headers.location, '/v1/authors/ana-lima-silva');
});

t.test('an old slug of an article that is not public reveals nothing to the public', async (t) => {
  const ctx = await buildTestApp(t);
  // A story that was live under its first slug, renamed, then pulled; and an embargoed draft
  // whose public-looking slug was once live too (published, renamed, unpublished).
  const pulled = await makeArticle(ctx, { headline: 'Pulled story' });
  await publish(ctx, pulled.id);
  await change(ctx, 'PATCH', `/v1/articles/${pulled.id}`, { slug: 'ceo-resigns-embargoed-scoop' });
  await change(ctx, 'POST', `/v1/articles/${pulled.id}/unpublish`);
  const scheduled = await makeArticle(ctx, { headline: 'Scheduled story' });
  await publish(ctx, scheduled.id);
  await change(ctx, 'PATCH', `/v1/articles/${scheduled.id}`, { slug: 'merger-announced' });
  await change(ctx, 'POST', `/v1/articles/${scheduled.id}/publish`, { publishedAt: new Date(Date.now() + 86_400_000).toISOString() });

  const scrub = (body: string, key: string) => {
    const { requestId: _r, ...rest } = JSON.parse(body.replaceAll(key, 'KEY')) as Record<string, unknown>;
    return rest;
  };
  const unknown = await ctx.app.inject({ url: '/v1/articles/never-existed-at-all' });
  for (const [old, secret] of [['pulled-story', 'ceo-resigns-embargoed-scoop'], ['scheduled-story', 'merger-announced']] as const) {
    for (const [label, req] of [
      ['GET', { url: `/v1/articles/${old}` }],
      ['GET with a query', { url: `/v1/articles/${old}?formats=html` }],
      ['HEAD', { method: 'HEAD' as const, url: `/v1/articles/${old}` }],
      ['GET with an If-None-Match that does not match', { url: `/v1/articles/${old}`, headers: { 'if-none-match': 'W/"nope"' } }],
    ] as const) {
      const res = await ctx.app.inject(req);
      t.equal(res.statusCode, 404, `${old}, ${label}: 404`);
      t.notOk(JSON.stringify(res.headers).includes(secret), `${old}, ${label}: the new slug is in no header`);
      t.notOk(res.body.includes(secret), `${old}, ${label}: nor in the body`);
      if (label !== 'HEAD') t.same(scrub(res.body, old), scrub(unknown.body, 'never-existed-at-all'), `${old}, ${label}: the body is that of an unknown slug`);
    }
    const editor = await ctx.app.inject({ url: `/v1/articles/${old}`, headers: ctx.auth });
    t.equal(editor.statusCode, 308, 'a token holder is still redirected');
    t.equal(editor.headers.location, `/v1/articles/${secret}`);
  }
  const list = await ctx.app.inject({ url: '/v1/articles?total=true' });
  t.equal(list.json().meta.total, 0, 'counters count only public articles');

  // A preview link for the pulled story follows its own old slug, keeping the token.
  const preview = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${pulled.id}/preview`, headers: ctx.auth });
  const token = preview.json().token as string;
  const viaPreview = await ctx.app.inject({ url: `/v1/articles/pulled-story?preview=${token}` });
  t.equal(viaPreview.statusCode, 308);
  t.equal(viaPreview.headers.location, `/v1/articles/ceo-resigns-embargoed-scoop?preview=${token}`);
  const otherPreview = await ctx.app.inject({ url: `/v1/articles/scheduled-story?preview=${token}` });
  t.equal(otherPreview.statusCode, 404, 'but not another non-public article');
});

t.test('a write to an old slug answers 308 to the same operation at the new slug', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { headline: 'Harbour opens' });
  await publish(ctx, a.id);
  await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { slug: 'harbour-reopens' });
  const etag = await etagOf(ctx, a.id);
  for (const [method, path] of [
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/publish'],
    ['POST', '/unpublish'],
    ['POST', '/revisions/1/restore'],
    ['GET', '/revisions'],
  ] as const) {
    const res = await ctx.app.inject({ method, url: `/v1/articles/harbour-opens${path}`, headers: { ...ctx.auth, 'if-match': etag }, ...(method === 'PATCH' ? { payload: { standfirst: 'Moved.' } } : {}) });
    t.equal(res.statusCode, 308, `${method} ${path}: ${res.body.slice(0, 200)}`);
    t.equal(res.headers.location, `/v1/articles/harbour-reopens${path}`, `${method} ${path}: Location names the same operation`);
    t.equal(res.json().slug, 'harbour-reopens');
  }
  t.equal(await etagOf(ctx, a.id), etag, 'nothing was changed through the old slug');
  t.equal((await ctx.app.inject({ method: 'PATCH', url: '/v1/articles/harbour-opens', payload: { standfirst: 'x' } })).statusCode, 401, 'without a token: 401, nothing about the move');
});

t.test('restoring a revision keeps the current slug unless asked for the old one', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await makeArticle(ctx, { headline: 'First slug' });
  await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { slug: 'second-slug', headline: 'Second' });
  const kept = await change(ctx, 'POST', `/v1/articles/${a.id}/revisions/1/restore`);
  t.equal(kept.statusCode, 200, kept.body);
  t.equal(kept.json().headline, `First slug`);
  t.equal(kept.json().slug, 'second-slug', 'the slug is not silently changed back');
  const asked = await change(ctx, 'POST', `/v1/articles/${a.id}/revisions/1/restore`, { restoreSlug: true });
  t.equal(asked.statusCode, 200, asked.body);
  t.equal(asked.json().slug, 'first-slug', 'restoreSlug puts it back');
});

t.test('preview links open one draft and nothing else', async (t) => {
  const ctx = await buildTestApp(t);
  const draft = await makeArticle(ctx, { headline: 'Embargoed story' });
  const other = await makeArticle(ctx);
  const res = await ctx.app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview`, headers: ctx.auth, payload: { expiresInSeconds: 120 } });
  t.equal(res.statusCode, 201);
  const { token, url } = res.json();
  const read = await ctx.app.inject({ url });
  t.equal(read.statusCode, 200);
  t.equal(read.json().headline, 'Embargoed story');
  t.equal(read.headers['cache-control'], 'private, no-store');
  t.equal((await ctx.app.inject({ url: `/v1/articles/${draft.slug}?preview=${token}` })).statusCode, 200, 'by slug too');
  t.equal((await ctx.app.inject({ url: `/v1/articles/${other.id}?preview=${token}` })).statusCode, 404, 'not another article');
  t.equal((await ctx.app.inject({ url: '/v1/articles?status=draft' })).statusCode, 401, 'not lists');
  const forged = token.replace(/^\d+/, String(other.id));
  t.equal((await ctx.app.inject({ url: `/v1/articles/${other.id}?preview=${forged}` })).statusCode, 401);
  const signer = (await import('../src/modules/articles/articles.preview.js')).createPreviewSigner(ctx.app.db);
  const expired = await signer.sign(draft.id, new Date(Date.now() - 1000));
  t.equal((await ctx.app.inject({ url: `/v1/articles/${draft.id}?preview=${expired}` })).statusCode, 401);
});

t.test('a scheduled article goes public on time and its webhook fires after a restart', async (t) => {
  const received: { type: string; data: { id: number }; ok: boolean }[] = [];
  let secret = '';
  const receiver = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const parsed = JSON.parse(body) as { type: string; data: { id: number } };
    received.push({ ...parsed, ok: verifySignature(secret, String(req.headers['dateline-signature']), body) });
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => receiver.close(() => r())));
  const port = (receiver.address() as AddressInfo).port;

  const ctx = await buildTestApp(t);
  const hook = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth, payload: { url: `http://127.0.0.1:${port}/hooks`, events: ['article.*'] } });
  t.equal(hook.statusCode, 201, hook.body);
  secret = hook.json().secret;

  const a = await makeArticle(ctx, { headline: 'Embargo lifts at dawn' });
  const when = new Date(Date.now() + 1500).toISOString();
  const scheduled = await publish(ctx, a.id, when);
  t.equal(scheduled.status, 'scheduled');
  t.equal((await ctx.app.inject({ url: '/v1/articles?status=scheduled', headers: ctx.auth })).json().data.length, 1);
  t.equal((await ctx.app.inject({ url: `/v1/articles/${a.id}` })).statusCode, 404);
  await ctx.app.webhookWorker.runOnce();
  t.same(received, [], 'nothing is announced before its time');

  // The server goes down before the moment and comes back after it.
  await ctx.app.close();
  await new Promise((r) => setTimeout(r, 1700));
  const restarted = await buildApp({ config: ctx.config, logger: false });
  t.teardown(() => restarted.close());
  await restarted.ready(); // the scheduler catches up on start
  t.equal((await restarted.inject({ url: `/v1/articles/${a.id}` })).statusCode, 200, 'public from its moment');
  await restarted.webhookWorker.runOnce();
  t.equal(received.length, 1);
  t.equal(received[0]!.type, 'article.published');
  t.equal(received[0]!.data.id, a.id);
  t.ok(received[0]!.ok, 'the receiver verifies the signature');
  t.equal(await restarted.scheduler.runOnce(), 0, 'announced once only');
  await restarted.webhookWorker.runOnce();
  t.equal(received.length, 1);
});

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { enqueueEvent } from '../src/modules/webhooks/outbox.js';
import { buildTestApp, testConfig } from './helpers/app.js';
import { change, etagOf, makeArticle, makeAuthor, makeBureau, makeTag, publish } from './helpers/factories.js';
import { rawValue } from './helpers/db.js';

// The authorization matrix: one row per operation in the contract, one column per kind of
// caller. Every cell is a fresh, otherwise valid request, so the status says only what the
// caller may do. A route added to the contract without a row here fails the first test.

const principals = [
  'none', // no Authorization header
  'malformed', // `Bearer nope`
  'unknown', // well-formed, never issued
  'expired', // an admin token whose expiry has passed
  'revoked', // an admin token revoked through DELETE /v1/tokens/{id}
  'viewer',
  'writerOwn', // a writer whose author is on the article's byline
  'writerOther', // the same writer on an article without their byline
  'editor',
  'admin',
] as const;
type Who = (typeof principals)[number];
type Statuses = readonly [number, number, number, number, number, number, number, number, number, number];

type Req = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object | string; headers?: Record<string, string> };
type Row = { expect: Statuses; request: (who: Who) => Promise<Req> };

t.test('authorization matrix', async (t) => {
  // With a site, so sitemaps are served.
  const ctx = await buildTestApp(t, { site: { ...testConfig('/tmp').site, url: 'https://news.example.com' } });
  const { app } = ctx;

  // A receiver on loopback, so webhook deliveries made along the way have somewhere to go.
  const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    receiver.closeAllConnections();
    return new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  // Fixtures that the matrix only reads.
  const bureau = await makeBureau(ctx);
  const mine = await makeAuthor(ctx, { name: 'Writer Own' });
  const theirs = await makeAuthor(ctx, { name: 'Someone Else' });
  const shared = await makeArticle(ctx, { bureau: bureau.slug, authors: [theirs.slug] });
  await publish(ctx, shared.id); // versions 1 and 2, live for public reads

  const hookRes = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth, payload: { url: hookUrl, events: ['article.published'] } });
  t.equal(hookRes.statusCode, 201, hookRes.body);
  const hook = hookRes.json() as { id: number };
  await app.db.write(() => enqueueEvent(app.db, 'article.published', { id: shared.id, slug: shared.slug }, []));
  const deliveriesRes = await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: ctx.auth });
  const delivery = (deliveriesRes.json() as { data: { id: number }[] }).data[0];
  t.ok(delivery, 'the shared webhook has a delivery');

  // One token per principal.
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const revoked = await createToken(app.db, { name: 'revoked admin', role: 'admin' });
  const revoke = await app.inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: ctx.auth });
  t.equal(revoke.statusCode, 204, revoke.body);
  const writer = bearer((await createToken(app.db, { name: 'writer', role: 'writer', authorId: mine.id })).token);
  const headersOf: Record<Who, Record<string, string>> = {
    none: {},
    malformed: { authorization: 'Bearer nope' },
    unknown: bearer(`dl_${'Ab3'.repeat(4)}_${randomBytes(32).toString('base64url')}`),
    expired: bearer((await createToken(app.db, { name: 'expired admin', role: 'admin', expiresAt: new Date(Date.now() - 60_000).toISOString() })).token),
    revoked: bearer(revoked.token),
    viewer: bearer((await createToken(app.db, { name: 'viewer', role: 'viewer' })).token),
    writerOwn: writer,
    writerOther: writer,
    editor: bearer((await createToken(app.db, { name: 'editor', role: 'editor' })).token),
    admin: bearer((await createToken(app.db, { name: 'admin', role: 'admin' })).token),
  };

  // Fresh fixtures for cells that change or delete what they point at.
  let seq = 0;
  const unique = (prefix: string) => `${prefix} ${++seq}`;
  const bylineFor = (who: Who) => (who === 'writerOwn' ? [theirs.slug, mine.slug] : [theirs.slug]);
  const freshArticle = async (who: Who) => (await makeArticle(ctx, { bureau: bureau.slug, authors: bylineFor(who) })) as { id: number; slug: string };
  const freshPublished = async (who: Who) => {
    const a = await freshArticle(who);
    await publish(ctx, a.id);
    return a;
  };
  const ifMatch = async (id: number) => ({ 'if-match': await etagOf(ctx, id) });
  // Imports name bylines as text: the writer's own name only in the writerOwn cell.
  const namesFor = (who: Who) => (who === 'writerOwn' ? `${theirs.name} and ${mine.name}` : theirs.name);
  const freshHook = async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth, payload: { url: hookUrl, events: ['article.published'] } });
    if (res.statusCode !== 201) throw new Error(`createWebhook → ${res.statusCode}: ${res.body}`);
    return res.json() as { id: number };
  };

  // prettier-ignore
  const matrix: Record<string, Row> = {
    //                                                         none malf unkn expd revk view wOwn wOth edit admin
    'GET /v1/bureaus':                                { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/v1/bureaus' }) },
    'POST /v1/bureaus':                               { expect: [401, 401, 401, 401, 401, 403, 403, 403, 201, 201], request: async () => ({ method: 'POST', url: '/v1/bureaus', payload: { name: unique('Bureau'), location: 'Porto' } }) },
    'GET /v1/bureaus/{idOrSlug}':                     { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/bureaus/${bureau.slug}` }) },
    'PATCH /v1/bureaus/{idOrSlug}':                   { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async () => ({ method: 'PATCH', url: `/v1/bureaus/${(await makeBureau(ctx)).id}`, payload: { location: 'Faro' } }) },
    'DELETE /v1/bureaus/{idOrSlug}':                  { expect: [401, 401, 401, 401, 401, 403, 403, 403, 204, 204], request: async () => ({ method: 'DELETE', url: `/v1/bureaus/${(await makeBureau(ctx)).id}` }) },
    'GET /v1/authors':                                { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/v1/authors' }) },
    'POST /v1/authors':                               { expect: [401, 401, 401, 401, 401, 403, 403, 403, 201, 201], request: async () => ({ method: 'POST', url: '/v1/authors', payload: { name: unique('Author'), bureau: bureau.slug } }) },
    'GET /v1/authors/{idOrSlug}':                     { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/authors/${theirs.slug}` }) },
    'PATCH /v1/authors/{idOrSlug}':                   { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async () => ({ method: 'PATCH', url: `/v1/authors/${(await makeAuthor(ctx)).id}`, payload: { bio: 'Covers the port.' } }) },
    'DELETE /v1/authors/{idOrSlug}':                  { expect: [401, 401, 401, 401, 401, 403, 403, 403, 204, 204], request: async () => ({ method: 'DELETE', url: `/v1/authors/${(await makeAuthor(ctx)).id}` }) },
    'GET /v1/tags':                                   { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/v1/tags' }) },
    'POST /v1/tags':                                  { expect: [401, 401, 401, 401, 401, 403, 403, 403, 201, 201], request: async () => ({ method: 'POST', url: '/v1/tags', payload: { name: unique('Tag') } }) },
    'GET /v1/tags/{idOrSlug}':                        { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/tags/${(await makeTag(ctx)).slug}` }) },
    'PATCH /v1/tags/{idOrSlug}':                      { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async () => ({ method: 'PATCH', url: `/v1/tags/${(await makeTag(ctx)).id}`, payload: { name: unique('Renamed tag') } }) },
    'DELETE /v1/tags/{idOrSlug}':                     { expect: [401, 401, 401, 401, 401, 403, 403, 403, 204, 204], request: async () => ({ method: 'DELETE', url: `/v1/tags/${(await makeTag(ctx)).id}` }) },
    'GET /v1/articles':                               { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/v1/articles' }) },
    'POST /v1/articles':                              { expect: [401, 401, 401, 401, 401, 403, 201, 403, 201, 201], request: async (who) => ({ method: 'POST', url: '/v1/articles', payload: { headline: unique('Harbour story'), body: 'Porto: Ships.', bureau: bureau.slug, authors: bylineFor(who) } }) },
    'GET /v1/articles/{idOrSlug}':                    { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/articles/${shared.slug}` }) },
    'PATCH /v1/articles/{idOrSlug}':                  { expect: [401, 401, 401, 401, 401, 403, 200, 403, 200, 200], request: async (who) => { const a = await freshArticle(who); return { method: 'PATCH', url: `/v1/articles/${a.id}`, headers: await ifMatch(a.id), payload: { standfirst: 'Revised.' } }; } },
    'DELETE /v1/articles/{idOrSlug}':                 { expect: [401, 401, 401, 401, 401, 403, 403, 403, 204, 204], request: async (who) => { const a = await freshArticle(who); return { method: 'DELETE', url: `/v1/articles/${a.id}`, headers: await ifMatch(a.id) }; } },
    'POST /v1/articles/{idOrSlug}/publish':           { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async (who) => { const a = await freshArticle(who); return { method: 'POST', url: `/v1/articles/${a.id}/publish`, headers: await ifMatch(a.id) }; } },
    'POST /v1/articles/{idOrSlug}/unpublish':         { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async (who) => { const a = await freshPublished(who); return { method: 'POST', url: `/v1/articles/${a.id}/unpublish`, headers: await ifMatch(a.id) }; } },
    'POST /v1/articles/{idOrSlug}/archive':           { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async (who) => { const a = await freshPublished(who); return { method: 'POST', url: `/v1/articles/${a.id}/archive`, headers: await ifMatch(a.id) }; } },
    'GET /v1/articles/{idOrSlug}/revisions':          { expect: [401, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/articles/${shared.id}/revisions` }) },
    'GET /v1/articles/{idOrSlug}/revisions/compare':  { expect: [401, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/articles/${shared.id}/revisions/compare?from=1&to=2` }) },
    'GET /v1/articles/{idOrSlug}/revisions/{version}':{ expect: [401, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/articles/${shared.id}/revisions/1` }) },
    'POST /v1/articles/{idOrSlug}/revisions/{version}/restore':
                                                      { expect: [401, 401, 401, 401, 401, 403, 200, 403, 200, 200], request: async (who) => {
                                                          const a = await freshArticle(who);
                                                          const edited = await change(ctx, 'PATCH', `/v1/articles/${a.id}`, { headline: unique('Edited headline') });
                                                          if (edited.statusCode !== 200) throw new Error(`updateArticle → ${edited.statusCode}: ${edited.body}`);
                                                          return { method: 'POST', url: `/v1/articles/${a.id}/revisions/1/restore`, headers: await ifMatch(a.id) };
                                                        } },
    'POST /v1/articles/{idOrSlug}/preview':           { expect: [401, 401, 401, 401, 401, 403, 403, 403, 201, 201], request: async (who) => ({ method: 'POST', url: `/v1/articles/${(await freshArticle(who)).id}/preview`, payload: { expiresInSeconds: 3600 } }) },
    'POST /v1/tokens':                                { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 201], request: async () => ({ method: 'POST', url: '/v1/tokens', payload: { name: unique('Desk'), role: 'viewer' } }) },
    'GET /v1/tokens':                                 { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 200], request: async () => ({ method: 'GET', url: '/v1/tokens' }) },
    'DELETE /v1/tokens/{id}':                         { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 204], request: async () => ({ method: 'DELETE', url: `/v1/tokens/${(await createToken(app.db, { name: unique('Doomed'), role: 'viewer' })).id}` }) },
    'GET /v1/audit-events':                           { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 200], request: async () => ({ method: 'GET', url: '/v1/audit-events' }) },
    'POST /v1/webhooks':                              { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 201], request: async () => ({ method: 'POST', url: '/v1/webhooks', payload: { url: hookUrl, events: ['article.published'] } }) },
    'GET /v1/webhooks':                               { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 200], request: async () => ({ method: 'GET', url: '/v1/webhooks' }) },
    'DELETE /v1/webhooks/{id}':                       { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 204], request: async () => ({ method: 'DELETE', url: `/v1/webhooks/${(await freshHook()).id}` }) },
    'GET /v1/webhooks/{id}/deliveries':               { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 200], request: async () => ({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries` }) },
    'POST /v1/webhooks/{id}/deliveries/{deliveryId}/redeliver':
                                                      { expect: [401, 401, 401, 401, 401, 403, 403, 403, 403, 202], request: async () => ({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${delivery!.id}/redeliver` }) },
    'POST /v1/imports/wire':                          { expect: [401, 401, 401, 401, 401, 403, 201, 403, 201, 201], request: async (who) => ({ method: 'POST', url: '/v1/imports/wire', headers: { 'content-type': 'text/plain; charset=utf-8' }, payload: `${unique('Wire story')}\n\nStandfirst.\n\n${bureau.name}/${namesFor(who)}\n\nPORTO: Ships.` }) },
    'POST /v1/imports/ninjs':                         { expect: [401, 401, 401, 401, 401, 403, 201, 403, 201, 201], request: async (who) => ({ method: 'POST', url: `/v1/imports/ninjs?bureau=${bureau.slug}`, payload: { uri: unique('urn:roles:item'), headline: unique('Agency story'), body_text: 'Ships.', by: namesFor(who) } }) },
    'POST /v1/imports':                               { expect: [401, 401, 401, 401, 401, 403, 403, 403, 200, 200], request: async () => ({ method: 'POST', url: '/v1/imports', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify({ headline: unique('Bulk story'), bureau: bureau.slug, body: 'Ships.' })}\n` }) },
    'GET /feeds/articles.{format}':                  { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/feeds/articles.atom' }) },
    'GET /sitemap.xml':                               { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/sitemap.xml' }) },
    'GET /sitemaps/news.xml':                         { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/sitemaps/news.xml' }) },
    'GET /sitemaps/{file}':                           { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/sitemaps/articles-1.xml' }) },
    'GET /v1/articles/{idOrSlug}/ninjs':              { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: `/v1/articles/${shared.slug}/ninjs` }) },
    'GET /v1/ninjs/articles':                         { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/v1/ninjs/articles' }) },
    'GET /v1/changes':                                { expect: [200, 401, 401, 401, 401, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/v1/changes' }) },
    // Operations endpoints: /health and /ready ignore credentials (probes must not depend on a token);
    // /metrics checks its own token (none is configured here).
    'GET /health':                                    { expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/health' }) },
    'GET /ready':                                     { expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/ready' }) },
    'GET /metrics':                                   { expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200], request: async () => ({ method: 'GET', url: '/metrics' }) },
  };

  const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];
  const operationsOf = (doc: { paths: Record<string, Record<string, unknown>> }) =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => methods.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );

  t.test('every operation in the contract has a row, and every row is an operation', async (t) => {
    const committed = operationsOf(JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')));
    const served = await app.inject({ url: '/openapi.json' });
    t.equal(served.statusCode, 200);
    const contract = new Set([...committed, ...operationsOf(served.json())]);
    t.ok(contract.size >= 40, `the contract lists ${contract.size} operations`);
    t.same([...contract].filter((op) => !(op in matrix)), [], 'operations without a row in the matrix');
    t.same(Object.keys(matrix).filter((op) => !contract.has(op)), [], 'rows for operations the contract does not have');
  });

  const auditCount = async () => Number(await rawValue(app.db, 'SELECT count(*) AS n FROM audit_events'));

  for (const [operation, row] of Object.entries(matrix)) {
    t.test(operation, async (t) => {
      for (const [i, who] of principals.entries()) {
        const expected = row.expect[i]!;
        const req = await row.request(who);
        const before = await auditCount();
        const res = await app.inject({ method: req.method, url: req.url, headers: { ...req.headers, ...headersOf[who] }, ...(req.payload ? { payload: req.payload } : {}) });
        t.equal(res.statusCode, expected, `${who}: ${req.method} ${req.url} → ${expected}${res.statusCode === expected ? '' : ` (${res.body.slice(0, 300)})`}`);
        if (expected === 401 || expected === 403) {
          t.equal(res.json().code, expected === 401 ? 'unauthorized' : 'forbidden', `${who}: problem code`);
          t.equal(await auditCount(), before, `${who}: a refused request changes nothing`);
        }
      }
    });
  }
});

// The newsroom rule (articles.rules.ts), cell by cell: writers edit only drafts that carry
// their byline and leave everyone else's place in it alone; published, scheduled and archived
// articles change only through an editor; every write needs its precondition.
t.test('the newsroom rule', async (t) => {
  const ctx = await buildTestApp(t);
  const { app } = ctx;
  const bureau = await makeBureau(ctx);
  const me = await makeAuthor(ctx, { name: 'Rule Writer' });
  const co = await makeAuthor(ctx, { name: 'Rule Colleague' });
  const third = await makeAuthor(ctx, { name: 'Rule Third' });
  const writer = { authorization: `Bearer ${(await createToken(app.db, { name: 'writer', role: 'writer', authorId: me.id })).token}` };
  const editor = { authorization: `Bearer ${(await createToken(app.db, { name: 'editor', role: 'editor' })).token}` };
  const article = async (authors: string[], state: 'draft' | 'published' | 'scheduled' | 'archived' = 'draft') => {
    const a = (await makeArticle(ctx, { bureau: bureau.slug, authors })) as { id: number; slug: string };
    if (state === 'published' || state === 'archived') await publish(ctx, a.id);
    if (state === 'scheduled') await publish(ctx, a.id, new Date(Date.now() + 86_400_000).toISOString());
    if (state === 'archived') await change(ctx, 'POST', `/v1/articles/${a.id}/archive`);
    return a;
  };
  const as = async (who: Record<string, string>, method: 'PATCH' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: { ...who, 'if-match': await etagOf(ctx, url.split('/')[3]!) }, ...(payload ? { payload } : {}) });
  const stored = (id: number) => app.inject({ url: `/v1/articles/${id}`, headers: ctx.auth }).then((r) => r.json() as Record<string, unknown> & { authors: { slug: string }[]; version: number });

  t.test('a writer cannot take a live story down or backdate it; an editor can', async (t) => {
    for (const state of ['published', 'scheduled'] as const) {
      const a = await article([me.slug], state);
      const before = await stored(a.id);
      for (const publishedAt of [new Date(Date.now() + 7 * 86_400_000).toISOString(), '1999-01-01T00:00:00Z']) {
        const res = await as(writer, 'PATCH', `/v1/articles/${a.id}`, { publishedAt });
        t.equal(res.statusCode, 403, `${state}, publishedAt ${publishedAt}: ${res.body.slice(0, 200)}`);
        t.equal(res.json().code, 'forbidden');
      }
      t.same(await stored(a.id), before, `the ${state} article is untouched`);
      const byEditor = await as(editor, 'PATCH', `/v1/articles/${a.id}`, { publishedAt: '2020-01-01T00:00:00Z' });
      t.equal(byEditor.statusCode, 200, byEditor.body);
    }
  });

  t.test('published, scheduled and archived articles change only through an editor, even with the writer on the byline', async (t) => {
    for (const state of ['published', 'scheduled', 'archived'] as const) {
      const a = await article([co.slug, me.slug], state);
      const before = await stored(a.id);
      const attempts: [string, 'PATCH' | 'POST', string, object | undefined][] = [
        ['headline', 'PATCH', `/v1/articles/${a.id}`, { headline: 'Rewritten by a writer' }],
        ['body', 'PATCH', `/v1/articles/${a.id}`, { body: 'Rewritten body.' }],
        ['slug', 'PATCH', `/v1/articles/${a.id}`, { slug: `squatted-${a.id}` }],
        ['remove a co-author', 'PATCH', `/v1/articles/${a.id}`, { authors: [me.slug] }],
        ['put themselves first', 'PATCH', `/v1/articles/${a.id}`, { authors: [me.slug, co.slug] }],
        ['restore a revision', 'POST', `/v1/articles/${a.id}/revisions/1/restore`, undefined],
      ];
      for (const [what, method, url, payload] of attempts) {
        const res = await as(writer, method, url, payload);
        t.equal(res.statusCode, 403, `${state}: ${what} → 403 (${res.body.slice(0, 200)})`);
      }
      t.same(await stored(a.id), before, `the ${state} article is untouched`);
      t.equal((await as(editor, 'PATCH', `/v1/articles/${a.id}`, { headline: 'Rewritten by an editor' })).statusCode, 200);
      t.equal((await as(editor, 'POST', `/v1/articles/${a.id}/revisions/1/restore`)).statusCode, 200);
    }
  });

  t.test("on their own draft a writer edits the text but not other people's place in the byline", async (t) => {
    const a = await article([co.slug, me.slug]);
    const byline = async () => (await stored(a.id)).authors.map((x) => x.slug);
    const refused: [string, string[]][] = [
      ['add another author', [co.slug, me.slug, third.slug]],
      ['remove a co-author', [me.slug]],
      ['move ahead of a co-author', [me.slug, co.slug]],
      ['take their own byline off', [co.slug]],
    ];
    for (const [what, authors] of refused) {
      const res = await as(writer, 'PATCH', `/v1/articles/${a.id}`, { authors });
      t.equal(res.statusCode, 403, `${what} → 403 (${res.body.slice(0, 200)})`);
      t.same(await byline(), [co.slug, me.slug], `${what}: the byline is unchanged`);
    }
    t.equal((await as(writer, 'PATCH', `/v1/articles/${a.id}`, { headline: 'A better headline', authors: [co.slug, me.slug] })).statusCode, 200, 'text edits and an unchanged byline are fine');
    const editorAdds = await as(editor, 'PATCH', `/v1/articles/${a.id}`, { authors: [me.slug, co.slug, third.slug] });
    t.equal(editorAdds.statusCode, 200, 'an editor rearranges anyone');
    t.equal((await as(writer, 'PATCH', `/v1/articles/${a.id}`, { authors: [me.slug, third.slug, co.slug] })).statusCode, 403, 'reordering the others is refused');
    const selfBack = await as(writer, 'PATCH', `/v1/articles/${a.id}`, { authors: [co.slug, third.slug, me.slug] });
    t.equal(selfBack.statusCode, 200, `a writer may move themselves back (${selfBack.body.slice(0, 200)})`);
    t.equal((await as(writer, 'PATCH', `/v1/articles/${a.id}`, { authors: [co.slug, me.slug, third.slug] })).statusCode, 403, 'but not ahead again');
    t.same(await byline(), [co.slug, third.slug, me.slug]);
  });

  t.test('slug squatting: draft renames leave nothing behind; live slugs change only through an editor', async (t) => {
    const mine = await article([me.slug]);
    t.equal((await as(writer, 'PATCH', `/v1/articles/${mine.id}`, { slug: 'president-resigns' })).statusCode, 200);
    t.equal((await as(writer, 'PATCH', `/v1/articles/${mine.id}`, { slug: 'harbour-report' })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/articles/president-resigns', headers: ctx.auth })).statusCode, 404, 'a draft rename keeps no history');
    const real = (await makeArticle(ctx, { headline: 'President resigns', bureau: bureau.slug, authors: [co.slug] })) as { slug: string };
    t.equal(real.slug, 'president-resigns', "the editor's story gets the slug");

    const live = await article([me.slug], 'published');
    const res = await as(writer, 'PATCH', `/v1/articles/${live.id}`, { slug: 'president-resigns-live' });
    t.equal(res.statusCode, 403, 'a writer cannot rename a published article');
    t.equal((await as(editor, 'PATCH', `/v1/articles/${live.id}`, { slug: 'renamed-live' })).statusCode, 200);
    const old = await app.inject({ url: `/v1/articles/${live.slug}` });
    t.equal(old.statusCode, 308, 'a slug that was public keeps redirecting');
    t.equal(old.headers.location, '/v1/articles/renamed-live');
    const again = (await makeArticle(ctx, { headline: live.slug.replace(/-/g, ' '), bureau: bureau.slug, authors: [co.slug] })) as { slug: string };
    t.not(again.slug, live.slug, 'and stays reserved');
  });
});

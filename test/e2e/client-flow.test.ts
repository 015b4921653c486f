import { parseRssFeed } from 'feedsmith';
import t from 'tap';
import { createDatelineClient, DatelineProblem, etagOf, pages } from '../../clients/typescript/src/index.js';
import { startReady, stop } from '../../scripts/lib/server.js';
import { databaseWithToken, engine } from '../helpers/instances.js';

// The flow through the typed client against the real server process (compiled, on a
// real socket): an editor files and publishes a story, a frontend reads it, a partner takes
// ninjs, a static-site builder syncs the change feed. On DATELINE_TEST_ENGINE's database.
t.test(`editor to frontend through the typed client (${engine})`, async (t) => {
  const { target, token } = await databaseWithToken(t);
  const { server } = await startReady(target, { SITE_URL: 'https://news.example.com', SITE_NAME: 'The Example Times' });
  t.teardown(() => stop(server));

  const editor = createDatelineClient({ baseUrl: server.url, token });
  const frontend = createDatelineClient({ baseUrl: server.url });

  const bureau = await editor.unwrap(editor.POST('/v1/bureaus', { body: { name: 'Metro Desk', location: 'New York' } }));
  const ali = await editor.unwrap(editor.POST('/v1/authors', { body: { name: 'Ali Çelik', bureau: bureau.slug } }));
  const jane = await editor.unwrap(editor.POST('/v1/authors', { body: { name: 'Jane Q. Reporter', bureau: bureau.id } }));
  const draft = await editor.unwrap(
    editor.POST('/v1/articles', {
      body: {
        headline: 'Subway slow zones halved',
        dateline: 'New York',
        bureau: bureau.slug,
        authors: [ali.slug, jane.slug],
        body: 'New York: The subway’s “slow zones” fell by half — officials said.',
      },
    }),
  );
  t.equal(draft.status, 'draft');

  const changes = await frontend.unwrap(frontend.GET('/v1/changes', {}));
  t.notOk(changes.data.some((c) => c.type === 'article'), 'the draft is not a public change');

  // If-Match from the ETag of a fetched article.
  const read = await editor.GET('/v1/articles/{idOrSlug}', { params: { path: { idOrSlug: String(draft.id) } } });
  const published = await editor.unwrap(
    editor.POST('/v1/articles/{idOrSlug}/publish', {
      params: { path: { idOrSlug: draft.slug }, header: { 'if-match': etagOf(read) } },
    }),
  );
  t.equal(published.status, 'published');

  // A stale ETag is a typed problem.
  const stale = await editor
    .unwrap(editor.PATCH('/v1/articles/{idOrSlug}', { params: { path: { idOrSlug: draft.slug }, header: { 'if-match': etagOf(read) } }, body: { standfirst: 'x' } }))
    .catch((e: unknown) => e);
  t.ok(stale instanceof DatelineProblem && stale.status === 412 && stale.problem.code === 'precondition_failed', 'a stale ETag is a typed 412 problem');

  // The frontend: every page of the list through the async iterator, one article a page.
  await editor.unwrap(
    editor.POST('/v1/articles/{idOrSlug}/publish', {
      params: { path: { idOrSlug: String((await editor.unwrap(editor.POST('/v1/articles', { body: { headline: 'Ferry fares frozen', bureau: bureau.id, authors: [jane.id], body: 'Ferries.' } }))).id) } },
      body: { version: 1 },
    }),
  );
  const headlines: string[] = [];
  for await (const a of pages((cursor) => frontend.GET('/v1/articles', { params: { query: { limit: 1, cursor } } }))) headlines.push(a.headline ?? '');
  t.same(headlines, ['Ferry fares frozen', 'Subway slow zones halved']);

  const story = await frontend.unwrap(frontend.GET('/v1/articles/{idOrSlug}', { params: { path: { idOrSlug: draft.slug } } }));
  t.same(story.authors?.map((a) => a.name), ['Ali Çelik', 'Jane Q. Reporter'], 'bylines in order');
  t.equal(story.url, `https://news.example.com/${bureau.slug}/${draft.slug}`);

  const missing = await frontend.unwrap(frontend.GET('/v1/articles/{idOrSlug}', { params: { path: { idOrSlug: 'no-such-story' } } })).catch((e: unknown) => e);
  t.ok(missing instanceof DatelineProblem && missing.status === 404 && missing.problem.code === 'not_found', 'a 404 is a typed problem');

  const rss = await frontend.GET('/feeds/articles.{format}', { params: { path: { format: 'rss' } }, parseAs: 'text' });
  t.equal(rss.response.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
  t.same(parseRssFeed(String(rss.data)).items?.map((i) => i.title), ['Ferry fares frozen', 'Subway slow zones halved']);

  const ninjs = await frontend.unwrap(frontend.GET('/v1/articles/{idOrSlug}/ninjs', { params: { path: { idOrSlug: draft.slug } } }));
  t.equal(ninjs.by, 'Ali Çelik and Jane Q. Reporter');

  const sync = await frontend.unwrap(frontend.GET('/v1/changes', { params: { query: { since: changes.meta.nextCursor } } }));
  t.same(
    sync.data.filter((c) => c.type === 'article').map((c) => `${c.action}:${c.url}`),
    [`published:https://news.example.com/${bureau.slug}/${draft.slug}`, `published:https://news.example.com/${bureau.slug}/ferry-fares-frozen`],
  );
});

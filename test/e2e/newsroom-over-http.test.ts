import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// The "done when", over a real socket with a real HTTP client: an editor builds a
// bureau, two authors and an article with two bylines, publishes it, and a frontend reads
// it in the public list with its bylines in order. Drafts never leak.
t.test('an editor publishes, a frontend reads, over real HTTP', async (t) => {
  const ctx = await buildTestApp(t);
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const editor = { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' };
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: editor, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { id: number; slug: string } };
  };

  const bureau = await send('POST', '/v1/bureaus', { name: 'Metro Desk', location: 'New York' });
  t.equal(bureau.status, 201);
  const jane = await send('POST', '/v1/authors', { name: 'Jane Q. Reporter', email: 'jane@example.com', bureau: 'metro-desk' });
  t.equal(jane.status, 201);
  const ali = await send('POST', '/v1/authors', { name: 'Ali Çelik', bureau: bureau.json.id });
  t.equal(ali.json.slug, 'ali-celik');

  const body = 'New York: The subway’s “slow zones” fell by half — officials said.\n\n> ‘We are not done,’ the chair said.';
  const story = await send('POST', '/v1/articles', {
    headline: 'Subway slow zones halved',
    standfirst: 'Track work pays off.',
    dateline: 'New York',
    body,
    bureau: 'metro-desk',
    authors: ['ali-celik', 'jane-q-reporter'],
  });
  t.equal(story.status, 201);
  const draftList = await fetch(`${base}/v1/articles`).then((r) => r.json() as Promise<{ data: unknown[] }>);
  t.same(draftList.data, [], 'the draft does not leak');
  t.equal((await fetch(`${base}/v1/articles/${story.json.slug}`)).status, 404);

  const published = await fetch(`${base}/v1/articles/${story.json.id}/publish`, {
    method: 'POST',
    headers: { ...editor, 'if-match': `"v${story.json.version}"` },
    body: '{}',
  }).then(async (r) => ({ status: r.status, etag: r.headers.get('etag') }));
  t.equal(published.etag, `"v${Number(story.json.version) + 1}"`);
  t.equal(published.status, 200);

  const res = await fetch(`${base}/v1/articles?include=authors,bureau`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^application\/json/);
  const list = (await res.json()) as { data: { headline: string; authors: { name: string }[]; bureau: { name: string } }[] };
  t.equal(list.data.length, 1);
  t.same(list.data[0]!.authors.map((a) => a.name), ['Ali Çelik', 'Jane Q. Reporter'], 'bylines in order');
  t.equal(list.data[0]!.bureau.name, 'Metro Desk');
  t.notOk('body' in list.data[0]!, 'no body on the list');

  const page = (await fetch(`${base}/v1/articles/${story.json.slug}?formats=markdown,html`).then((r) => r.json())) as {
    body: string;
    bodyHtml: string;
  };
  t.equal(page.body, body, 'byte-exact through a real socket');
  t.match(page.bodyHtml, '<blockquote>');

  const authorPublic = (await fetch(`${base}/v1/authors/jane-q-reporter`).then((r) => r.json())) as Record<string, unknown>;
  t.notOk('email' in authorPublic, 'no e-mail in public reads');

  const bad = await fetch(`${base}/v1/articles`, { method: 'POST', headers: editor, body: '{"headline":' });
  t.equal(bad.status, 400);
  t.equal(bad.headers.get('content-type'), 'application/problem+json');

  const head = await fetch(`${base}/v1/articles`, { method: 'HEAD' });
  t.equal(head.status, 200);
  const preflight = await fetch(`${base}/v1/articles`, {
    method: 'OPTIONS',
    headers: { origin: 'https://frontend.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  t.equal(preflight.status, 204);
  t.equal(preflight.headers.get('access-control-allow-origin'), '*');
});

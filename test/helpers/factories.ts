import type { TestApp } from './app.js';

// Factories create data through the HTTP API, so tests exercise the same path editors use.
let n = 0;
const next = () => ++n;

async function post(ctx: TestApp, url: string, payload: Record<string, unknown>) {
  const res = await ctx.app.inject({ method: 'POST', url, headers: ctx.auth, payload });
  if (res.statusCode !== 201) throw new Error(`POST ${url} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

export const makeBureau = (ctx: TestApp, over: Record<string, unknown> = {}) =>
  post(ctx, '/v1/bureaus', { name: `Bureau ${next()}`, location: 'Somewhere', ...over });

export const makeAuthor = (ctx: TestApp, over: Record<string, unknown> = {}) =>
  post(ctx, '/v1/authors', { name: `Author ${next()}`, email: `author${n}@example.com`, ...over });

export const makeTag = (ctx: TestApp, over: Record<string, unknown> = {}) =>
  post(ctx, '/v1/tags', { name: `Tag ${next()}`, ...over });

export async function makeArticle(ctx: TestApp, over: Record<string, unknown> = {}) {
  const bureau = over.bureau ?? (await makeBureau(ctx)).slug;
  const authors = over.authors ?? [(await makeAuthor(ctx)).slug];
  return post(ctx, '/v1/articles', {
    headline: `Headline number ${next()}`,
    standfirst: 'A standfirst.',
    dateline: 'Lisbon',
    body: 'Lisbon: The first paragraph.\n\nThe second paragraph.',
    ...over,
    bureau,
    authors,
  });
}

/** The current ETag of an article, as an editor would read it before changing it. */
export async function etagOf(ctx: TestApp, id: number | string): Promise<string> {
  const res = await ctx.app.inject({ url: `/v1/articles/${id}?fields=slug`, headers: ctx.auth });
  if (res.statusCode !== 200) throw new Error(`GET article ${id} → ${res.statusCode}: ${res.body}`);
  return String(res.headers.etag);
}

/** A change with the right `If-Match`, the way a careful client makes it. */
export async function change(ctx: TestApp, method: 'PATCH' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const id = url.split('/')[3]!;
  const headers = { ...ctx.auth, 'if-match': await etagOf(ctx, id) };
  return ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export async function publish(ctx: TestApp, id: number, publishedAt?: string) {
  const res = await change(ctx, 'POST', `/v1/articles/${id}/publish`, publishedAt ? { publishedAt } : undefined);
  if (res.statusCode !== 200) throw new Error(`publish → ${res.statusCode}: ${res.body}`);
  return res.json();
}

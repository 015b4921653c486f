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

export async function publish(ctx: TestApp, id: number, publishedAt?: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/v1/articles/${id}/publish`,
    headers: ctx.auth,
    ...(publishedAt ? { payload: { publishedAt } } : {}),
  });
  if (res.statusCode !== 200) throw new Error(`publish → ${res.statusCode}: ${res.body}`);
  return res.json();
}

import type { TestApp } from './app.js';

/** Posts one wire story the way a feed would. */
export const postWire = (ctx: TestApp, text: string, query = '', headers: Record<string, string> = ctx.auth) =>
  ctx.app.inject({
    method: 'POST',
    url: `/v1/imports/wire${query ? `?${query}` : ''}`,
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    payload: text,
  });

/** An NDJSON upload: objects as JSON, strings as given (a malformed line), one per line. */
export const ndjson = (items: unknown[]) => items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + '\n';

/** Posts an NDJSON upload to the bulk import. */
export const postBulk = (ctx: TestApp, payload: string, query = '') =>
  ctx.app.inject({ method: 'POST', url: `/v1/imports${query}`, headers: { ...ctx.auth, 'content-type': 'application/x-ndjson' }, payload });

/** The bulk import's NDJSON report, a line per item. */
export const parseReport = <L>(body: string): L[] => body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as L);

export const postNinjs = (ctx: TestApp, item: unknown, query = '', headers: Record<string, string> = ctx.auth) =>
  ctx.app.inject({ method: 'POST', url: `/v1/imports/ninjs${query ? `?${query}` : ''}`, headers, payload: item as object });

export const bodyTextOf = async (ctx: TestApp, id: number): Promise<string> => {
  const res = await ctx.app.inject({ url: `/v1/articles/${id}?formats=text`, headers: ctx.auth });
  return res.json().bodyText as string;
};

/** The paragraphs of a text as a reader sees them: blank-line separated, lines trimmed. */
export const paragraphsOf = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).join('\n').trim())
    .filter((p) => p !== '');

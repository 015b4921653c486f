// The seven workloads (W6 twice: by cursor and by offset). Each one first checks its request once with fetch, then hands
// autocannon a target; a workload the server cannot serve yet says why instead of failing.
import type { Dataset } from './dataset.js';
import type { Target } from './load.js';
import { markdownBody, prng } from './text.js';

export type Prepared = { target: Target; accept304?: boolean; note?: string } | { unavailable: string };
export type Workload = { id: string; name: string; prepare: () => Promise<Prepared> };

type Page = { data: { id: number }[]; meta: { nextCursor: string | null } };

export const HOME = '/v1/articles?limit=20';

/**
 * One request outside the measurement. A server still shedding load after the previous
 * workload (503) or rate limiting (429) is waited for, up to a minute, as its Retry-After asks.
 */
async function call(url: string, init: RequestInit = {}) {
  const until = performance.now() + 60_000;
  for (;;) {
    const res = await fetch(url, init);
    const text = await res.text();
    if ((res.status !== 503 && res.status !== 429) || performance.now() > until) {
      return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
    }
    const wait = Math.min(Number(res.headers.get('retry-after')) || 1, 5);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

/** `--only W1,w6c`: the list as given, upper-cased, so any case names a workload; undefined for all. */
export const parseOnly = (only: string | undefined) => only?.split(',').map((id) => id.trim().toUpperCase());

/** The ids of the measured workloads (W8, the bulk import, runs apart) that `only` selects. */
export const selectedIds = (all: Workload[], only: string[] | undefined) =>
  all.map((w) => w.id).filter((id) => id !== 'W8' && (!only || only.includes(id.toUpperCase())));

export function workloads(base: string, ds: Dataset, token: string): Workload[] {
  const get = (path: string, headers: Record<string, string> = {}) => call(base + path, { headers });
  const expect200 = async (path: string) => {
    const r = await get(path);
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  };
  const simple = async (path: string): Promise<Prepared> => {
    await expect200(path);
    return { target: { url: base + path } };
  };

  // Drafts like the dataset's articles: about 500 words of Markdown, two bylines, unique headlines.
  const draftBody = markdownBody(prng(7), 500);
  const runId = Date.now().toString(36);
  let created = 0;
  const draft = () => {
    const n = created++;
    const authors = [ds.authorSlugs[n % ds.authorSlugs.length]!, ds.authorSlugs[(n + 7) % ds.authorSlugs.length]!];
    const bureau = ds.bureauSlugs[n % ds.bureauSlugs.length]!;
    return JSON.stringify({ headline: `Bench draft ${runId} ${n}`, body: draftBody, bureau, authors, tags: [] });
  };

  return [
    { id: 'W1', name: 'home page, limit=20', prepare: () => simple(HOME) },
    {
      id: 'W2',
      name: 'article page, formats=html',
      prepare: async () => {
        const paths = ds.sampleSlugs.map((s) => `/v1/articles/${s}?formats=html`);
        await expect200(paths[0]!);
        let i = 0;
        const next = () => paths[i++ % paths.length]!;
        return {
          target: { url: base, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: next() }) }] },
          note: `${paths.length} published slugs in rotation`,
        };
      },
    },
    { id: 'W3', name: 'bureau page', prepare: () => simple(`/v1/articles?bureau=${ds.bureauSlugs[0]}&limit=20`) },
    {
      id: 'W4',
      name: `search q=${ds.searchWord}`,
      prepare: async () => {
        const path = `/v1/articles?q=${ds.searchWord}&limit=20`;
        const r = await get(path);
        if (r.status === 400) return { unavailable: `GET ${path} answers 400 (${r.text.slice(0, 160)})` };
        if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
        return {
          target: { url: base + path },
          note: `"${ds.searchWord}" is in ${(ds.searchWordShare * 100).toFixed(0)}% of bodies; default sort for q`,
        };
      },
    },
    {
      id: 'W5',
      name: 'create draft, 2 bylines',
      prepare: async () => {
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const res = await call(`${base}/v1/articles`, { method: 'POST', headers, body: draft() });
        if (res.status !== 201) throw new Error(`POST /v1/articles answered ${res.status}: ${res.text.slice(0, 300)}`);
        return {
          target: {
            url: `${base}/v1/articles`,
            requests: [{ method: 'POST', path: '/v1/articles', headers, setupRequest: (req) => ({ ...req, body: draft() }) }],
          },
          note: `POST with a ${draftBody.split(/\s+/).length}-word Markdown body, bearer token`,
        };
      },
    },
    {
      id: 'W6c',
      name: 'page 200 by cursor',
      prepare: async () => {
        let path = HOME;
        for (let page = 1; page < 200; page++) {
          const cursor = ((await expect200(path)).json() as Page).meta.nextCursor;
          if (!cursor) return { unavailable: `only ${page} pages of 20 published articles` };
          path = `${HOME}&cursor=${encodeURIComponent(cursor)}`;
        }
        const byCursor = (await expect200(path)).json() as Page;
        const byOffset = (await expect200(`${HOME}&offset=3980`)).json() as Page;
        const same = byCursor.data[0]?.id === byOffset.data[0]?.id;
        return { target: { url: base + path }, note: same ? undefined : 'page 200 by cursor and by offset differ' };
      },
    },
    { id: 'W6o', name: 'page 200 by offset=3980', prepare: () => simple(`${HOME}&offset=3980`) },
    {
      id: 'W7',
      name: 'home page, If-None-Match',
      prepare: async () => {
        const etag = (await expect200(HOME)).headers.get('etag');
        if (!etag) return { unavailable: `the server sends no ETag on GET ${HOME}` };
        const again = await get(HOME, { 'if-none-match': etag });
        const note = again.status === 304 ? '304 counts as success' : `If-None-Match answered ${again.status}, not 304`;
        return { target: { url: base + HOME, headers: { 'if-none-match': etag } }, accept304: true, note };
      },
    },
  ];
}

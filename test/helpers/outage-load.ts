import type { Call } from '../../scripts/lib/http.js';
import type { Ledger } from '../../scripts/lib/ledger.js';
import { sleep } from './instances.js';

// A mixed read and write load over real sockets that records every answer, for tests that
// take the database away under it (test/postgres/restart.test.ts). Writes acknowledged
// with a 2xx go into a Ledger, which checkDatabase compares with the database afterwards.

export type Answer = {
  op: string;
  /** The HTTP status, or what went wrong without one. */
  status: number | 'timeout' | 'network error';
  retryAfter: string | null;
  contentType: string | null;
  /** performance.now() when sent and when answered. */
  sent: number;
  answered: number;
  detail?: string;
};

const BODY = 'The port authority said the terminal would stay open while the repairs went ahead. ';

export type Load = { answers: Answer[]; stop(): Promise<void> };

/**
 * `workers` loops, each sending one request at a time until stopped: public and
 * authenticated reads, article creates, updates and publishes (with If-Match), author
 * creates. `anon` is a client without a token; requests time out on the client after
 * `Call`'s own bound (30 s), well above the server's.
 */
export function startLoad(opts: { call: Call; anon: (path: string) => Promise<Response>; ledger: Ledger; workers: number; bureau: string; author: string }): Load {
  const { call, ledger } = opts;
  const answers: Answer[] = [];
  const busy = new Set<number>();
  let running = true;
  let seq = 0;

  const record = async <R extends { status: number; headers: Headers; json?: Record<string, unknown> }>(op: string, send: () => Promise<R>): Promise<R | undefined> => {
    const sent = performance.now();
    try {
      const res = await send();
      const answer: Answer = { op, status: res.status, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), sent, answered: performance.now() };
      if (res.status >= 500 || res.status === 400) answer.detail = JSON.stringify(res.json).slice(0, 300);
      answers.push(answer);
      return res;
    } catch (err) {
      const timeout = (err as Error).name === 'TimeoutError';
      answers.push({ op, status: timeout ? 'timeout' : 'network error', retryAfter: null, contentType: null, sent, answered: performance.now(), detail: String(err) });
      return undefined;
    }
  };

  const anonRead = (path: string) =>
    record(`GET ${path} (public)`, async () => {
      const res = await opts.anon(path);
      const text = await res.text();
      return { status: res.status, headers: res.headers, json: res.status >= 500 ? { text } : undefined };
    });

  const createArticle = async () => {
    const n = ++seq;
    const body = { headline: `Outage story ${n}`, dateline: 'Porto', body: BODY.repeat(3), bureau: opts.bureau, authors: [opts.author] };
    const res = await record('POST /v1/articles', () => call('POST', '/v1/articles', body));
    if (res?.status === 201) ledger.ackArticle(res.json.id as number, res.json.version as number, res.json.status as string);
  };

  const changeArticle = async (action: 'update' | 'publish') => {
    const [id, k] = [...ledger.known].find(([i, a]) => !busy.has(i) && (action === 'update' || a.status === 'draft')) ?? [];
    if (id === undefined || k === undefined) return createArticle();
    busy.add(id);
    try {
      const headers = { 'if-match': `"v${k.version}"` };
      const res =
        action === 'update'
          ? await record('PATCH /v1/articles/:id', () => call('PATCH', `/v1/articles/${id}`, { standfirst: `Revision ${++seq}` }, headers))
          : await record('POST /v1/articles/:id/publish', () => call('POST', `/v1/articles/${id}/publish`, {}, headers));
      if (res?.status === 200) ledger.ackArticle(id, res.json.version as number, res.json.status as string);
      // A write whose answer was lost may have committed: the 412 says where the article is now.
      if (res?.status === 412) ledger.see(id, res.json.currentVersion as number, (res.json.current as { status: string }).status);
    } finally {
      busy.delete(id);
    }
  };

  const createAuthor = async () => {
    const res = await record('POST /v1/authors', () => call('POST', '/v1/authors', { name: `Outage stringer ${++seq}`, bureau: opts.bureau }));
    if (res?.status === 201) ledger.ackCreate('author', res.json.id as number);
  };

  const worker = async (w: number) => {
    for (let i = w; running; i++) {
      const before = answers.length;
      const op = i % 10;
      if (op < 3) await anonRead(op === 0 ? '/v1/articles?limit=5' : `/v1/articles?limit=2&q=terminal`);
      else if (op === 3 && ledger.known.size > 0) await record('GET /v1/articles/:id', () => call('GET', `/v1/articles/${[...ledger.known.keys()].at(-1)!}`));
      else if (op <= 5) await createArticle();
      else if (op < 8) await changeArticle('update');
      else if (op === 8) await changeArticle('publish');
      else await createAuthor();
      // A client that got a 503 waits a little, as Retry-After asks (not the whole of it: the gap is what is measured).
      if (answers.slice(before).some((a) => a.status === 503)) await sleep(50);
    }
  };

  const loops = Array.from({ length: opts.workers }, (_, w) => worker(w));
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * An answer the server may give while its database comes and goes. A 412 is right for an
 * If-Match write after an earlier write to the article committed but lost its answer.
 */
export const acceptable = (a: Answer) =>
  (typeof a.status === 'number' && ((a.status >= 200 && a.status < 300) || a.status === 304)) ||
  (a.status === 412 && /PATCH|publish/.test(a.op)) ||
  (a.status === 503 && a.retryAfter !== null && a.contentType?.startsWith('application/problem+json') === true);

/** From the first 503 to the last one answered in [from, to), and the first 2xx after that. */
export function outage(answers: Answer[], from: number, to: number): { unavailable: number; windowMs: number; lastUnavailableAt?: number; firstOkAfter?: number } {
  const inside = answers.filter((a) => a.answered >= from && a.answered < to);
  const gaps = inside.filter((a) => a.status === 503);
  if (gaps.length === 0) return { unavailable: 0, windowMs: 0 };
  const first = Math.min(...gaps.map((a) => a.answered));
  const last = Math.max(...gaps.map((a) => a.answered));
  const ok = answers.filter((a) => typeof a.status === 'number' && a.status < 300 && a.answered > last).map((a) => a.answered);
  return { unavailable: gaps.length, windowMs: last - first, lastUnavailableAt: last, firstOkAfter: ok.length ? Math.min(...ok) : undefined };
}

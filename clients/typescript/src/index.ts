// The Dateline client: every operation typed from the contract (openapi/openapi.json →
// schema.d.ts), over openapi-fetch. ESM and browser-safe: it uses only fetch, Request,
// Headers and URL, no Node built-ins.
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import { retryingFetch, type RetryOptions } from './retry.js';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export { retryDelay } from './retry.js';
export type Problem = components['schemas']['Problem'];

export type DatelineOptions = {
  /** Where the API is, e.g. `https://api.example.com`. */
  baseUrl: string;
  /** An API token (`dl_…`), sent as `Authorization: Bearer`; leave out for public reads. */
  token?: string;
  /** Retries on 429 and 503, honouring Retry-After. */
  retry?: RetryOptions;
  /** Another fetch (tests, a proxy agent); default the global one. */
  fetch?: (input: Request) => Promise<Response>;
  headers?: ClientOptions['headers'];
};

/** A 4xx or 5xx answer: the RFC 9457 problem document, typed. */
export class DatelineProblem extends Error {
  override name = 'DatelineProblem';
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.title}: ${problem.detail}`);
  }
}

export type DatelineClient = Client<paths> & {
  /** Returns `data`, or throws a DatelineProblem for an error answer. */
  unwrap: typeof unwrap;
};

export function createDatelineClient(o: DatelineOptions): DatelineClient {
  const client = createClient<paths>({
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    headers: o.headers,
    fetch: retryingFetch(o.fetch ?? ((r) => globalThis.fetch(r)), o.retry),
  });
  if (o.token) {
    const authorization = `Bearer ${o.token}`;
    client.use({
      onRequest({ request }) {
        request.headers.set('authorization', authorization);
        return request;
      },
    });
  }
  return Object.assign(client, { unwrap });
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The body of a successful answer; a problem+json answer becomes a thrown DatelineProblem. */
export async function unwrap<T>(call: Promise<Result<T>> | Result<T>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const problem =
      error && typeof error === 'object' && 'title' in error
        ? (error as Problem)
        : ({ type: 'about:blank', title: response.statusText, status: response.status, detail: String(error ?? ''), code: 'internal' } as Problem);
    throw new DatelineProblem(response.status, problem);
  }
  return data as T;
}

/** The `ETag` of an answer, for `If-Match` on the next write. */
export const etagOf = (r: { response: Response }): string => {
  const etag = r.response.headers.get('etag');
  if (!etag) throw new Error('The answer carries no ETag');
  return etag;
};

/**
 * Every item of a cursor-paged list, page after page: pass a function that fetches one page
 * given a cursor (undefined for the first).
 *
 *     for await (const a of pages((cursor) => api.GET('/v1/articles', { params: { query: { cursor } } }))) …
 */
export async function* pages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Result<{ data: Item[]; meta: { nextCursor: string | null } }>>,
): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const page = await unwrap(fetchPage(cursor));
    yield* page.data;
    cursor = page.meta.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

// Retries honouring Retry-After on 429 (rate limited) and 503 (shedding load): the server
// says when to come back, and a client that obeys is the cheapest way through an overload.

export type RetryOptions = {
  /** Attempts after the first; 0 turns retrying off. Default 3. */
  retries?: number;
  /** Never wait longer than this for one retry, in ms. Default 30 s. */
  maxDelayMs?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
};

/** Retry-After as delta-seconds or an HTTP-date, in ms; a short backoff when absent. */
export function retryDelay(header: string | null, attempt: number, now = Date.now()): number {
  if (header !== null) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return 250 * 2 ** attempt;
}

export function retryingFetch(base: (input: Request) => Promise<Response>, o: RetryOptions = {}) {
  const retries = o.retries ?? 3;
  const maxDelay = o.maxDelayMs ?? 30_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (request: Request): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      // A body can be read once: each attempt sends a copy.
      const res = await base(attempt < retries ? request.clone() : request);
      if ((res.status !== 429 && res.status !== 503) || attempt >= retries) return res;
      const wait = retryDelay(res.headers.get('retry-after'), attempt);
      if (wait > maxDelay) return res;
      await res.body?.cancel();
      await sleep(wait);
    }
  };
}

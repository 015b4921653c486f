// Conditional GET (RFC 9110 §13) against the validators of one representation.

type Stamped = { updatedAt?: unknown; publishedAt?: unknown };

/** The newest `updatedAt`/`publishedAt` in a body (an item or a `{ data: [...] }` page), as an HTTP-date. */
export function lastModifiedOf(payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object') return null;
  const list = (payload as { data?: unknown }).data;
  const items = (Array.isArray(list) ? list : [payload]) as Stamped[];
  let newest = -Infinity;
  for (const item of items) {
    for (const v of [item?.updatedAt, item?.publishedAt]) {
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      if (ms > newest) newest = ms;
    }
  }
  return Number.isFinite(newest) ? new Date(newest).toUTCString() : null;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * Whether the client's copy is current. `If-None-Match` wins when present (weak comparison;
 * `*` matches because the caller only asks for a representation that exists); otherwise
 * `If-Modified-Since`, a valid HTTP-date not older than `lastModified` (one-second precision).
 */
export function isFresh(
  headers: { 'if-none-match'?: string; 'if-modified-since'?: string },
  etag: string,
  lastModified: string | null,
): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return inm.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
  const ims = headers['if-modified-since'];
  if (ims === undefined || lastModified === null) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && since >= Date.parse(lastModified);
}

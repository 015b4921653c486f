// Response and request headers of the contract, described once. lib/openapi-contract.ts
// spreads these sets onto operations by what each route is (a public read, a list, a create,
// a versioned write), so every route that sends a header declares it the same way.

type Header = { description: string; schema: Record<string, unknown> };
const str = (description: string, extra: Record<string, unknown> = {}): Header => ({ description, schema: { type: 'string', ...extra } });

export const responseHeaders = {
  'X-Request-Id': str('The request id: a short plain `X-Request-Id` sent by the client, else a new UUID. Also in every error body as `requestId`'),
  ETag: str('Validator of this representation. For public reads a hash of the body (send it back in `If-None-Match`); for versioned items with a token, after writes and creates `"v<version>"` (send it back in `If-Match`)'),
  'Last-Modified': str('The newest `updatedAt`/`publishedAt` in the body, as an HTTP-date (send it back in `If-Modified-Since`)'),
  'Cache-Control': str('`public, max-age, s-maxage, stale-while-revalidate` for anonymous public reads; `private, no-store` or `no-store` for anything read with a credential, secrets, and errors'),
  Vary: str('`Authorization, Origin`: a token or another origin may see another representation'),
  'Surrogate-Key': str('Space-separated cache keys of every item in the body plus the list key (`articles`, …), for CDN purges'),
  'Cache-Tag': str('The same keys as `Surrogate-Key`, comma-separated (Cloudflare)'),
  Link: str('RFC 8288 `<…>; rel="next"` to the next page; absent on the last page'),
  Location: str('The address of the created item (201) or of the new slug (308)', { format: 'uri-reference' }),
  'Idempotent-Replayed': str('`true` when this is the stored response of an earlier request with the same `Idempotency-Key`', { enum: ['true'] }),
  'X-RateLimit-Limit': { description: 'Requests allowed a minute for this token or address (`RATE_LIMIT_PER_MINUTE`; absent when off)', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Remaining': { description: 'Requests left in the current minute', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Reset': { description: 'Seconds until the current minute ends', schema: { type: 'integer', minimum: 0 } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } },
} satisfies Record<string, Header>;

export type ResponseHeader = keyof typeof responseHeaders;

/** Every response carries these: */
export const everyResponseHeaders: ResponseHeader[] = ['X-Request-Id', 'Cache-Control'];
/** ...and every response of a rate-limited route (all but /health, /ready, /metrics) these. */
export const rateLimitHeaders: ResponseHeader[] = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

export const publicReadHeaders: ResponseHeader[] = ['ETag', 'Last-Modified', 'Vary', 'Surrogate-Key', 'Cache-Tag'];
export const notModifiedHeaders: ResponseHeader[] = ['ETag', 'Last-Modified'];

export const conditionalReadParameters = [
  {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'An `ETag` of this URL you hold: 304 while it is current. `*` matches any current representation (never a 404)',
    schema: { type: 'string', maxLength: 1000 },
  },
  {
    name: 'If-Modified-Since',
    in: 'header',
    required: false,
    description: 'The `Last-Modified` you hold: 304 when nothing in the body is newer. Ignored when `If-None-Match` is sent',
    schema: { type: 'string', maxLength: 100 },
  },
];

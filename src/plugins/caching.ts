import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { Counter, Gauge } from 'prom-client';
import type { Config } from '../config.js';
import type { ContentState } from '../db/content-state.js';
import { isFresh, lastModifiedOf } from '../lib/conditional.js';
import { surrogateKeys, type CacheKind } from '../lib/surrogate-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a public read: ETag, 304s, Cache-Control and surrogate keys for `kind`. */
    publicCache?: CacheKind;
  }
  interface FastifyRequest {
    /** Set on public, anonymous reads: the content state the response is built under. */
    publicRead: { state: ContentState; lastModified: string | null; hit: boolean } | null;
  }
}

const MAX_ENTRY = 512 * 1024;

// Bodies are kept as UTF-8 bytes: a hit then writes them as they are instead of encoding
// a string on every request.
type Cached = { state: ContentState; etag: string; lastModified: string | null; body: Buffer; headers: Record<string, string> };
// What a handler or preSerialization adds that a replayed response must carry too.
const KEPT_HEADERS = ['surrogate-key', 'cache-tag', 'link', 'content-type'];

/** Content-addressed: the same public body has the same ETag, whatever else changed. */
const etagOf = (body: string) => `W/"${createHash('sha1').update(body).digest('base64url')}"`;

// Validators belong to the representation of one URL (RFC 9110 §8.8): the ETag is a hash
// of the public body and Last-Modified the newest time in it. So a 404 has none and is never
// a 304, another URL's ETag never matches, and a change to a draft moves nothing public.
// Conditionals are therefore answered after the handler, from the body it built...
//
// ...except on the fast path: an in-process cache of serialized public responses, keyed by
// URL and stored with the content state they were built under (the write counter bumped by
// triggers, and the newest publish time that has come; see content-state.ts). An entry is
// used only while that state is current, so any content write (from this process or another
// one on the same file) and any scheduled article going live retire every entry at once;
// nothing is ever served stale. A hit answers its 304 or its body before parsing,
// validation or the handler, at the cost of one call into SQLite.
//
// Hooks are callback-style: this is the hottest path of the server, and an async hook
// costs a promise and a microtask turn per request.
export default fp(
  async (app, opts: { cache: Config['cache'] }) => {
    const responses =
      opts.cache.responseCacheBytes > 0
        ? new LRUCache<string, Cached>({ maxSize: opts.cache.responseCacheBytes, sizeCalculation: (c) => c.body.length + 500 })
        : null;
    const hits = new Counter({
      name: 'dateline_response_cache_hits_total',
      help: 'Public reads answered from the in-process response cache',
      registers: [app.metrics],
    });
    new Gauge({
      name: 'dateline_response_cache_bytes',
      help: 'Bytes held by the in-process response cache',
      registers: [app.metrics],
      collect() {
        this.set(responses?.calculatedSize ?? 0);
      },
    });
    const { maxAge, sMaxAge, staleWhileRevalidate } = opts.cache;
    const publicControl = `public, max-age=${maxAge}, s-maxage=${sMaxAge}, stale-while-revalidate=${staleWhileRevalidate}`;
    app.decorateRequest('publicRead', null);

    /** Public, anonymous GET/HEAD of a cacheable route: the only reads that share validators. */
    const isPublicRead = (req: FastifyRequest) =>
      (req.method === 'GET' || req.method === 'HEAD') &&
      !req.principal &&
      // A token or a preview link is a credential: such reads are private (see onSend).
      (req.query as { preview?: unknown } | undefined)?.preview === undefined;

    // Every entry is built under one content state, so once it moves they are all dead:
    // dropping them at once keeps the cache's memory to what is still servable instead of
    // letting stale bodies fill it up to its bound under a steady trickle of writes.
    let lastState: ContentState | null = null;
    const remember = (state: ContentState) => {
      if (state !== lastState) {
        responses?.clear();
        lastState = state;
      }
      return state;
    };
    // SQLite answers at once (no promise, no microtask on the hot path); PostgreSQL needs a
    // round trip, and a database it cannot reach fails the request with a 503.
    const withState = (then: (state: ContentState) => void, fail: (err: Error) => void) => {
      let state: ContentState | Promise<ContentState>;
      try {
        state = app.db.contentState();
      } catch (err) {
        return fail(err as Error);
      }
      if (state instanceof Promise) state.then((s) => then(remember(s)), fail);
      else then(remember(state));
    };

    const validators = (reply: FastifyReply, etag: string, lastModified: string | null) => {
      reply.header('etag', etag).header('cache-control', publicControl);
      if (lastModified) reply.header('last-modified', lastModified);
    };

    // Fast path, as the last onRequest hook of each public route (after the rate limiter,
    // which is also route-level): a URL in the cache under the current state was a valid
    // request when it was answered, so its 304 or its body needs nothing else.
    app.addHook('onRoute', (route) => {
      if (!route.config?.publicCache || !responses) return;
      const fast: onRequestHookHandler = (req, reply, done) => {
        reply.header('vary', 'Authorization, Origin');
        if (!isPublicRead(req)) return done();
        withState((state) => {
          req.publicRead = { state, lastModified: null, hit: false };
          const cached = responses.get(req.url);
          if (!cached || cached.state !== state) return done();
          req.publicRead.hit = true;
          hits.inc();
          validators(reply, cached.etag, cached.lastModified);
          if (isFresh(req.headers, cached.etag, cached.lastModified)) return void reply.code(304).send();
          reply.code(200).headers({ 'content-type': 'application/json; charset=utf-8', ...cached.headers }).send(cached.body);
        }, done);
      };
      route.onRequest = [...(route.onRequest === undefined ? [] : [route.onRequest].flat()), fast];
    });

    // The state is taken before the handler reads, so a write racing the handler leaves an
    // entry that is already dead rather than a stale one that looks current.
    app.addHook('preHandler', (req, reply, done) => {
      if (!req.routeOptions.config.publicCache) return done();
      if (!responses) reply.header('vary', 'Authorization, Origin');
      if (req.publicRead || !isPublicRead(req)) return done();
      withState((state) => {
        req.publicRead = { state, lastModified: null, hit: false };
        done();
      }, done);
    });

    app.addHook('preSerialization', (req, reply, payload, done) => {
      const kind = req.routeOptions.config.publicCache;
      // A handler that names its own keys (feeds, sitemaps) keeps them.
      if (kind && req.publicRead && reply.statusCode === 200 && !reply.hasHeader('surrogate-key')) {
        const keys = surrogateKeys(kind, payload);
        reply.header('surrogate-key', keys.join(' '));
        reply.header('cache-tag', keys.join(','));
        req.publicRead.lastModified = lastModifiedOf(payload);
      }
      done(null, payload);
    });

    app.addHook('onSend', (req, reply, payload, done) => {
      const read = req.publicRead;
      if (!req.routeOptions.config.publicCache || read?.hit) return done(null, payload);
      if (!read || reply.statusCode !== 200 || typeof payload !== 'string') {
        // Anything read with a token, and errors, must never sit in a shared cache.
        reply.header('cache-control', 'private, no-store');
        return done(null, payload);
      }
      const etag = etagOf(payload);
      if (responses && payload.length < MAX_ENTRY) {
        const headers: Record<string, string> = {};
        for (const h of KEPT_HEADERS) {
          const v = reply.getHeader(h);
          if (v !== undefined) headers[h] = String(v);
        }
        responses.set(req.url, { state: read.state, etag, lastModified: read.lastModified, body: Buffer.from(payload), headers });
      }
      validators(reply, etag, read.lastModified);
      if (!isFresh(req.headers, etag, read.lastModified)) return done(null, payload);
      // A 304 carries the validators, not what describes the body it stands for.
      reply.code(304).removeHeader('content-type');
      for (const h of KEPT_HEADERS) reply.removeHeader(h);
      done(null, null);
    });
  },
  { name: 'caching', dependencies: ['db', 'auth', 'metrics'] },
);

import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { Counter, Gauge } from 'prom-client';
import type { Config } from '../config.js';
import { createContentStateReader, type ContentState } from '../db/content-state.js';
import { surrogateKeys, type CacheKind } from '../lib/surrogate-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a public read: ETag, 304s, Cache-Control and surrogate keys for `kind`. */
    publicCache?: CacheKind;
  }
  interface FastifyRequest {
    cacheValidators: { etag: string; lastModified: string; hit: boolean } | null;
  }
}

const matches = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''));

const MAX_ENTRY = 512 * 1024;

// Bodies are kept as UTF-8 bytes: a hit then writes them as they are instead of encoding
// a string on every request.
type Cached = { etag: string; body: Buffer; headers: Record<string, string> };
// What a handler or preSerialization adds that a replayed response must carry too.
const KEPT_HEADERS = ['surrogate-key', 'cache-tag', 'link', 'content-type'];

// Public reads are validated against the content state *before* the handler runs, so a
// 304 costs one call into SQLite (see content-state.ts) and never rebuilds the response it
// saves. The ETag changes on every content write and whenever a scheduled article goes live.
//
// The same check guards an in-process cache of serialized public responses, keyed by URL
// and stored with the ETag they were built under. An entry is used only while the ETag is
// still current, so any content write (from this process or another one on the same
// file: the counter lives in the database, bumped by triggers) and any scheduled article
// going live invalidate every entry at once; nothing is ever served stale.
//
// Hooks are callback-style: this is the hottest path of the server, and an async hook
// costs a promise and a microtask turn per request.
export default fp(
  async (app, opts: { cache: Config['cache'] }) => {
    const responses =
      opts.cache.responseCacheBytes > 0
        ? new LRUCache<string, Cached>({ maxSize: opts.cache.responseCacheBytes, sizeCalculation: (c) => c.body.length + 500 })
        : null;
    const readState = createContentStateReader(app.db);
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
    app.decorateRequest('cacheValidators', null);

    /** Public, anonymous GET/HEAD of a cacheable route: the only reads that share validators. */
    const isPublicRead = (req: FastifyRequest) =>
      (req.method === 'GET' || req.method === 'HEAD') &&
      !req.principal &&
      // A token or a preview link is a credential: such reads are private (see onSend).
      (req.query as { preview?: unknown } | undefined)?.preview === undefined;

    // The validators are derived once per content state (the reader hands back the same
    // object until the state moves), not per request. Every cache entry is built under one
    // global ETag, so once it moves they are all dead: dropping them at once keeps the
    // cache's memory to what is still servable instead of letting stale bodies fill it up
    // to its bound under a steady trickle of writes.
    let latest: { state: ContentState; etag: string; lastModified: string } | null = null;
    const current = () => {
      const state = readState();
      if (latest?.state === state) return latest;
      const newest = state.newestVisible && state.newestVisible > state.changedAt ? state.newestVisible : state.changedAt;
      const etag = `W/"${state.version}-${state.newestVisible ? Date.parse(state.newestVisible).toString(36) : '0'}"`;
      if (etag !== latest?.etag) responses?.clear();
      latest = { state, etag, lastModified: new Date(newest).toUTCString() };
      return latest;
    };

    /** Answers 304 or a current cached body; false when the route handler has to run. */
    function answer(req: FastifyRequest, reply: FastifyReply, cached: Cached | undefined) {
      const { etag, lastModified } = current();
      req.cacheValidators = { etag, lastModified, hit: false };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const fresh = inm !== undefined ? matches(inm, etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified) - 999;
      if (fresh) {
        reply.code(304).headers({ etag, 'last-modified': lastModified, 'cache-control': publicControl }).send();
        return true;
      }
      if (cached && cached.etag === etag) {
        req.cacheValidators.hit = true;
        hits.inc();
        reply.code(200).headers({ 'content-type': 'application/json; charset=utf-8', ...cached.headers }).send(cached.body);
        return true;
      }
      return false;
    }

    // Fast path, as the last onRequest hook of each public route (after the rate limiter,
    // which is also route-level): a URL already in the cache was a valid request when it
    // was answered, so its 304 or its current body needs no parsing, validation or handler.
    app.addHook('onRoute', (route) => {
      if (!route.config?.publicCache || !responses) return;
      const fast: onRequestHookHandler = (req, reply, done) => {
        reply.header('vary', 'Authorization, Origin');
        const cached = isPublicRead(req) ? responses.get(req.url) : undefined;
        if (!cached || !answer(req, reply, cached)) done();
      };
      route.onRequest = [...(route.onRequest === undefined ? [] : [route.onRequest].flat()), fast];
    });

    // Every other public read: validated, then answered 304 (if current) before the
    // handler runs, or by the handler, whose response is then cached.
    app.addHook('preHandler', (req, reply, done) => {
      const { publicCache } = req.routeOptions.config;
      if (!publicCache) return done();
      if (!responses) reply.header('vary', 'Authorization, Origin');
      if (req.cacheValidators || !isPublicRead(req)) return done();
      if (!answer(req, reply, undefined)) done();
    });

    app.addHook('preSerialization', (req, reply, payload, done) => {
      const kind = req.routeOptions.config.publicCache;
      // A handler that names its own keys (feeds, sitemaps) keeps them.
      if (kind && req.cacheValidators && reply.statusCode === 200 && !reply.hasHeader('surrogate-key')) {
        const keys = surrogateKeys(kind, payload);
        reply.header('surrogate-key', keys.join(' '));
        reply.header('cache-tag', keys.join(','));
      }
      done(null, payload);
    });

    app.addHook('onSend', (req, reply, payload, done) => {
      if (!req.routeOptions.config.publicCache || reply.statusCode === 304) return done(null, payload);
      if (req.cacheValidators && reply.statusCode === 200) {
        const { etag, hit } = req.cacheValidators;
        if (responses && !hit && etag === latest?.etag && typeof payload === 'string' && payload.length < MAX_ENTRY) {
          const headers: Record<string, string> = {};
          for (const h of KEPT_HEADERS) {
            const v = reply.getHeader(h);
            if (v !== undefined) headers[h] = String(v);
          }
          responses.set(req.url, { etag, body: Buffer.from(payload), headers });
        }
        reply.header('etag', etag);
        reply.header('last-modified', req.cacheValidators.lastModified);
        reply.header('cache-control', publicControl);
      } else {
        // Anything read with a token, and errors, must never sit in a shared cache.
        reply.header('cache-control', 'private, no-store');
      }
      done(null, payload);
    });
  },
  { name: 'caching', dependencies: ['db', 'auth', 'metrics'] },
);

import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import { createContentStateReader } from '../db/content-state.js';
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

type Cached = { etag: string; body: string; headers: Record<string, string> };
// What a handler or preSerialization adds that a replayed response must carry too.
const KEPT_HEADERS = ['surrogate-key', 'cache-tag', 'link'];

// Public reads are validated against the content state *before* the handler runs, so a
// 304 costs two index lookups and never rebuilds the response it saves. The ETag changes
// on every content write and whenever a scheduled article goes live.
//
// The same check guards an in-process cache of serialized public responses, keyed by URL
// and stored with the ETag they were built under. An entry is used only while the ETag is
// still current, so any content write (from this process or another one on the same
// file: the counter lives in the database, bumped by triggers) and any scheduled article
// going live invalidate every entry at once; nothing is ever served stale.
export default fp(
  async (app, opts: { cache: Config['cache'] }) => {
    const responses =
      opts.cache.responseCacheBytes > 0
        ? new LRUCache<string, Cached>({ maxSize: opts.cache.responseCacheBytes, sizeCalculation: (c) => c.body.length * 2 + 500 })
        : null;
    const readState = createContentStateReader(app.db);
    const { maxAge, sMaxAge, staleWhileRevalidate } = opts.cache;
    const publicControl = `public, max-age=${maxAge}, s-maxage=${sMaxAge}, stale-while-revalidate=${staleWhileRevalidate}`;
    app.decorateRequest('cacheValidators', null);

    // preHandler, not onRequest: route-level hooks such as the rate limiter run after global
    // onRequest hooks, and a cached answer must not skip them. Query validation has run too.
    app.addHook('preHandler', async (req, reply) => {
      if (!req.routeOptions.config.publicCache || (req.method !== 'GET' && req.method !== 'HEAD')) return;
      reply.header('vary', 'Authorization, Origin');
      // A token or a preview link is a credential: such reads are private (see onSend).
      if (req.principal || (req.query as { preview?: unknown } | undefined)?.preview !== undefined) return;
      const now = new Date().toISOString();
      const s = readState(now);
      const etag = `W/"${s.version}-${s.newestVisible ? Date.parse(s.newestVisible).toString(36) : '0'}"`;
      const newest = s.newestVisible && s.newestVisible > s.changedAt ? s.newestVisible : s.changedAt;
      const lastModified = new Date(newest).toUTCString();
      req.cacheValidators = { etag, lastModified, hit: false };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const fresh = inm !== undefined ? matches(inm, etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified) - 999;
      if (fresh) {
        return reply.code(304).headers({ etag, 'last-modified': lastModified, 'cache-control': publicControl }).send();
      }
      const cached = responses?.get(req.url);
      if (cached && cached.etag === etag) {
        req.cacheValidators.hit = true;
        return reply
          .code(200)
          .headers({ 'content-type': 'application/json; charset=utf-8', ...cached.headers })
          .send(cached.body);
      }
    });

    app.addHook('preSerialization', async (req, reply, payload) => {
      const kind = req.routeOptions.config.publicCache;
      if (kind && req.cacheValidators && reply.statusCode === 200) {
        const keys = surrogateKeys(kind, payload);
        reply.header('surrogate-key', keys.join(' '));
        reply.header('cache-tag', keys.join(','));
      }
      return payload;
    });

    app.addHook('onSend', async (req, reply, payload) => {
      if (!req.routeOptions.config.publicCache || reply.statusCode === 304) return payload;
      if (req.cacheValidators && reply.statusCode === 200) {
        const { etag, hit } = req.cacheValidators;
        if (responses && !hit && typeof payload === 'string' && payload.length < MAX_ENTRY) {
          const headers: Record<string, string> = {};
          for (const h of KEPT_HEADERS) {
            const v = reply.getHeader(h);
            if (v !== undefined) headers[h] = String(v);
          }
          responses.set(req.url, { etag, body: payload, headers });
        }
        reply.header('etag', req.cacheValidators.etag);
        reply.header('last-modified', req.cacheValidators.lastModified);
        reply.header('cache-control', publicControl);
      } else {
        // Anything read with a token, and errors, must never sit in a shared cache.
        reply.header('cache-control', 'private, no-store');
      }
      return payload;
    });
  },
  { name: 'caching', dependencies: ['db', 'auth'] },
);

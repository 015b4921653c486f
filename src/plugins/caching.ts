import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { createContentStateReader } from '../db/content-state.js';
import { surrogateKeys, type CacheKind } from '../lib/surrogate-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a public read: ETag, 304s, Cache-Control and surrogate keys for `kind`. */
    publicCache?: CacheKind;
  }
  interface FastifyRequest {
    cacheValidators: { etag: string; lastModified: string } | null;
  }
}

const matches = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''));

// Public reads are validated against the content state *before* the handler runs, so a
// 304 costs two index lookups and never rebuilds the response it saves. The ETag changes
// on every content write and whenever a scheduled article goes live.
export default fp(
  async (app, opts: { cache: Config['cache'] }) => {
    const readState = createContentStateReader(app.db);
    const { maxAge, sMaxAge, staleWhileRevalidate } = opts.cache;
    const publicControl = `public, max-age=${maxAge}, s-maxage=${sMaxAge}, stale-while-revalidate=${staleWhileRevalidate}`;
    app.decorateRequest('cacheValidators', null);

    app.addHook('onRequest', async (req, reply) => {
      if (!req.routeOptions.config.publicCache || (req.method !== 'GET' && req.method !== 'HEAD')) return;
      reply.header('vary', 'Authorization, Origin');
      // A token or a preview link is a credential: such reads are private (see onSend).
      if (req.principal || (req.query as { preview?: unknown } | undefined)?.preview !== undefined) return;
      const now = new Date().toISOString();
      const s = readState(now);
      const etag = `W/"${s.version}-${s.newestVisible ? Date.parse(s.newestVisible).toString(36) : '0'}"`;
      const newest = s.newestVisible && s.newestVisible > s.changedAt ? s.newestVisible : s.changedAt;
      const lastModified = new Date(newest).toUTCString();
      req.cacheValidators = { etag, lastModified };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const fresh = inm !== undefined ? matches(inm, etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified) - 999;
      if (fresh) {
        return reply.code(304).headers({ etag, 'last-modified': lastModified, 'cache-control': publicControl }).send();
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

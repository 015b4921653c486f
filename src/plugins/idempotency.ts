import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import fp from 'fastify-plugin';
import { idempotencyKeys } from '../db/schema.js';
import { AppError } from '../errors.js';
import { nowIso } from '../lib/time.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** POST creates that honour `Idempotency-Key`. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey: { tokenId: number; key: string } | null;
  }
}

const KEY = /^[\x21-\x7e]{1,200}$/;
const REPLAYED_HEADERS = ['location', 'etag'];
/** Keys are kept a day: long enough for any client retry, short enough not to pile up. */
const KEEP_MS = 24 * 3600_000;

// A key is claimed before the handler runs (a second request with the same key while the
// first is in flight gets a 409), and filled with the response when it succeeds. A failed
// request frees the key so the client can retry. Keys belong to the token that sent them.
export default fp(
  async (app) => {
    app.decorateRequest('idempotencyKey', null);
    const purge = () =>
      app.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(Date.now() - KEEP_MS).toISOString())).run();
    const timer = setInterval(purge, 3600_000).unref();
    app.addHook('onReady', async () => void purge());
    app.addHook('onClose', async () => clearInterval(timer));

    app.addHook('preHandler', async (req, reply) => {
      const key = req.headers['idempotency-key'];
      if (!req.routeOptions.config.idempotent || key === undefined || !req.principal) return;
      if (typeof key !== 'string' || !KEY.test(key)) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 visible ASCII characters', {
          errors: [{ path: 'header.idempotency-key', message: 'Invalid' }],
        });
      }
      const tokenId = req.principal.tokenId;
      const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
      const where = and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key));
      const seen = app.db.select().from(idempotencyKeys).where(where).get();
      if (seen) {
        if (seen.requestHash !== requestHash) {
          throw new AppError('unprocessable', 'This Idempotency-Key was used for a different request', {
            errors: [{ path: 'header.idempotency-key', message: 'Reused with another body' }],
          });
        }
        if (seen.statusCode === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
        return reply
          .code(seen.statusCode)
          .headers({ ...seen.headers, 'idempotent-replayed': 'true', 'content-type': 'application/json; charset=utf-8' })
          .serializer((p) => p as string)
          .send(seen.body);
      }
      app.db.insert(idempotencyKeys).values({ tokenId, key, requestHash, createdAt: nowIso() }).run();
      req.idempotencyKey = { tokenId, key };
    });

    app.addHook('onSend', async (req, reply, payload) => {
      const claim = req.idempotencyKey;
      if (!claim) return payload;
      const where = and(eq(idempotencyKeys.tokenId, claim.tokenId), eq(idempotencyKeys.key, claim.key));
      if (reply.statusCode >= 200 && reply.statusCode < 300) {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        app.db.update(idempotencyKeys).set({ statusCode: reply.statusCode, body: String(payload), headers }).where(where).run();
      } else {
        app.db.delete(idempotencyKeys).where(where).run();
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['db', 'auth'] },
);

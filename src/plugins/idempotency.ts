import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { nowIso } from '../lib/time.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Runs a create at most once per `Idempotency-Key` of the caller's token and answers 201.
     * A repeat gets the first result back (to be sent the usual way) with `Idempotent-Replayed: true`.
     */
    idempotentCreate: <T>(req: FastifyRequest, reply: FastifyReply, create: () => Promise<T>) => Promise<T>;
  }
}

/** Where keys are kept (the idempotency module's repository, injected by app.ts). */
export type IdempotencyStore = {
  find(
    tokenId: number,
    key: string,
  ): Promise<{ requestHash: string; statusCode: number | null; body: string | null; headers: Record<string, string> | null } | undefined>;
  insert(row: {
    tokenId: number;
    key: string;
    requestHash: string;
    statusCode: number;
    body: string;
    headers: Record<string, string> | null;
    createdAt: string;
  }): Promise<void>;
  purgeOlderThan(iso: string): Promise<void>;
};

const KEY = /^[\x21-\x7e]{1,200}$/;
const CREATED = 201;
/** Keys are kept a day: long enough for any client retry, short enough not to pile up. */
const KEEP_MS = 24 * 3600_000;

function keyOf(req: FastifyRequest): string | null {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return null;
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 visible ASCII characters', {
      errors: [{ path: 'header.idempotency-key', message: 'Invalid' }],
    });
  }
  return key;
}

// The key is looked up and recorded in the create's own unit of work (the service's unit of
// work nests in it as a savepoint), so "created" and "key recorded" commit together or not
// at all: a crash at any moment leaves either both (a retry replays) or neither (a retry
// creates), and a failed create leaves the key free. Two requests with one key, in one
// process or several, are serialised on that key (the store's find holds it until the unit
// of work ends), so there is no "in progress" state to wait out.
// The result is stored, not the response bytes: a replay goes through the route's own reply
// path (serializer, Location, ETag) and comes out the same. Keys belong to the token.
//
// A result larger than `maxStoredBytes` (an article with a long body) is not kept whole:
// the row keeps only its id, so keys cannot hold a day of megabyte responses. A repeat of
// such a create answers 409 with the created item's `location` — it exists, and is one GET
// away — instead of replaying the body.
const TRIMMED = { trimmed: 'true' };

export default fp(
  async (app, opts: { store: IdempotencyStore; maxStoredBytes: number }) => {
    const { store } = opts;
    const purge = () => store.purgeOlderThan(new Date(Date.now() - KEEP_MS).toISOString());
    const purgeLogged = () => purge().catch((err: unknown) => app.log.error({ err }, 'purging idempotency keys failed'));
    const timer = setInterval(purgeLogged, 3600_000).unref();
    app.addHook('onReady', async () => void (await purge()));
    app.addHook('onClose', async () => clearInterval(timer));

    app.decorate('idempotentCreate', async <T>(req: FastifyRequest, reply: FastifyReply, create: () => Promise<T>): Promise<T> => {
      const key = keyOf(req);
      if (key === null || !req.principal) {
        const result = await create();
        reply.code(CREATED);
        return result;
      }
      const tokenId = req.principal.tokenId;
      const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
      const outcome = await app.db.write(async () => {
        const seen = await store.find(tokenId, key);
        if (!seen) {
          const result = await create();
          let body = JSON.stringify(result);
          const fits = Buffer.byteLength(body) <= opts.maxStoredBytes;
          if (!fits) body = JSON.stringify({ id: (result as { id: unknown }).id });
          const row = { tokenId, key, requestHash, statusCode: CREATED, body, headers: fits ? null : TRIMMED, createdAt: nowIso() };
          await store.insert(row);
          return { status: CREATED, result, replayed: false };
        }
        if (seen.requestHash !== requestHash) {
          throw new AppError('unprocessable', 'This Idempotency-Key was used for a different request', {
            errors: [{ path: 'header.idempotency-key', message: 'Reused with another body' }],
          });
        }
        // Only the previous version left claims without a result (purged within a day). Whether
        // that create committed is unknown, so running it again could create twice.
        if (seen.statusCode === null || seen.body === null) {
          throw new AppError('conflict', 'This Idempotency-Key was claimed by a request whose outcome is unknown; use a new key');
        }
        if (seen.headers?.trimmed === TRIMMED.trimmed) {
          const location = `${req.url.split('?')[0]}/${String((JSON.parse(seen.body) as { id: unknown }).id)}`;
          throw new AppError('conflict', `This Idempotency-Key already created ${location}; its response was too large to keep for replay, so GET it there`, {
            extra: { location },
          });
        }
        return { status: seen.statusCode, result: JSON.parse(seen.body) as T, replayed: true };
      });
      reply.code(outcome.status);
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return outcome.result;
    });
  },
  { name: 'idempotency', dependencies: ['db', 'auth'] },
);

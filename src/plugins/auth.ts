import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { createFailureWindow, createRedisFailureWindow, type FailureWindow } from '../lib/failure-window.js';
import type { Principal, Role } from '../modules/tokens/tokens.service.js';

export type VerifyToken = (token: string) => Promise<{ ok: true; principal: Principal } | { ok: false; reason: string }>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks its own Authorization header (e.g. /metrics with its own token). */
    ownAuthorization?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Guard for routes that need a bearer token (runs before the body is read, see onRoute below). */
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Guard for routes that need one of these roles (401 without a token, 403 with another role). */
    requireRole: (...roles: Role[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

// RFC 6750 `Bearer b64token`, nothing before or after it: `Bearer <token> junk` is malformed.
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/** A credential of any kind: a token, a metrics token, a preview link. */
export const carriesCredentials = (req: FastifyRequest) =>
  req.headers.authorization !== undefined || (req.query as { preview?: unknown } | undefined)?.preview !== undefined;

// Reads are public but a token widens them (drafts, e-mail addresses), so every request
// with an Authorization header is verified; a bad token is a 401 even on a public read
// rather than a silently narrower answer.
export default fp(
  async (app, opts: { failuresPerMinute: number; verify: VerifyToken }) => {
    app.decorateRequest('principal', null);
    // Guessing tokens (or preview links, or the metrics token) costs a 401 each; an address
    // with too many a minute is refused with 429 before any credential it sends is checked.
    // Counted in Redis when instances share one (else one instance each would allow the limit).
    const failures: FailureWindow = app.redis
      ? createRedisFailureWindow(app.redis, opts.failuresPerMinute, 60_000, (err) =>
          app.log.warn({ err: (err as Error).message }, 'could not count failed authentications in Redis'),
        )
      : createFailureWindow(opts.failuresPerMinute, 60_000);

    const checkCredentials = (req: FastifyRequest, reply: FastifyReply, retryAfter: number, done: (err?: Error) => void) => {
      if (retryAfter > 0) {
        reply.header('retry-after', String(retryAfter));
        return done(new AppError('too_many_requests', `Too many failed authentications from this address; retry in ${retryAfter} seconds`));
      }
      const header = req.headers.authorization;
      if (header === undefined || req.routeOptions.config.ownAuthorization) return done();
      const m = BEARER.exec(header.trim());
      if (!m) return done(new AppError('unauthorized', 'Use the header `Authorization: Bearer <token>`'));
      opts.verify(m[1]!).then((result) => {
        if (!result.ok) return done(new AppError('unauthorized', result.reason));
        req.principal = result.principal;
        done();
      }, done);
    };

    // Callback-style: it runs on every request, and an async hook costs a microtask turn;
    // only requests that carry credentials wait for anything (Redis's count, the token lookup).
    app.addHook('onRequest', (req, reply, done) => {
      if (!carriesCredentials(req)) return done();
      const blocked = failures.blockedFor(req.ip);
      if (typeof blocked === 'number') return checkCredentials(req, reply, blocked, done);
      blocked.then((retryAfter) => checkCredentials(req, reply, retryAfter, done)).catch(done);
    });

    // Every failed credential counts, whoever refused it (this plugin, a preview link, /metrics).
    // Responses to requests with credentials are never stored by a shared or browser cache:
    // they may hold drafts or secrets (createToken, createWebhook), errors included.
    app.addHook('onSend', (req, reply, payload, done) => {
      if (carriesCredentials(req)) {
        if (reply.statusCode === 401) failures.record(req.ip);
        reply.header('cache-control', 'private, no-store');
      }
      done(null, payload);
    });

    // Authenticate first: a guard given as a route's preHandler runs as its onRequest hook
    // instead, so a write without a valid token is a 401 before its body is read, parsed or
    // validated (a 1 MB anonymous body is not worth reading). Applies to every route,
    // including ones added later, without each having to remember it.
    const guards = new WeakSet<object>();
    const guard = <F extends object>(fn: F) => (guards.add(fn), fn);
    app.addHook('onRoute', (route) => {
      const pre = route.preHandler === undefined ? [] : [route.preHandler].flat();
      const moved = pre.filter((h) => guards.has(h));
      if (moved.length === 0) return;
      route.preHandler = pre.filter((h) => !guards.has(h)) as preHandlerHookHandler[];
      route.onRequest = [...(route.onRequest === undefined ? [] : [route.onRequest].flat()), ...moved];
    });

    const authenticate = guard(async (req: FastifyRequest) => {
      if (!req.principal) throw new AppError('unauthorized', 'This operation needs `Authorization: Bearer <token>`');
    });
    app.decorate('authenticate', authenticate);
    app.decorate('requireRole', (...roles: Role[]) =>
      guard(async (req: FastifyRequest) => {
        await authenticate(req);
        if (!roles.includes(req.principal!.role)) {
          throw new AppError('forbidden', `The ${req.principal!.role} role may not do this; it needs ${roles.join(' or ')}`);
        }
      }),
    );
  },
  { name: 'auth', dependencies: ['db', 'redis'] },
);

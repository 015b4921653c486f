import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
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
    /** preHandler for routes that need a bearer token. */
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler for routes that need a token with one of these roles (401 without a token, 403 with another role). */
    requireRole: (...roles: Role[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

// Reads are public but a token widens them (drafts, e-mail addresses), so every request
// with an Authorization header is verified; a bad token is a 401 even on a public read
// rather than a silently narrower answer.
export default fp(
  async (app, opts: { verify: VerifyToken }) => {
    app.decorateRequest('principal', null);
    // Callback-style: it runs on every request, and an async hook costs a microtask turn.
    app.addHook('onRequest', (req, _reply, done) => {
      const header = req.headers.authorization;
      if (header === undefined || req.routeOptions.config.ownAuthorization) return done();
      const [scheme, token] = header.split(' ', 2);
      if (scheme?.toLowerCase() !== 'bearer' || !token) {
        return done(new AppError('unauthorized', 'Use the header `Authorization: Bearer <token>`'));
      }
      opts.verify(token.trim()).then((result) => {
        if (!result.ok) return done(new AppError('unauthorized', result.reason));
        req.principal = result.principal;
        done();
      }, done);
    });
    const authenticate = async (req: FastifyRequest) => {
      if (!req.principal) throw new AppError('unauthorized', 'This operation needs `Authorization: Bearer <token>`');
    };
    app.decorate('authenticate', authenticate);
    app.decorate('requireRole', (...roles: Role[]) => async (req: FastifyRequest) => {
      await authenticate(req);
      if (!roles.includes(req.principal!.role)) {
        throw new AppError('forbidden', `The ${req.principal!.role} role may not do this; it needs ${roles.join(' or ')}`);
      }
    });
  },
  { name: 'auth', dependencies: ['db'] },
);

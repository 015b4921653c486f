import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { toProblem } from './error-handler.js';

// Load protection. Rate limits count per token (its public id, never the secret) or, for
// anonymous reads, per client address; under pressure the server sheds load with 503 and
// Retry-After instead of queueing until it falls over. Health, readiness and metrics are
// exempt so orchestrators can still see what is going on.
//
// With several instances the counts live in Redis (REDIS_URL), so a client's minute is one
// minute whichever instance answers; without it each instance counts alone, and N instances
// allow up to N times the limit. If Redis goes away requests are let through (skipOnError):
// an outage of the limiter must not become an outage of the API.
const EXEMPT = new Set(['/health', '/ready', '/metrics']);

export default fp(
  async (app, opts: Pick<Config, 'rateLimitPerMinute' | 'maxEventLoopDelayMs'>) => {
    if (opts.maxEventLoopDelayMs > 0) {
      await app.register(underPressure, {
        maxEventLoopDelay: opts.maxEventLoopDelayMs,
        retryAfter: 5,
        exposeStatusRoute: false,
        // Returning nothing lets the request through; returning the problem sends it.
        pressureHandler: (req, reply) => {
          if (EXEMPT.has(req.url.split('?')[0]!)) return undefined;
          const problem = toProblem(new AppError('unavailable', 'The server is overloaded; retry after 5 seconds'), req);
          reply.code(503).header('retry-after', '5').type('application/problem+json').serializer((p) => JSON.stringify(p));
          return problem as unknown as void;
        },
      });
    }
    if (opts.rateLimitPerMinute > 0) {
      await app.register(rateLimit, {
        global: true,
        max: opts.rateLimitPerMinute,
        timeWindow: 60_000,
        hook: 'onRequest',
        allowList: (req) => EXEMPT.has(req.url.split('?')[0]!),
        keyGenerator: (req) => {
          const m = /^Bearer\s+dl_([A-Za-z0-9]{12})_/i.exec(req.headers.authorization ?? '');
          return m ? `token:${m[1]}` : `ip:${req.ip}`;
        },
        ...(app.redis ? { redis: app.redis, nameSpace: 'rate-limit:', skipOnError: true } : {}),
        errorResponseBuilder: (_req, ctx) =>
          new AppError('too_many_requests', `Rate limit of ${ctx.max} requests a minute reached; retry in ${ctx.after}`),
      });
    }
  },
  { name: 'protection', dependencies: ['redis'] },
);

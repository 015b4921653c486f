import { timingSafeEqual } from 'node:crypto';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, pickProblems } from '../../errors.js';
import { optionalBearer } from '../shared/schemas.js';

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health', examples: [{ status: 'ok' }] });
const Ready = z
  .object({ status: z.enum(['ready', 'not_ready']), database: z.boolean(), migrations: z.boolean(), detail: z.string().optional() })
  .meta({ id: 'Readiness', examples: [{ status: 'ready', database: true, migrations: true }] });

const tags = ['Operations'];

// For orchestrators and monitoring: cheap, unauthenticated (except metrics when a token is
// configured), and exempt from rate limits and load shedding (plugins/protection.ts).
export const opsRoutes: FastifyPluginAsyncZod<{ metricsToken?: string }> = async (app, opts) => {
  const expected = readMigrationFiles({ migrationsFolder: app.db.migrationsFolder }).length;

  // Probes carry no token, and a stale one must not fail a liveness check: these two ignore
  // Authorization (ownAuthorization skips the global check, and they check nothing).
  app.get('/health', {
    config: { ownAuthorization: true },
    schema: {
      operationId: 'getHealth',
      security: [],
      tags,
      summary: 'Liveness',
      description: 'The process is up and answering. Does not touch the database.',
      response: { 200: Health, ...pickProblems(400, 500) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/ready', {
    config: { ownAuthorization: true },
    schema: {
      operationId: 'getReadiness',
      security: [],
      tags,
      summary: 'Readiness',
      description: 'The database answers and every migration is applied; 503 otherwise.',
      response: { ...pickProblems(400, 500), 200: Ready, 503: Ready },
    },
    handler: async (req, reply) => {
      try {
        const migrations = (await app.db.migrationsApplied()) >= expected;
        return reply.code(migrations ? 200 : 503).send({ status: migrations ? 'ready' : 'not_ready', database: true, migrations });
      } catch (err) {
        // The driver's message can name hosts, users and paths: it goes to the log, and the
        // unauthenticated caller learns only that the database did not answer.
        req.log.error({ err }, 'readiness: the database did not answer');
        return reply.code(503).send({ status: 'not_ready', database: false, migrations: false, detail: 'The database did not answer' });
      }
    },
  });

  app.get('/metrics', {
    config: { ownAuthorization: true },
    schema: {
      operationId: 'getMetrics',
      // Open unless METRICS_TOKEN is set, and then only that token opens it.
      security: optionalBearer,
      tags,
      summary: 'Prometheus metrics',
      description:
        'Request counts and latency histograms per route, database size, webhook queue depth and process metrics, in the Prometheus text format. Needs `Authorization: Bearer <METRICS_TOKEN>` when that is configured.',
      response: {
        200: { description: 'Prometheus exposition format', content: { 'text/plain': { schema: z.string() } } },
        ...pickProblems(400, 401, 500),
      },
    },
    handler: async (req, reply) => {
      if (opts.metricsToken) {
        const given = Buffer.from(req.headers.authorization ?? '');
        const want = Buffer.from(`Bearer ${opts.metricsToken}`);
        if (given.length !== want.length || !timingSafeEqual(given, want)) {
          throw new AppError('unauthorized', 'Metrics need `Authorization: Bearer <METRICS_TOKEN>`');
        }
      }
      reply.header('cache-control', 'no-store').type(app.metrics.contentType);
      return app.metrics.metrics();
    },
  });
};

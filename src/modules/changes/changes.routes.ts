import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pickProblems } from '../../errors.js';
import { optionalBearer } from '../shared/schemas.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { ChangeList, ChangesQuery } from './changes.schemas.js';
import { createChangesService } from './changes.service.js';

const HOUR = 3_600_000;

export const changeRoutes: FastifyPluginAsyncZod<{ links: SiteLinks; retentionDays: number }> = async (app, opts) => {
  const service = createChangesService(app.db, opts);

  app.get('/v1/changes', {
    schema: {
      operationId: 'listChanges',
      security: optionalBearer,
      tags: ['Content out'],
      summary: 'What changed since a cursor',
      description:
        'Public articles, authors, bureaus and tags that were published, updated, unpublished, archived or deleted since ' +
        '`since`, in commit order, with tombstones for what left the public view. Each item appears once, at its newest ' +
        'change. Without `since` the feed starts from the beginning (a full sync). Keep `meta.nextCursor` and ask again ' +
        'while `meta.hasMore`; a cursor older than the retention window (`CHANGES_RETENTION_DAYS`, default 30) answers 410. ' +
        'Scheduled articles appear when they go live.',
      querystring: ChangesQuery,
      response: { 200: ChangeList, ...pickProblems(400, 401, 410, 500) },
    },
    handler: async (req, reply) => {
      // Every poll must see the latest commit: no shared cache may answer for the database.
      reply.header('cache-control', 'no-store');
      return service.list(req.query);
    },
  });

  // Tombstones past the retention window are dropped hourly (and at start).
  let timer: NodeJS.Timeout | undefined;
  const purge = () => service.purge().catch((err: unknown) => app.log.error({ err }, 'change feed purge failed'));
  app.addHook('onReady', async () => {
    await purge();
    timer = setInterval(purge, HOUR).unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
};

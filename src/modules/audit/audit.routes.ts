import { createSelectSchema } from 'drizzle-zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditEvents } from '../../db/schema.js';
import { pickProblems } from '../../errors.js';
import { bearer, idParam, intParam } from '../shared/schemas.js';
import { createAuditRepository } from './audit.repository.js';

export const AuditEventSchema = createSelectSchema(auditEvents, { createdAt: z.iso.datetime() }).meta({
  id: 'AuditEvent',
  examples: [
    { id: 981, actorName: 'Night desk', actorRole: 'editor', tokenId: 3, action: 'article.published', resourceType: 'article', resourceId: 42, version: 4, createdAt: '2026-06-28T14:05:00.000Z' },
  ],
});

const AuditQuery = z
  .strictObject({
    resourceType: z.enum(['article', 'author', 'bureau', 'tag', 'token', 'webhook']).optional(),
    resourceId: idParam().optional(),
    since: z.iso.datetime({ offset: true }).optional().describe('At or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('Before this time'),
    before: idParam().optional().describe('Page: only events older than this id (`meta.nextBefore`)'),
    limit: intParam(1, 200).default(50).meta({ description: 'Events per page: 1–200, default 50', default: 50 }),
  })
  .meta({ description: 'Filters' });

const AuditList = z
  .object({ data: z.array(AuditEventSchema), meta: z.object({ nextBefore: z.int().nullable() }) })
  .meta({ id: 'AuditEventList' });

// The audit log is append-only and written by the services inside each change's transaction
// (shared/actor.ts); this route only reads it, newest first, paged by id.
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const repo = createAuditRepository(app.db);
  app.get('/v1/audit-events', {
    schema: {
      operationId: 'listAuditEvents',
      tags: ['Audit'],
      summary: 'List audit events',
      description: 'Every write: who (token name and role), what, which resource and version, when. Admins only. Newest first.',
      security: bearer,
      querystring: AuditQuery,
      response: { 200: AuditList, ...pickProblems(400, 401, 403, 500) },
    },
    preHandler: app.requireRole('admin'),
    handler: async (req) => {
      const q = req.query;
      const rows = await repo.list(
        { ...q, since: q.since && new Date(q.since).toISOString(), until: q.until && new Date(q.until).toISOString() },
        q.limit + 1,
      );
      const page = rows.slice(0, q.limit);
      return { data: page, meta: { nextBefore: rows.length > q.limit ? page.at(-1)!.id : null } };
    },
  });
};

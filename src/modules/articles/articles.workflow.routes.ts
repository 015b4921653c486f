import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SiteLinks } from '../../lib/site-links.js';
import { movedResponse, pickProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { expectedVersion, IfMatchHeaders, versionEtag } from '../shared/preconditions.js';
import { bearer } from '../shared/schemas.js';
import { createPreviewSigner } from './articles.preview.js';
import {
  CompareQuery,
  ComparisonSchema,
  PreviewBody,
  PreviewSchema,
  RestoreBody,
  RevisionList,
  RevisionParams,
  RevisionSchema,
} from './articles.revisions.schemas.js';
import { ArticleParams, ArticleSchema, PublishArticleBody, VersionBody } from './articles.schemas.js';
import { createArticlesService } from './articles.service.js';
import type { RevisionLimits } from './articles.revisions.js';

const tags = ['Articles'];
const publishingProblems = () => pickProblems(400, 401, 403, 404, 412, 415, 422, 428, 500);

const precondition = 'Needs `If-Match: "v<version>"` or `version` in the body (428 without, 412 when stale).';

export const articleWorkflowRoutes: FastifyPluginAsyncZod<RevisionLimits & { links?: SiteLinks }> = async (app, opts) => {
  const service = createArticlesService(app.db, { ...opts, workers: app.workers });
  const previews = createPreviewSigner(app.db);
  const editors = app.requireRole('admin', 'editor');

  const transitions = [
    ['publish', 'publishArticle', 'Publish an article', `Makes the article public at \`publishedAt\` (now, or its earlier publish time, when absent). A future time schedules it: status \`scheduled\`, public and announced by webhook from that moment. Needs a body and at least one author, else 422. ${precondition}`],
    ['unpublish', 'unpublishArticle', 'Unpublish an article', `Back to draft: hidden from public reads at once. The publish time is kept for a later republish. ${precondition}`],
    ['archive', 'archiveArticle', 'Archive an article', `Takes the article out of public reads and keeps it for the record. ${precondition}`],
  ] as const;

  for (const [action, operationId, summary, description] of transitions) {
    app.post(`/v1/articles/:idOrSlug/${action}`, {
      schema: {
        operationId,
        tags,
        summary,
        description: `${description} Admins and editors.`,
        security: bearer,
        params: ArticleParams,
        headers: IfMatchHeaders,
        body: action === 'publish' ? PublishArticleBody : VersionBody,
        response: { 200: ArticleSchema, 308: movedResponse, ...publishingProblems() },
      },
      preHandler: editors,
      handler: async (req, reply) => {
        const body = req.body as { version?: number; publishedAt?: string } | null | undefined;
        const expected = expectedVersion(req.headers['if-match'], body?.version);
        const actor = actorOf(req.principal);
        const key = req.params.idOrSlug;
        const article =
          action === 'publish'
            ? await service.publish(key, body?.publishedAt, actor, expected)
            : action === 'unpublish'
              ? await service.unpublish(key, actor, expected)
              : await service.archive(key, actor, expected);
        return reply.header('etag', versionEtag(article.version)).send(article);
      },
    });
  }

  app.get('/v1/articles/:idOrSlug/revisions', {
    schema: {
      operationId: 'listArticleRevisions',
      tags,
      summary: 'List revisions of an article',
      description: 'Newest first: every change stored a revision (the last N are kept, `REVISIONS_KEEP`). Any token.',
      security: bearer,
      params: ArticleParams,
      response: { 200: RevisionList, 308: movedResponse, ...pickProblems(400, 401, 404, 500) },
    },
    preHandler: app.authenticate,
    handler: async (req) => ({ data: await service.revisions.list(req.params.idOrSlug) }),
  });

  app.get('/v1/articles/:idOrSlug/revisions/compare', {
    schema: {
      operationId: 'compareArticleRevisions',
      tags,
      summary: 'Compare two revisions',
      description: 'Which fields changed from revision `from` to revision `to`, with both values. Any token.',
      security: bearer,
      params: ArticleParams,
      querystring: CompareQuery,
      response: { 200: ComparisonSchema, 308: movedResponse, ...pickProblems(400, 401, 404, 500) },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.revisions.compare(req.params.idOrSlug, req.query.from, req.query.to),
  });

  app.get('/v1/articles/:idOrSlug/revisions/:version', {
    schema: {
      operationId: 'getArticleRevision',
      tags,
      summary: 'Get one revision',
      description: 'The whole article as it was at that version. Any token.',
      security: bearer,
      params: RevisionParams,
      response: { 200: RevisionSchema, 308: movedResponse, ...pickProblems(400, 401, 404, 500) },
    },
    preHandler: app.authenticate,
    handler: async (req) => {
      const { snapshot, version, actorName, actorRole, createdAt } = await service.revisions.get(req.params.idOrSlug, req.params.version);
      return { version, actorName, actorRole, createdAt, snapshot };
    },
  });

  app.post('/v1/articles/:idOrSlug/revisions/:version/restore', {
    schema: {
      operationId: 'restoreArticleRevision',
      tags,
      summary: 'Restore a revision',
      description:
        "Puts back the headline, standfirst, dateline, body, language, image, bureau, bylines and tags of that revision; the slug only with `restoreSlug: true`. The result is a new version and a new revision; the status is kept. Admins and editors; writers only on their own drafts, under the byline rule of updateArticle. " + precondition,
      security: bearer,
      params: RevisionParams,
      headers: IfMatchHeaders,
      body: RestoreBody,
      response: { 200: ArticleSchema, 308: movedResponse, ...pickProblems(400, 401, 403, 404, 409, 412, 415, 422, 428, 500) },
    },
    preHandler: app.requireRole('admin', 'editor', 'writer'),
    handler: async (req, reply) => {
      const expected = expectedVersion(req.headers['if-match'], req.body?.version);
      const { idOrSlug, version } = req.params;
      const actor = actorOf(req.principal);
      // Rendered before the write's transaction, off the event loop, like any body sent in.
      const revision = await service.revisions.get(idOrSlug, version);
      const body = await app.workers.renderBody(String(revision.snapshot.body ?? ''));
      const article = await service.revisions.restore(idOrSlug, version, actor, expected, req.body?.restoreSlug, body);
      return reply.header('etag', versionEtag(article.version)).send(article);
    },
  });

  app.post('/v1/articles/:idOrSlug/preview', {
    schema: {
      operationId: 'createArticlePreview',
      tags,
      summary: 'Create a preview link',
      description:
        'A signed, expiring token with which a frontend, without an API token, can read this one article (draft or scheduled) through `getArticle?preview=…`, and nothing else. Admins and editors.',
      security: bearer,
      params: ArticleParams,
      body: PreviewBody,
      response: { 201: PreviewSchema, 308: movedResponse, ...pickProblems(400, 401, 403, 404, 415, 500) },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      const article = await service.get(req.params.idOrSlug, { publicOnly: false }, { include: [], formats: [], fields: ['slug'] });
      const expiresAt = new Date(Date.now() + (req.body?.expiresInSeconds ?? 86_400) * 1000);
      const token = await previews.sign(article.id, expiresAt);
      return reply.code(201).send({ token, url: `/v1/articles/${article.id}?preview=${token}`, expiresAt: expiresAt.toISOString() });
    },
  });
};

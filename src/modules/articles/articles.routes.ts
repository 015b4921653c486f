import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SiteLinks } from '../../lib/site-links.js';
import { z } from 'zod';
import { AppError, movedResponse, pickProblems, readProblems, writeProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { queryOf, setLinkHeader } from '../shared/paging.js';
import { expectedVersion, IfMatchHeaders, versionEtag } from '../shared/preconditions.js';
import { sendCreated, sendVersioned } from '../shared/replies.js';
import { bearer, notModified, IdempotencyHeaders, optionalBearer } from '../shared/schemas.js';
import { createPreviewSigner } from './articles.preview.js';
import {
  ArticleList,
  ArticleParams,
  ArticleSchema,
  ArticleViewSchema,
  CreateArticleBody,
  GetArticleQuery,
  ListArticlesQuery,
  UpdateArticleBody,
} from './articles.schemas.js';
import { ALL_VIEW, createArticlesService } from './articles.service.js';
import type { RevisionLimits } from './articles.revisions.js';

const tags = ['Articles'];

export const articleRoutes: FastifyPluginAsyncZod<RevisionLimits & { links?: SiteLinks }> = async (app, opts) => {
  const service = createArticlesService(app.db, { ...opts, workers: app.workers });
  const previews = createPreviewSigner(app.db);
  const writers = app.requireRole('admin', 'editor', 'writer');

  app.get('/v1/articles', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'listArticles',
      tags,
      summary: 'List articles',
      description: [
        'Without a token: published articles whose publish time has come. With a token: every status, narrowed by `status`.',
        '',
        'Filter by `bureau`, `author` and `tag` slugs, `language` and a publish-time range; search with `q`; sort with `sort`.',
        'Page with the opaque `cursor` from `meta.nextCursor` (stable while new articles arrive) or with `offset` for page numbers;',
        'the `Link` header carries `rel="next"`. `meta.total` is only counted when `total=true` is asked for.',
        'Items carry bureau, bylines and tags (`include`) but no body unless `formats` asks for one.',
      ].join('\n'),
      security: optionalBearer,
      querystring: ListArticlesQuery,
      response: { 200: ArticleList, ...notModified, ...pickProblems(400, 401, 500) },
    },
    handler: async (req, reply) => {
      const result = await service.list(req.query, req.principal === null);
      setLinkHeader(req, reply, result.meta);
      return result;
    },
  });

  app.get('/v1/articles/:idOrSlug', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'getArticle',
      tags,
      summary: 'Get an article',
      description:
        'One article by id or slug, with `body` (Markdown) and `bodyHtml` (sanitised) by default. Drafts, scheduled and archived articles are 404 without a token or a `preview` token. An old slug answers 308 with the new address to callers who may read the article (to anyone else it is a 404 like an unknown slug).',
      security: optionalBearer,
      params: ArticleParams,
      querystring: GetArticleQuery,
      response: { 200: ArticleViewSchema, ...notModified, 308: movedResponse, ...readProblems() },
    },
    handler: async (req, reply) => {
      const { preview, include, fields, formats } = req.query;
      const previewArticleId = preview === undefined ? null : await previews.verify(preview);
      if (preview !== undefined && previewArticleId === null) {
        throw new AppError('unauthorized', 'The preview link is invalid or has expired');
      }
      const query = queryOf(req.url);
      const article = await service.get(req.params.idOrSlug, { publicOnly: req.principal === null, previewArticleId }, { include: include ?? ALL_VIEW.include, fields, formats }, query);
      if (req.principal || previewArticleId) {
        reply.header('cache-control', 'private, no-store');
        if (typeof article.version === 'number') reply.header('etag', versionEtag(article.version));
      }
      return article;
    },
  });

  app.post('/v1/articles', {
    schema: {
      operationId: 'createArticle',
      tags,
      summary: 'Create an article',
      description:
        'Creates a draft with its bylines (in order) and tags in one transaction. `bureau`, `authors` and `tags` take ids or slugs; one that does not exist is a 422 naming it. Writers must put their own byline on it. Send `Idempotency-Key` to make retries safe.',
      security: bearer,
      headers: IdempotencyHeaders,
      body: CreateArticleBody,
      response: { 201: ArticleSchema, ...writeProblems() },
    },
    preHandler: writers,
    handler: async (req, reply) => {
      // Rendered before the create's transaction, off the event loop (422 when too complex).
      const body = await app.workers.renderBody(req.body.body ?? '');
      const article = await app.idempotentCreate(req, reply, () => service.create(req.body, actorOf(req.principal), body));
      return sendCreated(reply, '/v1/articles', article);
    },
  });

  app.patch('/v1/articles/:idOrSlug', {
    schema: {
      operationId: 'updateArticle',
      tags,
      summary: 'Update an article',
      description:
        'Partial update. Needs `If-Match: "v<version>"` (or `version` in the body): missing is a 428, stale a 412 with the current version. `authors` and `tags` replace the lists. A published article must keep a body and an author. Status changes through publish, unpublish and archive. Writers may edit only drafts carrying their byline, and may not add, remove or reorder other authors (they may move themselves back); published, scheduled and archived articles change through an editor. A new slug keeps the old one redirecting when the article was public under it. A write to an old slug answers 308 to the new one.',
      security: bearer,
      params: ArticleParams,
      headers: IfMatchHeaders,
      body: UpdateArticleBody,
      response: { 200: ArticleSchema, 308: movedResponse, ...writeProblems(), ...pickProblems(412, 428) },
    },
    preHandler: writers,
    handler: async (req, reply) => {
      const { version, ...changes } = req.body;
      const expected = expectedVersion(req.headers['if-match'], version);
      const body = changes.body === undefined ? undefined : await app.workers.renderBody(changes.body);
      return sendVersioned(reply, await service.update(req.params.idOrSlug, changes, actorOf(req.principal), expected, body));
    },
  });

  app.delete('/v1/articles/:idOrSlug', {
    schema: {
      operationId: 'deleteArticle',
      tags,
      summary: 'Delete an article',
      description: 'Deletes the article with its bylines, tags, revisions and old slugs. Needs `If-Match: "v<version>"` (428 without, 412 when stale). Admins and editors.',
      security: bearer,
      params: ArticleParams,
      headers: IfMatchHeaders,
      response: { 204: z.undefined().describe('Deleted'), 308: movedResponse, ...pickProblems(400, 401, 403, 404, 412, 428, 500) },
    },
    preHandler: app.requireRole('admin', 'editor'),
    handler: async (req, reply) => {
      await service.remove(req.params.idOrSlug, actorOf(req.principal), expectedVersion(req.headers['if-match'], undefined));
      return reply.code(204).send();
    },
  });
};

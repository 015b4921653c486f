import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems, readProblems, writeProblems } from '../../errors.js';
import { setLinkHeader } from '../shared/paging.js';
import { bearer, notModified } from '../shared/schemas.js';
import {
  ArticleList,
  ArticleParams,
  ArticleSchema,
  ArticleViewSchema,
  CreateArticleBody,
  GetArticleQuery,
  ListArticlesQuery,
  PublishArticleBody,
  UpdateArticleBody,
} from './articles.schemas.js';
import { createArticlesService } from './articles.service.js';

const tags = ['Articles'];
const readAuth = [{}, ...bearer];
const publishingProblems = () => pickProblems(400, 401, 403, 404, 415, 422, 500);

export const articleRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = createArticlesService(app.db);

  app.get('/v1/articles', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'listArticles',
      tags,
      summary: 'List articles',
      description: [
        'Without a token: published articles whose publish time has come. With a token: every status, narrowed by `status`.',
        '',
        'Filter by `bureau`, `author` and `tag` slugs, `language` and a publish-time range; sort with `sort`.',
        'Page with the opaque `cursor` from `meta.nextCursor` (stable while new articles arrive) or with `offset` for page numbers;',
        'the `Link` header carries `rel="next"`. `meta.total` is only counted when `total=true` is asked for.',
        'Items carry bureau, bylines and tags (`include`) but no body unless `formats` asks for one.',
      ].join('\n'),
      security: readAuth,
      querystring: ListArticlesQuery,
      response: { 200: ArticleList, ...notModified, ...pickProblems(400, 401, 500) },
    },
    handler: async (req, reply) => {
      const result = service.list(req.query, req.principal === null);
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
        'One article by id or slug, with `body` (Markdown) and `bodyHtml` (sanitised) by default. Drafts, scheduled and archived articles are 404 without a token.',
      security: readAuth,
      params: ArticleParams,
      querystring: GetArticleQuery,
      response: { 200: ArticleViewSchema, ...notModified, ...readProblems(), 401: pickProblems(401)[401] },
    },
    handler: async (req) =>
      service.get(
        req.params.idOrSlug,
        { publicOnly: req.principal === null, now: new Date().toISOString() },
        { include: req.query.include ?? ['authors', 'bureau', 'tags'], fields: req.query.fields, formats: req.query.formats },
      ),
  });

  app.post('/v1/articles', {
    schema: {
      operationId: 'createArticle',
      tags,
      summary: 'Create an article',
      description:
        'Creates a draft with its bylines (in order) and tags in one transaction. `bureau`, `authors` and `tags` take ids or slugs; one that does not exist is a 422 naming it.',
      security: bearer,
      body: CreateArticleBody,
      response: { 201: ArticleSchema, ...writeProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req, reply) => {
      const article = service.create(req.body);
      return reply.code(201).header('location', `/v1/articles/${article.id}`).send(article as z.infer<typeof ArticleSchema>);
    },
  });

  app.patch('/v1/articles/:idOrSlug', {
    schema: {
      operationId: 'updateArticle',
      tags,
      summary: 'Update an article',
      description:
        'Partial update. `authors` and `tags` replace the lists. A published article must keep a body and at least one author. Status is changed by publish, unpublish and archive, not here.',
      security: bearer,
      params: ArticleParams,
      body: UpdateArticleBody,
      response: { 200: ArticleSchema, ...writeProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.update(req.params.idOrSlug, req.body) as z.infer<typeof ArticleSchema>,
  });

  app.delete('/v1/articles/:idOrSlug', {
    schema: {
      operationId: 'deleteArticle',
      tags,
      summary: 'Delete an article',
      description: 'Deletes the article with its bylines and tags.',
      security: bearer,
      params: ArticleParams,
      response: { 204: z.undefined().describe('Deleted'), ...pickProblems(400, 401, 403, 404, 500) },
    },
    preHandler: app.authenticate,
    handler: async (req, reply) => {
      service.remove(req.params.idOrSlug);
      return reply.code(204).send();
    },
  });

  app.post('/v1/articles/:idOrSlug/publish', {
    schema: {
      operationId: 'publishArticle',
      tags,
      summary: 'Publish an article',
      description:
        'Makes the article public at `publishedAt` (now, or its earlier publish time, when absent). A future time schedules it. Needs a body and at least one author, else 422.',
      security: bearer,
      params: ArticleParams,
      body: PublishArticleBody,
      response: { 200: ArticleSchema, ...publishingProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.publish(req.params.idOrSlug, req.body?.publishedAt) as z.infer<typeof ArticleSchema>,
  });

  app.post('/v1/articles/:idOrSlug/unpublish', {
    schema: {
      operationId: 'unpublishArticle',
      tags,
      summary: 'Unpublish an article',
      description: 'Back to draft: hidden from public reads at once. The publish time is kept for a later republish.',
      security: bearer,
      params: ArticleParams,
      response: { 200: ArticleSchema, ...publishingProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.unpublish(req.params.idOrSlug) as z.infer<typeof ArticleSchema>,
  });

  app.post('/v1/articles/:idOrSlug/archive', {
    schema: {
      operationId: 'archiveArticle',
      tags,
      summary: 'Archive an article',
      description: 'Takes the article out of public reads and keeps it for the record.',
      security: bearer,
      params: ArticleParams,
      response: { 200: ArticleSchema, ...publishingProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.archive(req.params.idOrSlug) as z.infer<typeof ArticleSchema>,
  });
};

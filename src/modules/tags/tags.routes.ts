import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems, readProblems, writeProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { pageOf, sendCreated } from '../shared/replies.js';
import { bearer, optionalBearer, IdOrSlugParams, notModified, IdempotencyHeaders } from '../shared/schemas.js';
import { TagList, TagListQuery, TagSchema, CreateTagBody, UpdateTagBody } from './tags.schemas.js';
import { createTagsService } from './tags.service.js';

const tags = ['Tags'];

export const tagRoutes: FastifyPluginAsyncZod = async (app) => {
  const editors = app.requireRole('admin', 'editor');
  const service = createTagsService(app.db);

  app.get('/v1/tags', {
    config: { publicCache: 'tag', siteLink: 'tag' },
    schema: {
      operationId: 'listTags',
      tags,
      summary: 'List tags',
      description: 'All tags, ordered by name. Paged by `cursor` or `offset`.',
      querystring: TagListQuery,
      security: optionalBearer,
      response: { 200: TagList, ...notModified, ...readProblems() },
    },
    handler: async (req, reply) => pageOf(req, reply, await service.list(req.query)),
  });

  app.get('/v1/tags/:idOrSlug', {
    config: { publicCache: 'tag', siteLink: 'tag' },
    schema: {
      operationId: 'getTag',
      tags,
      summary: 'Get a tag',
      description: 'One tag by numeric id or by slug.',
      params: IdOrSlugParams,
      security: optionalBearer,
      response: { 200: TagSchema, ...notModified, ...readProblems() },
    },
    handler: async (req) => service.get(req.params.idOrSlug),
  });

  app.post('/v1/tags', {
    config: { siteLink: 'tag' },
    schema: {
      operationId: 'createTag',
      tags,
      summary: 'Create a tag',
      description: 'The slug is generated from the name unless one is given; a given slug that is taken is a 409.',
      security: bearer,
      headers: IdempotencyHeaders,
      body: CreateTagBody,
      response: { 201: TagSchema, ...writeProblems() },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      const tag = await app.idempotentCreate(req, reply, () => service.create(req.body, actorOf(req.principal)));
      return sendCreated(reply, '/v1/tags', tag);
    },
  });

  app.patch('/v1/tags/:idOrSlug', {
    config: { siteLink: 'tag' },
    schema: {
      operationId: 'updateTag',
      tags,
      summary: 'Update a tag',
      description: 'Partial update: only the fields sent change.',
      security: bearer,
      params: IdOrSlugParams,
      body: UpdateTagBody,
      response: { 200: TagSchema, ...writeProblems() },
    },
    preHandler: editors,
    handler: async (req) => service.update(req.params.idOrSlug, req.body, actorOf(req.principal)),
  });

  app.delete('/v1/tags/:idOrSlug', {
    schema: {
      operationId: 'deleteTag',
      tags,
      summary: 'Delete a tag',
      description: 'The tag is removed from every article that carried it; the articles stay.',
      security: bearer,
      params: IdOrSlugParams,
      response: { 204: z.undefined().describe('Deleted'), ...pickProblems(400, 401, 403, 404, 500) },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      await service.remove(req.params.idOrSlug, actorOf(req.principal));
      return reply.code(204).send();
    },
  });
};

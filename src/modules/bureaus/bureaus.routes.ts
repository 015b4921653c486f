import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { movedResponse, pickProblems, readProblems, writeProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { expectedVersion, IfMatchHeaders, versionEtag } from '../shared/preconditions.js';
import { queryOf } from '../shared/paging.js';
import { pageOf, sendCreated, sendVersioned } from '../shared/replies.js';
import { bearer, optionalBearer, IdOrSlugParams, notModified, IdempotencyHeaders } from '../shared/schemas.js';
import { BureauList, BureauListQuery, BureauSchema, CreateBureauBody, UpdateBureauBody } from './bureaus.schemas.js';
import { createBureausService } from './bureaus.service.js';

const tags = ['Bureaus'];

export const bureauRoutes: FastifyPluginAsyncZod = async (app) => {
  const editors = app.requireRole('admin', 'editor');
  const service = createBureausService(app.db);

  app.get('/v1/bureaus', {
    config: { publicCache: 'bureau', siteLink: 'bureau' },
    schema: {
      operationId: 'listBureaus',
      tags,
      summary: 'List bureaus',
      description: 'All bureaus, ordered by name. Paged by `cursor` or `offset`.',
      querystring: BureauListQuery,
      security: optionalBearer,
      response: { 200: BureauList, ...notModified, ...readProblems() },
    },
    handler: async (req, reply) => pageOf(req, reply, await service.list(req.query)),
  });

  app.get('/v1/bureaus/:idOrSlug', {
    config: { publicCache: 'bureau', siteLink: 'bureau' },
    schema: {
      operationId: 'getBureau',
      tags,
      summary: 'Get a bureau',
      description: 'One bureau by numeric id or by slug. An old slug answers 308 with the new address.',
      params: IdOrSlugParams,
      security: optionalBearer,
      response: { 200: BureauSchema, ...notModified, 308: movedResponse, ...readProblems() },
    },
    handler: async (req, reply) => {
      const bureau = await service.get(req.params.idOrSlug, queryOf(req.url));
      if (req.principal) reply.header('etag', versionEtag(bureau.version));
      return bureau;
    },
  });

  app.post('/v1/bureaus', {
    config: { siteLink: 'bureau' },
    schema: {
      operationId: 'createBureau',
      tags,
      summary: 'Create a bureau',
      description: 'The slug is generated from the name unless one is given; a given slug that is taken is a 409.',
      security: bearer,
      headers: IdempotencyHeaders,
      body: CreateBureauBody,
      response: { 201: BureauSchema, ...writeProblems() },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      const bureau = await app.idempotentCreate(req, reply, () => service.create(req.body, actorOf(req.principal)));
      return sendCreated(reply, '/v1/bureaus', bureau);
    },
  });

  app.patch('/v1/bureaus/:idOrSlug', {
    config: { siteLink: 'bureau' },
    schema: {
      operationId: 'updateBureau',
      tags,
      summary: 'Update a bureau',
      description: 'Partial update: only the fields sent change. `If-Match: "v<version>"` is honoured when sent (412 when stale). A new slug keeps the old one redirecting. Admins and editors.',
      security: bearer,
      params: IdOrSlugParams,
      headers: IfMatchHeaders,
      body: UpdateBureauBody,
      response: { 200: BureauSchema, ...writeProblems(), 412: pickProblems(412)[412] },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      const expected = expectedVersion(req.headers['if-match'], undefined);
      return sendVersioned(reply, await service.update(req.params.idOrSlug, req.body, actorOf(req.principal), expected));
    },
  });

  app.delete('/v1/bureaus/:idOrSlug', {
    schema: {
      operationId: 'deleteBureau',
      tags,
      summary: 'Delete a bureau',
      description: 'Refused with 409, saying how many, while the bureau still has articles.',
      security: bearer,
      params: IdOrSlugParams,
      headers: IfMatchHeaders,
      response: { 204: z.undefined().describe('Deleted'), ...pickProblems(400, 401, 403, 404, 409, 412, 500) },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      await service.remove(req.params.idOrSlug, actorOf(req.principal), expectedVersion(req.headers['if-match'], undefined));
      return reply.code(204).send();
    },
  });
};

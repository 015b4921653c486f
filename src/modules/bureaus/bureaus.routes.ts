import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems, readProblems, writeProblems } from '../../errors.js';
import { setLinkHeader } from '../shared/paging.js';
import { bearer, IdOrSlugParams, notModified } from '../shared/schemas.js';
import { BureauList, BureauListQuery, BureauSchema, CreateBureauBody, UpdateBureauBody } from './bureaus.schemas.js';
import { createBureausService } from './bureaus.service.js';

const tags = ['Bureaus'];

export const bureauRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = createBureausService(app.db);

  app.get('/v1/bureaus', {
    config: { publicCache: 'bureau' },
    schema: {
      operationId: 'listBureaus',
      tags,
      summary: 'List bureaus',
      description: 'All bureaus, ordered by name. Paged by `cursor` or `offset`.',
      querystring: BureauListQuery,
      response: { 200: BureauList, ...notModified, ...readProblems() },
    },
    handler: async (req, reply) => {
      const { rows, meta } = service.list(req.query);
      setLinkHeader(req, reply, meta);
      return { data: rows, meta };
    },
  });

  app.get('/v1/bureaus/:idOrSlug', {
    config: { publicCache: 'bureau' },
    schema: {
      operationId: 'getBureau',
      tags,
      summary: 'Get a bureau',
      description: 'One bureau by numeric id or by slug.',
      params: IdOrSlugParams,
      response: { 200: BureauSchema, ...notModified, ...readProblems() },
    },
    handler: async (req) => service.get(req.params.idOrSlug),
  });

  app.post('/v1/bureaus', {
    schema: {
      operationId: 'createBureau',
      tags,
      summary: 'Create a bureau',
      description: 'The slug is generated from the name unless one is given; a given slug that is taken is a 409.',
      security: bearer,
      body: CreateBureauBody,
      response: { 201: BureauSchema, ...writeProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req, reply) => {
      const bureau = service.create(req.body);
      return reply.code(201).header('location', `/v1/bureaus/${bureau.id}`).send(bureau);
    },
  });

  app.patch('/v1/bureaus/:idOrSlug', {
    schema: {
      operationId: 'updateBureau',
      tags,
      summary: 'Update a bureau',
      description: 'Partial update: only the fields sent change.',
      security: bearer,
      params: IdOrSlugParams,
      body: UpdateBureauBody,
      response: { 200: BureauSchema, ...writeProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.update(req.params.idOrSlug, req.body),
  });

  app.delete('/v1/bureaus/:idOrSlug', {
    schema: {
      operationId: 'deleteBureau',
      tags,
      summary: 'Delete a bureau',
      description: 'Refused with 409, saying how many, while the bureau still has articles.',
      security: bearer,
      params: IdOrSlugParams,
      response: { 204: z.undefined().describe('Deleted'), ...pickProblems(400, 401, 403, 404, 409, 500) },
    },
    preHandler: app.authenticate,
    handler: async (req, reply) => {
      service.remove(req.params.idOrSlug);
      return reply.code(204).send();
    },
  });
};

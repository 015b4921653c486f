import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems, readProblems, writeProblems } from '../../errors.js';
import { setLinkHeader } from '../shared/paging.js';
import { bearer, IdOrSlugParams, notModified } from '../shared/schemas.js';
import { AuthorList, AuthorListQuery, AuthorSchema, CreateAuthorBody, UpdateAuthorBody } from './authors.schemas.js';
import { createAuthorsService } from './authors.service.js';

const tags = ['Authors'];

export const authorRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = createAuthorsService(app.db);

  app.get('/v1/authors', {
    config: { publicCache: 'author' },
    schema: {
      operationId: 'listAuthors',
      tags,
      summary: 'List authors',
      description:
        'All authors, ordered by name, each with their home bureau. Filter by `bureau` slug. E-mail addresses are only given to requests with a token.',
      querystring: AuthorListQuery,
      response: { 200: AuthorList, ...notModified, ...readProblems() },
    },
    handler: async (req, reply) => {
      const { limit, cursor, offset, total, ...filter } = req.query;
      const { rows, meta } = service.list({ limit, cursor, offset, total }, filter, req.principal !== null);
      setLinkHeader(req, reply, meta);
      return { data: rows, meta };
    },
  });

  app.get('/v1/authors/:idOrSlug', {
    config: { publicCache: 'author' },
    schema: {
      operationId: 'getAuthor',
      tags,
      summary: 'Get a author',
      description: 'One author by numeric id or by slug.',
      params: IdOrSlugParams,
      response: { 200: AuthorSchema, ...notModified, ...readProblems() },
    },
    handler: async (req) => service.get(req.params.idOrSlug, req.principal !== null),
  });

  app.post('/v1/authors', {
    schema: {
      operationId: 'createAuthor',
      tags,
      summary: 'Create a author',
      description: 'The slug is generated from the name unless one is given; a given slug that is taken is a 409. `bureau` takes an id or a slug.',
      security: bearer,
      body: CreateAuthorBody,
      response: { 201: AuthorSchema, ...writeProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req, reply) => {
      const author = service.create(req.body);
      return reply.code(201).header('location', `/v1/authors/${author.id}`).send(author);
    },
  });

  app.patch('/v1/authors/:idOrSlug', {
    schema: {
      operationId: 'updateAuthor',
      tags,
      summary: 'Update a author',
      description: 'Partial update: only the fields sent change.',
      security: bearer,
      params: IdOrSlugParams,
      body: UpdateAuthorBody,
      response: { 200: AuthorSchema, ...writeProblems() },
    },
    preHandler: app.authenticate,
    handler: async (req) => service.update(req.params.idOrSlug, req.body),
  });

  app.delete('/v1/authors/:idOrSlug', {
    schema: {
      operationId: 'deleteAuthor',
      tags,
      summary: 'Delete a author',
      description: 'Refused with 409, saying how many, while the author still has bylines.',
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

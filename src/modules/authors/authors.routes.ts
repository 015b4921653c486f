import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { movedResponse, pickProblems, readProblems, writeProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { expectedVersion, IfMatchHeaders, versionEtag } from '../shared/preconditions.js';
import { queryOf } from '../shared/paging.js';
import { pageOf, sendCreated, sendVersioned } from '../shared/replies.js';
import { bearer, optionalBearer, IdOrSlugParams, notModified, IdempotencyHeaders } from '../shared/schemas.js';
import { AuthorList, AuthorListQuery, AuthorSchema, CreateAuthorBody, UpdateAuthorBody } from './authors.schemas.js';
import { createAuthorsService } from './authors.service.js';

const tags = ['Authors'];

export const authorRoutes: FastifyPluginAsyncZod = async (app) => {
  const editors = app.requireRole('admin', 'editor');
  const service = createAuthorsService(app.db);

  app.get('/v1/authors', {
    config: { publicCache: 'author', siteLink: 'author' },
    schema: {
      operationId: 'listAuthors',
      tags,
      summary: 'List authors',
      description:
        'All authors, ordered by name, each with their home bureau. Filter by `bureau` slug. E-mail addresses are only given to requests with a token.',
      querystring: AuthorListQuery,
      security: optionalBearer,
      response: { 200: AuthorList, ...notModified, ...readProblems() },
    },
    handler: async (req, reply) => {
      const { limit, cursor, offset, total, ...filter } = req.query;
      return pageOf(req, reply, await service.list({ limit, cursor, offset, total }, filter, req.principal !== null));
    },
  });

  app.get('/v1/authors/:idOrSlug', {
    config: { publicCache: 'author', siteLink: 'author' },
    schema: {
      operationId: 'getAuthor',
      tags,
      summary: 'Get an author',
      description: 'One author by numeric id or by slug. An old slug answers 308 with the new address.',
      params: IdOrSlugParams,
      security: optionalBearer,
      response: { 200: AuthorSchema, ...notModified, 308: movedResponse, ...readProblems() },
    },
    handler: async (req, reply) => {
      const author = await service.get(req.params.idOrSlug, req.principal !== null, queryOf(req.url));
      if (req.principal) reply.header('etag', versionEtag(author.version));
      return author;
    },
  });

  app.post('/v1/authors', {
    config: { siteLink: 'author' },
    schema: {
      operationId: 'createAuthor',
      tags,
      summary: 'Create an author',
      description: 'The slug is generated from the name unless one is given; a given slug that is taken is a 409. `bureau` takes an id or a slug.',
      security: bearer,
      headers: IdempotencyHeaders,
      body: CreateAuthorBody,
      response: { 201: AuthorSchema, ...writeProblems() },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      const author = await app.idempotentCreate(req, reply, () => service.create(req.body, actorOf(req.principal)));
      return sendCreated(reply, '/v1/authors', author);
    },
  });

  app.patch('/v1/authors/:idOrSlug', {
    config: { siteLink: 'author' },
    schema: {
      operationId: 'updateAuthor',
      tags,
      summary: 'Update an author',
      description: 'Partial update: only the fields sent change. `If-Match: "v<version>"` is honoured when sent (412 when stale). A new slug keeps the old one redirecting. Admins and editors.',
      security: bearer,
      params: IdOrSlugParams,
      headers: IfMatchHeaders,
      body: UpdateAuthorBody,
      response: { 200: AuthorSchema, ...writeProblems(), 412: pickProblems(412)[412] },
    },
    preHandler: editors,
    handler: async (req, reply) => {
      const expected = expectedVersion(req.headers['if-match'], undefined);
      return sendVersioned(reply, await service.update(req.params.idOrSlug, req.body, actorOf(req.principal), expected));
    },
  });

  app.delete('/v1/authors/:idOrSlug', {
    schema: {
      operationId: 'deleteAuthor',
      tags,
      summary: 'Delete an author',
      description: 'Refused with 409, saying how many, while the author still has bylines.',
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

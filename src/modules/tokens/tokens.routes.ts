import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { bearer } from '../shared/schemas.js';
import { CreatedTokenSchema, CreateTokenBody, TokenList, TokenParams } from './tokens.schemas.js';
import { createTokensAdmin } from './tokens.admin.js';

const tags = ['Tokens'];

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = createTokensAdmin(app.db);
  const onlyAdmin = app.requireRole('admin');

  app.post('/v1/tokens', {
    schema: {
      operationId: 'createToken',
      tags,
      summary: 'Create an API token',
      description: 'Admins only. The secret (`token`) is in this response and nowhere else: only its hash is stored.',
      security: bearer,
      body: CreateTokenBody,
      response: { 201: CreatedTokenSchema, ...pickProblems(400, 401, 403, 413, 415, 422, 500) },
    },
    // Not idempotent on purpose: a replay would have to store and show the secret again.
    preHandler: onlyAdmin,
    handler: async (req, reply) => reply.code(201).send(await admin.create(req.body, actorOf(req.principal))),
  });

  app.get('/v1/tokens', {
    schema: {
      operationId: 'listTokens',
      tags,
      summary: 'List API tokens',
      description: 'Admins only. Every token with its role, expiry, revocation and last use; never a secret.',
      security: bearer,
      response: { 200: TokenList, ...pickProblems(400, 401, 403, 500) },
    },
    preHandler: onlyAdmin,
    handler: async () => ({ data: await admin.list() }),
  });

  app.delete('/v1/tokens/:id', {
    schema: {
      operationId: 'revokeToken',
      tags,
      summary: 'Revoke an API token',
      description: 'Admins only. The token stops working at once; the row stays for the audit log.',
      security: bearer,
      params: TokenParams,
      response: { 204: z.undefined().describe('Revoked'), ...pickProblems(400, 401, 403, 404, 500) },
    },
    preHandler: onlyAdmin,
    handler: async (req, reply) => {
      await admin.revoke(req.params.id, actorOf(req.principal));
      return reply.code(204).send();
    },
  });
};

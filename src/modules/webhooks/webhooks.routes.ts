import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems } from '../../errors.js';
import { actorOf } from '../shared/actor.js';
import { setLinkHeader } from '../shared/paging.js';
import { bearer } from '../shared/schemas.js';
import type { UrlPolicy } from './url-policy.js';
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  DeliveryList,
  DeliveryListQuery,
  DeliveryParams,
  DeliverySchema,
  WebhookList,
  WebhookParams,
} from './webhooks.schemas.js';
import { createWebhooksService } from './webhooks.service.js';

const tags = ['Webhooks'];

const createDescription = [
  'Admins only. Subscribes `url` to event types (`article.published`) or families (`author.*`).',
  'Loopback, private and link-local addresses and `localhost` are refused (422) unless the server allows them;',
  'names are resolved and checked again before each delivery. Redirects are not followed.',
  'The response carries `secret`, shown this once: store it now.',
  '',
  'Each event is a `POST` of a JSON body `{ id, type, createdAt, data, purge }` with the headers',
  '`Dateline-Event` (the type), `Dateline-Delivery` (the delivery id, the same on a retry) and',
  '`Dateline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.',
  '',
  '**Verifying a delivery:** take the raw body exactly as received; compute',
  '`HMAC-SHA256(key = secret as UTF-8, message = t + "." + body)` as lower-case hex; compare it with `v1`',
  'in constant time; refuse a `t` more than 5 minutes from your clock (replays). Use the event `id` to ignore duplicates:',
  'delivery is at least once. Answer 2xx within the timeout; other answers are retried with exponential backoff',
  '(about an hour in all), and `410 Gone` disables the webhook.',
].join('\n');

export const webhookRoutes: FastifyPluginAsyncZod<{ webhooks: UrlPolicy }> = async (app, opts) => {
  const service = createWebhooksService(app.db, opts.webhooks);
  const onlyAdmin = app.requireRole('admin');

  app.post('/v1/webhooks', {
    schema: {
      operationId: 'createWebhook',
      tags,
      summary: 'Create a webhook',
      description: createDescription,
      security: bearer,
      body: CreateWebhookBody,
      response: { 201: CreatedWebhookSchema, ...pickProblems(400, 401, 403, 413, 415, 422, 500) },
    },
    // Not idempotent on purpose, like createToken: a replay would have to store the secret to show it again.
    preHandler: onlyAdmin,
    handler: async (req, reply) => {
      const hook = await service.create(req.body, actorOf(req.principal));
      return reply.code(201).header('location', `/v1/webhooks/${hook.id}`).send(hook);
    },
  });

  app.get('/v1/webhooks', {
    schema: {
      operationId: 'listWebhooks',
      tags,
      summary: 'List webhooks',
      description: 'Admins only. Every webhook, oldest first, with whether it is active; never a secret.',
      security: bearer,
      response: { 200: WebhookList, ...pickProblems(400, 401, 403, 500) },
    },
    preHandler: onlyAdmin,
    handler: async () => ({ data: await service.list() }),
  });

  app.delete('/v1/webhooks/:id', {
    schema: {
      operationId: 'deleteWebhook',
      tags,
      summary: 'Delete a webhook',
      description: 'Admins only. Stops all sending to it and deletes its delivery log.',
      security: bearer,
      params: WebhookParams,
      response: { 204: z.undefined().describe('Deleted'), ...pickProblems(400, 401, 403, 404, 500) },
    },
    preHandler: onlyAdmin,
    handler: async (req, reply) => {
      await service.remove(req.params.id, actorOf(req.principal));
      return reply.code(204).send();
    },
  });

  app.get('/v1/webhooks/:id/deliveries', {
    schema: {
      operationId: 'listWebhookDeliveries',
      tags,
      summary: 'List the deliveries of a webhook',
      description:
        'Admins only. Newest first, with state, attempts and the last answer or error; filter with `status`. Paged by `cursor` or `offset`.',
      security: bearer,
      params: WebhookParams,
      querystring: DeliveryListQuery,
      response: { 200: DeliveryList, ...pickProblems(400, 401, 403, 404, 500) },
    },
    preHandler: onlyAdmin,
    handler: async (req, reply) => {
      const { rows, meta } = await service.listDeliveries(req.params.id, req.query);
      setLinkHeader(req, reply, meta);
      return { data: rows, meta };
    },
  });

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    schema: {
      operationId: 'redeliverWebhookDelivery',
      tags,
      summary: 'Send a delivery again',
      description: [
        'Admins only. Queues the delivery to be sent now, whatever its state (a delivered one is sent again):',
        '`status` becomes pending and `attempts` starts again from 0, so it gets the full set of retries.',
        'The event and its id are unchanged. A disabled webhook (it answered 410) is a 409.',
      ].join('\n'),
      security: bearer,
      params: DeliveryParams,
      response: { 202: DeliverySchema, ...pickProblems(400, 401, 403, 404, 409, 500) },
    },
    preHandler: onlyAdmin,
    handler: async (req, reply) => {
      const delivery = await service.redeliver(req.params.id, req.params.deliveryId, actorOf(req.principal));
      app.webhookWorker.wake();
      return reply.code(202).send(delivery);
    },
  });
};

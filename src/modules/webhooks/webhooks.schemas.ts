import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { deliveryStatuses, webhookDeliveries, webhooks } from '../../db/schema.js';
import { idParam, listOf, PagingQuery } from '../shared/schemas.js';
import { eventPatterns, eventTypes } from './outbox.js';

const EventPatternSchema = z.enum(eventPatterns).meta({
  description: 'An event type, or a family such as `article.*`',
  examples: ['article.published', 'author.*'],
});

const webhookExample = {
  id: 7,
  url: 'https://hooks.example-news.com/dateline',
  events: ['article.published', 'article.unpublished', 'author.*'],
  active: true,
  disabledReason: null,
  createdAt: '2026-03-02T16:05:12.000Z',
};

// The secret column is never part of a read: it leaves the server once, on creation.
export const WebhookSchema = createSelectSchema(webhooks, {
  url: z.url(),
  events: z.array(EventPatternSchema),
  active: z.boolean().describe('False once the receiver answered 410 Gone; nothing is sent to it then'),
  disabledReason: z.string().nullable().describe('Why the webhook was disabled'),
  createdAt: z.iso.datetime().describe('When it was created (UTC)'),
})
  .omit({ secret: true })
  .meta({ id: 'Webhook', description: 'A receiver of signed event notifications.', examples: [webhookExample] });

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().describe('Signing secret, shown only in this response: store it now'),
}).meta({
  id: 'CreatedWebhook',
  description: 'The new webhook and, this once, its signing secret.',
  examples: [{ ...webhookExample, secret: 'whsec_q0Yy3fJ6T1mW8u2nX4rB7cE9hK5pL3sD1aZ6vG0oQ2M' }],
});

export const CreateWebhookBody = createInsertSchema(webhooks, {
  url: z
    .url({ protocol: /^https?$/, error: 'Use an http or https URL' })
    .max(2000)
    .describe('Where events are POSTed; loopback and private-network addresses are refused'),
  events: z.array(EventPatternSchema).min(1).max(eventPatterns.length).describe('What to send'),
})
  .pick({ url: true, events: true })
  .strict()
  .meta({
    id: 'CreateWebhook',
    examples: [{ url: 'https://hooks.example-news.com/dateline', events: ['article.published', 'author.*'] }],
  });

export const WebhookList = z
  .object({ data: z.array(WebhookSchema) })
  .meta({ id: 'WebhookList', examples: [{ data: [webhookExample] }] });

export const WebhookParams = z.object({
  id: idParam().meta({ description: 'Webhook id', examples: [7] }),
});

export const DeliveryParams = WebhookParams.extend({
  deliveryId: idParam().meta({ description: 'Delivery id', examples: [1532] }),
});

const deliveryExample = {
  id: 1532,
  webhookId: 7,
  eventId: '5b0f7c9e-3f4d-4c53-9d0e-8a1f2b3c4d5e',
  eventType: 'article.published',
  status: 'pending',
  attempts: 2,
  nextAttemptAt: '2026-03-02T16:06:42.120Z',
  lastError: 'The receiver answered 503',
  lastStatus: 503,
  deliveredAt: null,
  createdAt: '2026-03-02T16:05:12.000Z',
};

const isoOrNull = (what: string) => z.iso.datetime().nullable().describe(what);

// The payload is left out of listings: it can be large, and `eventId` names the event.
export const DeliverySchema = createSelectSchema(webhookDeliveries, {
  eventType: z.enum(eventTypes),
  status: z.enum(deliveryStatuses).describe('pending until sent, delivered on a 2xx, failed after the last attempt or a 410'),
  attempts: z.int().min(0).describe('Sends tried so far; a redelivery starts again from 0'),
  nextAttemptAt: z.iso.datetime().describe('When a pending delivery is next tried (UTC)'),
  lastError: z.string().nullable().describe('What went wrong on the last attempt'),
  lastStatus: z.int().nullable().describe('HTTP status of the last answer; null when none came'),
  deliveredAt: isoOrNull('When a 2xx answer arrived (UTC)'),
  createdAt: z.iso.datetime().describe('When the event happened (UTC)'),
})
  .omit({ payload: true })
  .meta({ id: 'WebhookDelivery', description: 'One event on its way to one webhook.', examples: [deliveryExample] });

export const DeliveryListQuery = PagingQuery.extend({
  status: z.enum(deliveryStatuses).optional().meta({ description: 'Only deliveries in this state' }),
}).strict();

export const DeliveryList = listOf(DeliverySchema, 'WebhookDeliveryList');

export type Webhook = z.infer<typeof WebhookSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
export type CreateWebhook = z.infer<typeof CreateWebhookBody>;
export type DeliveryListInput = z.output<typeof DeliveryListQuery>;

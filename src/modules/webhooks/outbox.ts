import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { nowIso } from '../../lib/time.js';

export const eventTypes = [
  'article.published',
  'article.updated',
  'article.unpublished',
  'article.deleted',
  'author.created',
  'author.updated',
  'author.deleted',
  'bureau.created',
  'bureau.updated',
  'bureau.deleted',
] as const;
export type EventType = (typeof eventTypes)[number];

/** What a subscriber may ask for: an exact type or a family such as `author.*`. */
export const eventPatterns = [...eventTypes, 'article.*', 'author.*', 'bureau.*'] as const;
export type EventPattern = (typeof eventPatterns)[number];

export const subscribes = (patterns: readonly string[], type: EventType) =>
  patterns.some((p) => p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));

export type EventPayload = {
  id: string;
  type: EventType;
  createdAt: string;
  data: unknown;
  /** Surrogate keys a CDN should purge because of this change. */
  purge: string[];
};

/**
 * Writes one pending delivery per subscribed, active webhook. Call it inside the
 * transaction that makes the change: the event then exists exactly when the change does,
 * and a crash can lose neither. The worker (plugins/webhook-worker.ts) sends them.
 */
export async function enqueueEvent(db: Database, type: EventType, data: unknown, purge: string[]): Promise<void> {
  const { webhookDeliveries, webhooks } = db.tables;
  const hooks = await db.conn.select({ id: webhooks.id, events: webhooks.events }).from(webhooks).where(eq(webhooks.active, true));
  const targets = hooks.filter((h) => subscribes(h.events, type));
  if (targets.length === 0) return;
  const createdAt = nowIso();
  const payload: EventPayload = { id: randomUUID(), type, createdAt, data, purge };
  const body = JSON.stringify(payload);
  await db.conn
    .insert(webhookDeliveries)
    .values(
      targets.map((h) => ({
        webhookId: h.id,
        eventId: payload.id,
        eventType: type,
        payload: body,
        nextAttemptAt: createdAt,
        createdAt,
      })),
    );
}

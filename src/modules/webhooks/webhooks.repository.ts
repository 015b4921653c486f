import { and, asc, eq, getTableColumns, lte, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { Tables } from '../../db/tables.js';
import { afterCursor, finishPage, orderFor, type SortSpec } from '../shared/paging.js';
import { countWhere } from '../shared/lookup.js';
import type { Delivery, DeliveryListInput, Webhook } from './webhooks.schemas.js';


// The columns are typed `string`; what is in them was validated against the event enums
// on the way in (CreateWebhookBody, enqueueEvent), and responses are validated again.
const asWebhook = <T>(row: T) => row as T & Pick<Webhook, 'events'>;
const asDelivery = <T>(row: T) => row as T & Pick<Delivery, 'eventType'>;

export type DueDelivery = {
  id: number;
  webhookId: number;
  eventType: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
};

export function createWebhooksRepository(db: Database) {
  const { webhookDeliveries, webhooks } = db.tables;
  // Reads never select the secret, so it cannot reach a response or a log by accident.
  const { secret: _secret, ...publicColumns } = getTableColumns(webhooks);
  const { payload: _payload, ...deliveryColumns } = getTableColumns(webhookDeliveries);
  // Ids grow with time, so "newest first" walks the (webhook_id, id) index backwards.
  const newest: SortSpec = { name: 'newest', column: webhookDeliveries.id, dir: 'desc' };
  return {
    insert: async (values: Tables['webhooks']['$inferInsert']) =>
      asWebhook((await db.conn.insert(webhooks).values(values).returning(publicColumns))[0]!),
    list: async () => (await db.conn.select(publicColumns).from(webhooks).orderBy(asc(webhooks.id))).map(asWebhook),
    findById: async (id: number) => (await db.conn.select(publicColumns).from(webhooks).where(eq(webhooks.id, id)))[0],
    /** How many were removed (0 or 1). */
    remove: async (id: number) => (await db.conn.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id })).length,

    async disable(id: number, reason: string) {
      await db.conn.update(webhooks).set({ active: false, disabledReason: reason }).where(eq(webhooks.id, id));
      // What was still waiting will never be sent; say so instead of leaving it pending.
      await db.conn
        .update(webhookDeliveries)
        .set({ status: 'failed', lastError: `Not sent: ${reason}` })
        .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'pending')));
    },

    async listDeliveries(webhookId: number, q: DeliveryListInput) {
      const where = and(
        eq(webhookDeliveries.webhookId, webhookId),
        q.status ? eq(webhookDeliveries.status, q.status) : undefined,
      );
      const rows = await db.conn
        .select(deliveryColumns)
        .from(webhookDeliveries)
        .where(and(where, afterCursor(newest, webhookDeliveries.id, q)))
        .orderBy(...orderFor(newest, webhookDeliveries.id))
        .limit(q.limit + 1)
        .offset(q.offset ?? 0);
      const total = q.total ? await countWhere(db, webhookDeliveries, where) : undefined;
      return finishPage(rows.map(asDelivery), q, newest, (r) => String(r.id), total);
    },

    findDelivery: async (webhookId: number, id: number) =>
      (
        await db.conn
          .select(deliveryColumns)
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.webhookId, webhookId)))
      )[0],

    resetDelivery: async (id: number, now: string) =>
      asDelivery(
        (
          await db.conn
            .update(webhookDeliveries)
            .set({ status: 'pending', attempts: 0, nextAttemptAt: now, deliveredAt: null })
            .where(eq(webhookDeliveries.id, id))
            .returning(deliveryColumns)
        )[0]!,
      ),

    /**
     * Oldest due first, only for active webhooks (due index: status, next_attempt_at), locked
     * for the caller's unit of work; rows another instance is claiming are skipped, not waited for.
     */
    due: async (now: string, limit: number): Promise<DueDelivery[]> => {
      const query = db.conn
        .select({
          id: webhookDeliveries.id,
          webhookId: webhookDeliveries.webhookId,
          eventType: webhookDeliveries.eventType,
          payload: webhookDeliveries.payload,
          attempts: webhookDeliveries.attempts,
          url: webhooks.url,
          secret: webhooks.secret,
        })
        .from(webhookDeliveries)
        .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
        .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now), eq(webhooks.active, true)))
        .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
        .limit(limit);
      return db.dialect.lockRows(query, 'no key update', { skipLocked: true, of: webhookDeliveries });
    },

    /**
     * Takes a due row for one send: counts the attempt and pushes its next try past the
     * lease, so neither another pass nor another process picks it up meanwhile. If this
     * process dies mid-send, the row is due again when the lease ends.
     */
    claim: async (id: number, now: string, leaseUntil: string) =>
      (
        await db.conn
          .update(webhookDeliveries)
          .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, nextAttemptAt: leaseUntil })
          .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
          .returning({ id: webhookDeliveries.id })
      ).length === 1,

    /** Deliveries waiting to be sent (metrics). */
    pendingCount: () => countWhere(db, webhookDeliveries, eq(webhookDeliveries.status, 'pending')),

    finish: async (id: number, values: Partial<Tables['webhookDeliveries']['$inferInsert']>) => {
      await db.conn.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.id, id));
    },
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;

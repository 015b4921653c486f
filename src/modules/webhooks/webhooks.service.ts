import type { Database } from '../../db/database.js';
import { AppError, notFound } from '../../errors.js';
import { nowIso } from '../../lib/time.js';
import { audit, type Actor } from '../shared/actor.js';
import { newWebhookSecret } from './signature.js';
import { checkTargetUrl, type UrlPolicy } from './url-policy.js';
import { createWebhooksRepository } from './webhooks.repository.js';
import type { CreateWebhook, DeliveryListInput } from './webhooks.schemas.js';

export function createWebhooksService(db: Database, policy: UrlPolicy) {
  const repo = createWebhooksRepository(db);

  const get = async (id: number) => {
    const hook = await repo.findById(id);
    if (!hook) throw notFound('webhook', id);
    return hook;
  };

  return {
    list: () => repo.list(),

    create(input: CreateWebhook, actor: Actor) {
      // Names are only resolved at delivery time: DNS answers change, and a hook made
      // while a receiver's DNS is not yet live should still work once it is.
      const verdict = checkTargetUrl(input.url, policy);
      if (!verdict.ok) {
        throw new AppError('unprocessable', `body.url: ${verdict.reason}`, {
          errors: [{ path: 'body.url', message: verdict.reason }],
        });
      }
      const secret = newWebhookSecret();
      return db.write(async () => {
        const hook = await repo.insert({ url: input.url, events: [...new Set(input.events)], secret, createdAt: nowIso() });
        await audit(db, actor, 'webhook.created', 'webhook', hook.id);
        return { ...hook, secret };
      });
    },

    async remove(id: number, actor: Actor) {
      await db.write(async () => {
        // Deliveries go with it (ON DELETE CASCADE); a send in flight finishes unrecorded.
        if ((await repo.remove(id)) === 0) throw notFound('webhook', id);
        await audit(db, actor, 'webhook.deleted', 'webhook', id);
      });
    },

    async listDeliveries(id: number, query: DeliveryListInput) {
      await get(id);
      return repo.listDeliveries(id, query);
    },

    /**
     * Sends a delivery again, whatever its state: pending now, attempts back to 0 so it
     * gets the full set of retries. lastStatus and lastError stay until the next attempt.
     */
    redeliver(id: number, deliveryId: number, actor: Actor) {
      return db.write(async () => {
        const hook = await get(id);
        if (!(await repo.findDelivery(id, deliveryId))) throw notFound('delivery', deliveryId);
        if (!hook.active) {
          throw new AppError('conflict', `Webhook ${id} is disabled (${hook.disabledReason ?? 'no reason given'}); create a new one`);
        }
        await audit(db, actor, 'webhook.redelivered', 'webhook', id);
        return repo.resetDelivery(deliveryId, nowIso());
      });
    },
  };
}

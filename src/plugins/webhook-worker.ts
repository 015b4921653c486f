import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { nowIso } from '../lib/time.js';
// Types only: the behaviour (the outbox's queries, sending one delivery) is injected by app.ts.
import type { SendOptions, SendResult } from '../modules/webhooks/send.js';
import { createTargetAgent } from '../modules/webhooks/target-agent.js';
import type { Resolver } from '../modules/webhooks/url-policy.js';
import type { DueDelivery, WebhooksRepository } from '../modules/webhooks/webhooks.repository.js';

export type WebhookWorker = {
  /** Sends everything due now; resolves when those sends have finished, with how many there were. */
  runOnce(): Promise<number>;
  /** Asks for a pass as soon as possible, e.g. after a redelivery; does not wait for it. */
  wake(): void;
};

declare module 'fastify' {
  interface FastifyInstance {
    webhookWorker: WebhookWorker;
  }
}

export type WebhookWorkerOptions = {
  webhooks: Config['webhooks'];
  /** The outbox's queries (the webhooks repository). */
  outbox: Pick<WebhooksRepository, 'due' | 'claim' | 'finish' | 'disable'>;
  /** One HTTP attempt for one delivery; never throws. */
  send: (d: DueDelivery, opts: SendOptions) => Promise<SendResult>;
  /** How often to look for due deliveries, ms. */
  pollMs?: number;
  /** Deliveries sent at once. */
  batchSize?: number;
  /** First retry delay, ms; each later one doubles (±20% jitter so failed receivers are not hit in step). */
  backoffBaseMs?: number;
  /** DNS lookup used by the URL policy; tests can pretend a name resolves somewhere. */
  resolve?: Resolver;
};

const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;

export default fp(
  async (app, opts: WebhookWorkerOptions) => {
    const { timeoutMs, maxAttempts, allowPrivateTargets, allowedHosts } = opts.webhooks;
    const pollMs = opts.pollMs ?? 1000;
    const batchSize = opts.batchSize ?? 10;
    const backoffBaseMs = opts.backoffBaseMs ?? 30_000;
    // Long enough to cover the DNS lookup and the timeout; only matters after a crash.
    const leaseMs = timeoutMs + 60_000;
    const repo = opts.outbox;
    const policy = { allowPrivateTargets, allowedHosts };
    const dispatcher = createTargetAgent(policy, opts.resolve, timeoutMs);
    const sendOptions = { timeoutMs, policy, dispatcher };

    const backoff = (attempts: number) =>
      Math.min(MAX_BACKOFF_MS, backoffBaseMs * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);

    async function record(d: DueDelivery, result: SendResult) {
      const now = nowIso();
      const log = { webhookId: d.webhookId, deliveryId: d.id, attempt: d.attempts, status: result.status };
      if (result.ok) {
        await app.db.write(() => repo.finish(d.id, { status: 'delivered', deliveredAt: now, lastStatus: result.status, lastError: null }));
        app.log.debug(log, 'webhook delivered');
      } else if (result.status === 410) {
        // 410 Gone is the receiver saying "stop": retrying would only be noise.
        await app.db.write(async () => {
          await repo.finish(d.id, { status: 'failed', lastStatus: 410, lastError: result.error });
          await repo.disable(d.webhookId, `The receiver answered 410 Gone at ${now}`);
        });
        app.log.warn(log, 'webhook disabled: the receiver answered 410');
      } else {
        const last = d.attempts >= maxAttempts;
        const next = last ? now : new Date(Date.now() + backoff(d.attempts)).toISOString();
        await app.db.write(() =>
          repo.finish(d.id, { status: last ? 'failed' : 'pending', nextAttemptAt: next, lastStatus: result.status, lastError: result.error }),
        );
        app.log.warn({ ...log, error: result.error, gaveUp: last }, 'webhook delivery failed');
      }
    }

    let closed = false;

    async function pass(): Promise<number> {
      let sent = 0;
      while (!closed) {
        const now = new Date();
        const [at, leaseUntil] = [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString()];
        const claimed = await app.db.write(async () => {
          const due = await repo.due(at, batchSize);
          const mine: DueDelivery[] = [];
          for (const d of due) if (await repo.claim(d.id, at, leaseUntil)) mine.push(d);
          return mine;
        });
        if (claimed.length === 0) break;
        await Promise.all(
          claimed.map(async (d) => {
            // One row failing to record must not abandon the other sends in flight.
            try {
              await record({ ...d, attempts: d.attempts + 1 }, await opts.send(d, sendOptions));
            } catch (err) {
              app.log.error({ err, deliveryId: d.id }, 'could not record a webhook delivery');
            }
          }),
        );
        sent += claimed.length;
      }
      return sent;
    }

    // Passes run one after another, never side by side: a caller of runOnce waits for the
    // pass in progress and then one more, so everything due when it asked has been tried.
    let chain: Promise<unknown> = Promise.resolve();
    let queued: Promise<number> | null = null;
    const runOnce = (): Promise<number> => {
      if (closed) return Promise.resolve(0);
      if (queued) return queued;
      const run = chain.then(() => {
        queued = null;
        return pass();
      });
      queued = run;
      chain = run.catch(() => undefined);
      return run;
    };
    const runLogged = () => runOnce().catch((err: unknown) => app.log.error({ err }, 'webhook worker pass failed'));

    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      if (closed) return;
      timer = setTimeout(() => void runLogged().finally(schedule), pollMs);
      timer.unref();
    };

    app.decorate('webhookWorker', { runOnce, wake: () => void runLogged() } satisfies WebhookWorker);
    app.addHook('onReady', async () => schedule());
    app.addHook('onClose', async () => {
      closed = true;
      clearTimeout(timer);
      await chain;
      await dispatcher.close();
    });
  },
  { name: 'webhook-worker', dependencies: ['db'] },
);

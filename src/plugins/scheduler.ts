import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: { runOnce(): Promise<number>; pruneAudit(now?: number): Promise<number> };
  }
}

// Scheduled articles become public by time alone (reads compare publishedAt with now); what
// needs a process is the `article.published` event. This loop sends it when the moment
// comes, and the first run at start catches up on everything that fell due while the
// server was down. It also keeps the audit log to AUDIT_RETENTION_DAYS, hourly. What
// "announce" and "prune" mean is the modules' business: app.ts injects them.
const AUDIT_BATCH = 500;
const AUDIT_EVERY_MS = 3600_000;

export type SchedulerOptions = {
  announceDue: () => Promise<number>;
  /** Deletes up to `batch` audit entries older than `before` (one unit of work); says how many went. */
  pruneAudit: (before: string, batch: number) => Promise<number>;
  auditRetentionDays: number;
  intervalMs?: number;
};

export default fp(
  async (app, opts: SchedulerOptions) => {
    const runOnce = async () => {
      const n = await opts.announceDue();
      if (n > 0) app.webhookWorker.wake();
      return n;
    };
    /** Batch by batch, yielding to the event loop in between, so requests run alongside. */
    const pruneOld = async (now = Date.now()) => {
      if (opts.auditRetentionDays === 0) return 0;
      const before = new Date(now - opts.auditRetentionDays * 86_400_000).toISOString();
      let pruned = 0;
      for (let n = AUDIT_BATCH; n === AUDIT_BATCH && !closing; pruned += n) {
        n = await opts.pruneAudit(before, AUDIT_BATCH);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return pruned;
    };
    app.decorate('scheduler', { runOnce, pruneAudit: pruneOld });
    let timer: NodeJS.Timeout | undefined;
    let closing = false;
    let auditTimer: NodeJS.Timeout | undefined;
    const pruneLogged = () =>
      pruneOld().then(
        (n) => n > 0 && app.log.info({ entries: n }, 'pruned audit entries past retention'),
        (err: unknown) => app.log.error({ err }, 'audit pruning failed'),
      );
    app.addHook('onReady', async () => {
      void pruneLogged();
      auditTimer = setInterval(() => void pruneLogged(), AUDIT_EVERY_MS).unref();
      const caughtUp = await runOnce();
      if (caughtUp > 0) app.log.info({ articles: caughtUp }, 'announced scheduled articles that fell due while down');
      // A run that has not finished when the next tick comes is not doubled up.
      let running = false;
      timer = setInterval(() => {
        if (running) return;
        running = true;
        runOnce()
          .catch((err: unknown) => app.log.error({ err }, 'scheduler run failed'))
          .finally(() => (running = false));
      }, opts.intervalMs ?? 1000);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      closing = true;
      clearInterval(timer);
      clearInterval(auditTimer);
    });
  },
  { name: 'scheduler', dependencies: ['db', 'webhook-worker'] },
);

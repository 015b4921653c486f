import fp from 'fastify-plugin';
import type { SiteLinks } from '../lib/site-links.js';
import { createArticlesService } from '../modules/articles/articles.service.js';
import type { RevisionLimits } from '../modules/articles/articles.revisions.js';
import { pruneAudit } from '../modules/shared/actor.js';

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: { runOnce(): number; pruneAudit(now?: number): Promise<number> };
  }
}

// Scheduled articles become public by time alone (reads compare publishedAt with now); what
// needs a process is the `article.published` event. This loop sends it when the moment
// comes, and the first run at start catches up on everything that fell due while the
// server was down. It also keeps the audit log to AUDIT_RETENTION_DAYS, hourly.
const AUDIT_BATCH = 500;
const AUDIT_EVERY_MS = 3600_000;

export default fp(
  async (app, opts: RevisionLimits & { auditRetentionDays: number; intervalMs?: number; links?: SiteLinks }) => {
    const articles = createArticlesService(app.db, opts);
    const runOnce = () => {
      const n = articles.announceDue();
      if (n > 0) app.webhookWorker.wake();
      return n;
    };
    /** Batch by batch, yielding to the event loop in between, so requests run alongside. */
    const pruneOld = async (now = Date.now()) => {
      if (opts.auditRetentionDays === 0) return 0;
      const before = new Date(now - opts.auditRetentionDays * 86_400_000).toISOString();
      let pruned = 0;
      for (let n = AUDIT_BATCH; n === AUDIT_BATCH && !closing; pruned += n) {
        n = pruneAudit(app.db, before, AUDIT_BATCH);
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
      const caughtUp = runOnce();
      if (caughtUp > 0) app.log.info({ articles: caughtUp }, 'announced scheduled articles that fell due while down');
      timer = setInterval(() => {
        try {
          runOnce();
        } catch (err) {
          app.log.error({ err }, 'scheduler run failed');
        }
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

import fp from 'fastify-plugin';
import type { SiteLinks } from '../lib/site-links.js';
import { createArticlesService } from '../modules/articles/articles.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: { runOnce(): number };
  }
}

// Scheduled articles become public by time alone (reads compare publishedAt with now); what
// needs a process is the `article.published` event. This loop sends it when the moment
// comes, and the first run at start catches up on everything that fell due while the
// server was down.
export default fp(
  async (app, opts: { revisionsKeep: number; intervalMs?: number; links?: SiteLinks }) => {
    const articles = createArticlesService(app.db, opts);
    const runOnce = () => {
      const n = articles.announceDue();
      if (n > 0) app.webhookWorker.wake();
      return n;
    };
    app.decorate('scheduler', { runOnce });
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
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
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'scheduler', dependencies: ['db', 'webhook-worker'] },
);

import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: { runOnce(): Promise<number> };
  }
}

// Scheduled articles become public by time alone (reads compare publishedAt with now); what
// needs a process is the `article.published` event. This loop sends it when the moment
// comes, and the first run at start catches up on everything that fell due while the
// server was down. What "announce" means is the articles module's business: app.ts injects it.
export default fp(
  async (app, opts: { announceDue: () => Promise<number>; intervalMs?: number }) => {
    const runOnce = async () => {
      const n = await opts.announceDue();
      if (n > 0) app.webhookWorker.wake();
      return n;
    };
    app.decorate('scheduler', { runOnce });
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
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
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'scheduler', dependencies: ['db', 'webhook-worker'] },
);

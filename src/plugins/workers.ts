import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { createWorkerPool, type WorkerPool } from '../workers/pool.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Threads for work whose cost a caller controls: searches, deep pages, counts, rendering. */
    workers: WorkerPool;
  }
}

export default fp(
  async (app, opts: { databaseFile: string; workers: Config['workers'] }) => {
    const pool = createWorkerPool({ databaseFile: opts.databaseFile, ...opts.workers });
    app.decorate('workers', pool);
    app.addHook('onClose', async () => {
      await pool.close();
    });
  },
  { name: 'workers' },
);

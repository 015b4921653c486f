import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Redis every instance counts limits in (REDIS_URL); null when each process counts alone. */
    redis: Redis | null;
  }
}

// Only limits live in Redis: what must be counted across instances but may be lost (a
// restarted Redis forgets a minute of counts, nothing else). Content never goes there.
export default fp(
  async (app, opts: Config['redis']) => {
    if (!opts.url) {
      app.decorate('redis', null);
      return;
    }
    const redis = new Redis(opts.url, {
      // Every key this server writes, so deployments sharing one Redis stay apart.
      keyPrefix: opts.keyPrefix,
      lazyConnect: true,
      connectTimeout: 2000,
      // While Redis is away a command fails at once instead of queueing: a request never
      // waits for it (the limits let requests through meanwhile, see protection.ts, auth.ts).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    let down = false;
    let closing = false;
    const lost = (reason: string) => {
      if (!down && !closing) app.log.warn({ reason }, 'Redis is unreachable; limits are not enforced until it is back');
      down = true;
    };
    // A closed connection says it first; 'error' follows only once a reconnection fails.
    redis.on('close', () => lost('connection closed'));
    redis.on('error', (err: Error) => lost(err.message));
    redis.on('ready', () => {
      if (down) app.log.info('Redis is back');
      down = false;
    });
    // A wrong REDIS_URL stops the start with a clear message rather than running unlimited.
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw new Error(`Redis (REDIS_URL) did not answer: ${(err as Error).message}`);
    }
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      closing = true;
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'redis' },
);

import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, Gauge, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

// One registry per app (no prom-client global), so tests can build many apps. Request
// metrics are labelled by route pattern, never the raw URL, to keep cardinality bounded.
export default fp(
  async (app, opts: { webhookQueueDepth: () => Promise<number> }) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requests = new Counter({
      name: 'dateline_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    const latency = new Histogram({
      name: 'dateline_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    new Gauge({
      name: 'dateline_database_size_bytes',
      help: 'Size of the database',
      registers: [registry],
      async collect() {
        this.set(await app.db.sizeBytes());
      },
    });
    new Gauge({
      name: 'dateline_webhook_queue_depth',
      help: 'Webhook deliveries waiting to be sent',
      registers: [registry],
      async collect() {
        this.set(await opts.webhookQueueDepth());
      },
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      requests.inc({ method: req.method, route, status: reply.statusCode });
      latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
      done();
    });
  },
  { name: 'metrics', dependencies: ['db'] },
);

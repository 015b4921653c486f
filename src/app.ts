import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { uriAuthority } from './lib/item-uri.js';
import { createSiteLinks } from './lib/site-links.js';
import { feedRoutes } from './modules/feeds/feeds.routes.js';
import { ninjsRoutes } from './modules/ninjs/ninjs.routes.js';
import { sitemapRoutes } from './modules/sitemaps/sitemaps.routes.js';
import { logOptions } from './lib/log-options.js';
import { articleRoutes } from './modules/articles/articles.routes.js';
import { articleWorkflowRoutes } from './modules/articles/articles.workflow.routes.js';
import { importRoutes } from './modules/imports/imports.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { createAuditRepository } from './modules/audit/audit.repository.js';
import { opsRoutes } from './modules/ops/ops.routes.js';
import { tokenRoutes } from './modules/tokens/tokens.routes.js';
import { authorRoutes } from './modules/authors/authors.routes.js';
import { bureauRoutes } from './modules/bureaus/bureaus.routes.js';
import { changeRoutes } from './modules/changes/changes.routes.js';
import { tagRoutes } from './modules/tags/tags.routes.js';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.js';
import { createArticlesService } from './modules/articles/articles.service.js';
import { createIdempotencyRepository } from './modules/idempotency/idempotency.repository.js';
import { verifyToken } from './modules/tokens/tokens.service.js';
import { sendDelivery } from './modules/webhooks/send.js';
import { createWebhooksRepository } from './modules/webhooks/webhooks.repository.js';
import authPlugin from './plugins/auth.js';
import caching from './plugins/caching.js';
import connectionCap from './plugins/connection-cap.js';
import dbPlugin from './plugins/db.js';
import errorHandler, { clientErrorHandler, sendProblem, toProblem } from './plugins/error-handler.js';
import idempotency from './plugins/idempotency.js';
import scheduler from './plugins/scheduler.js';
import jsonBody from './plugins/json-body.js';
import metrics from './plugins/metrics.js';
import openapi from './plugins/openapi.js';
import protection from './plugins/protection.js';
import redis from './plugins/redis.js';
import requestTimeouts from './plugins/request-timeouts.js';
import securityHeaders from './plugins/security-headers.js';
import siteLinks from './plugins/site-links.js';
import webhookWorker from './plugins/webhook-worker.js';
import workers from './plugins/workers.js';

export type BuildOptions = {
  config: Config;
  logger?: FastifyServerOptions['logger'];
};

export async function buildApp({ config, logger }: BuildOptions) {
  const app = Fastify({
    // A caller's logger settings (a test's stream) keep the redaction and the serializers.
    logger: logger === false ? false : { ...logOptions(config), ...(typeof logger === 'object' ? logger : {}) },
    bodyLimit: config.bodyLimit,
    // Slow clients: headers must arrive within headersTimeout, a silent socket is closed
    // after connectionTimeout, an idle keep-alive one after keepAliveTimeout. Node checks
    // headers every connectionsCheckingInterval (30 s by default, too coarse for short
    // timeouts). Node's whole-request deadline is off: plugins/request-timeouts.ts applies
    // it per route, so that a long streamed import is not cut while it keeps moving.
    requestTimeout: 0,
    connectionTimeout: config.http.connectionTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: {
      requestTimeout: 0,
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.http.headersTimeoutMs / 4))),
    },
    trustProxy: config.trustProxy,
    // A client's X-Request-Id is kept for tracing when it is short and plain; anything else
    // is replaced, so it cannot bloat headers, logs and error bodies.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors raised by the router before a route is found (bad percent-encoding, an
    // over-long path segment) get the same problem+json envelope as everything else.
    frameworkErrors: (err, req, reply) => sendProblem(reply, toProblem(err, req)),
    // ...and so are requests Node's HTTP parser refuses before Fastify sees them (431, 408).
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  const links = createSiteLinks(config.site.url, config.site.paths);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorHandler);
  await app.register(connectionCap, { maxPerAddress: config.http.maxConnectionsPerAddress });
  await app.register(requestTimeouts, { requestTimeoutMs: config.http.requestTimeoutMs });
  await app.register(jsonBody);
  await app.register(securityHeaders);
  await app.register(cors, {
    origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['link', 'etag', 'last-modified', 'location', 'retry-after', 'x-request-id', 'idempotent-replayed'],
  });
  await app.register(dbPlugin, { file: config.databaseFile, url: config.databaseUrl, poolSize: config.databasePoolSize, queryTimeoutMs: config.workers.queryTimeoutMs, writeLockTimeoutMs: config.writeLockTimeoutMs });
  // Reader threads open the SQLite file; on PostgreSQL reads are async and bounded by the
  // server (statement_timeout), so they stay in process and threads only render Markdown.
  await app.register(workers, { databaseFile: config.databaseUrl ? '' : config.databaseFile, workers: config.workers });
  await app.register(redis, config.redis);
  await app.register(protection, config);
  // Plugins do not import modules: what they need of one is handed to them here.
  const outbox = createWebhooksRepository(app.db);
  await app.register(authPlugin, { failuresPerMinute: config.authFailuresPerMinute, verify: (token: string) => verifyToken(app.db, token) });
  await app.register(metrics, { webhookQueueDepth: outbox.pendingCount });
  await app.register(caching, { cache: config.cache });
  await app.register(idempotency, { store: createIdempotencyRepository(app.db), maxStoredBytes: config.limits.idempotencyMaxBytes });
  await app.register(openapi, { publicBaseUrl: config.publicBaseUrl });
  await app.register(siteLinks, { links });

  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    done(null, payload);
  });

  await app.register(bureauRoutes);
  await app.register(authorRoutes);
  await app.register(tagRoutes);
  const revisionLimits = { revisionsKeep: config.revisionsKeep, revisionsMaxBytes: config.limits.revisionsMaxBytes, links };
  await app.register(articleRoutes, revisionLimits);
  await app.register(articleWorkflowRoutes, revisionLimits);
  await app.register(importRoutes, { ...revisionLimits, imports: config.imports });
  await app.register(tokenRoutes);
  await app.register(opsRoutes, { metricsToken: config.metricsToken });
  await app.register(auditRoutes);
  await app.register(webhookWorker, { webhooks: config.webhooks, outbox, send: sendDelivery });
  await app.register(webhookRoutes, { webhooks: config.webhooks });
  const articles = createArticlesService(app.db, { ...revisionLimits, workers: app.workers });
  const auditLog = createAuditRepository(app.db);
  await app.register(scheduler, {
    announceDue: () => articles.announceDue(),
    pruneAudit: (before: string, batch: number) => app.db.write(() => auditLog.pruneOlderThan(before, batch)),
    auditRetentionDays: config.limits.auditRetentionDays,
  });
  await app.register(changeRoutes, { links, retentionDays: config.changes.retentionDays });
  const { site } = config;
  await app.register(feedRoutes, {
    articles,
    feeds: {
      links,
      siteName: site.name,
      apiBase: config.publicBaseUrl.replace(/\/+$/, ''),
      uriAuthority: uriAuthority(site.url, config.publicBaseUrl),
      content: site.feedContent,
      items: site.feedItems,
    },
  });
  const apiBase = config.publicBaseUrl.replace(/\/+$/, '');
  await app.register(sitemapRoutes, { links, siteName: site.name, apiBase, articlePage: site.sitemapPageSize });
  await app.register(ninjsRoutes, { articles, links, siteName: site.name, uriAuthority: uriAuthority(site.url, config.publicBaseUrl) });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

import { z } from 'zod';
import { checkTemplate, type LinkKind, type SitePaths } from './lib/site-links.js';

// The only place that reads process.env. Every setting is described, defaulted where a
// default is safe, and validated at start so a typo stops the server with a clear message.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('TCP port to listen on'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to bind; 0.0.0.0 in containers'),
  DATABASE_FILE: z.string().min(1).default('./data/dateline.db').describe('SQLite database file (when DATABASE_URL is not set)'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'A postgres:// or postgresql:// URL')
    .optional()
    .describe('PostgreSQL to run on instead of the SQLite file, e.g. postgres://user@host:5432/dateline'),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('PostgreSQL connections per instance for reads and writes, plus one for the content-state check (instances × (this + 1) must stay under the server’s max_connections)'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest accepted request body, in bytes'),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .describe('Comma-separated list of allowed browser origins, or * for any'),
  DEMO_DATA: bool.default(true).describe('Create a small demo newsroom when the database is empty'),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).default(60).describe('Cache-Control max-age of public reads, seconds'),
  CACHE_S_MAXAGE: z.coerce.number().int().min(0).default(300).describe('Cache-Control s-maxage (CDNs) of public reads, seconds'),
  CACHE_STALE_WHILE_REVALIDATE: z.coerce
    .number()
    .int()
    .min(0)
    .default(60)
    .describe('Cache-Control stale-while-revalidate of public reads, seconds'),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool
    .default(false)
    .describe('Allow webhook URLs on loopback and private networks (refused by default: SSRF)'),
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .describe('Comma-separated hosts allowed as webhook targets even when private, e.g. 127.0.0.1'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000).describe('Per-delivery timeout'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8).describe('Attempts before a delivery fails'),
  WRITE_LOCK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5000)
    .describe('Longest a write waits for a lock (SQLite: the write lock; PostgreSQL: a connection, then each row or key lock) before answering 503 with Retry-After, ms'),
  REVISIONS_KEEP: z.coerce.number().int().min(1).max(10_000).default(50).describe('Revisions kept per article'),
  REVISIONS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(10 * 1024 * 1024)
    .describe('Most bytes of revision snapshots kept per article; the oldest go first, the newest is always kept'),
  IDEMPOTENCY_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024)
    .describe('Largest create response stored whole for Idempotency-Key replays; larger ones keep only id and location'),
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .default(365)
    .describe('Days audit entries are kept (pruned hourly in small batches); 0 keeps them forever'),
  WORKER_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('Threads for searches, deep pages, counts and Markdown rendering, off the event loop'),
  QUERY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(600_000)
    .default(2000)
    .describe('Budget of a search or other caller-controlled read; over it the request answers 503 with Retry-After'),
  RENDER_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(600_000)
    .default(5000)
    .describe('Budget of rendering one Markdown body; over it the write answers 422 naming body.body'),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe(
      'Longest time a client may take to send a whole request (headers and body), then 408 and the socket is closed; a bulk import upload instead must bring at least 16 KB in every such window',
    ),
  HEADERS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('Longest time a client may take to send the request headers; at most REQUEST_TIMEOUT_MS'),
  CONNECTION_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60_000)
    .describe('A socket with no traffic at all for this long is closed; 0 turns it off'),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5000)
    .describe('How long an idle keep-alive connection is kept open between requests'),
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(0)
    .default(128)
    .describe('Open sockets allowed per client address (the proxy\'s, behind one); more are answered 503 and closed; 0 turns it off'),
  RESPONSE_CACHE_MB: z.coerce
    .number()
    .min(0)
    .max(4096)
    .default(32)
    .describe('Memory for the in-process cache of public responses; 0 turns it off'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(1200)
    .describe('Requests a minute per token (or per client address without one); 0 turns rate limiting off'),
  AUTH_FAILURES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(20)
    .describe('Failed authentications a minute per client address before it gets 429s; 0 turns the limit off'),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .optional()
    .describe('Redis that every instance counts in (rate limits, failed authentications), e.g. redis://127.0.0.1:6379; without it each instance counts alone'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits and _ : . - only, at most 64')
    .default('dateline:')
    .describe('Prefix of every key written to Redis; deployments sharing one Redis need different ones'),
  TRUST_PROXY: bool.default(false).describe('Take the client address from X-Forwarded-For (behind a CDN or proxy)'),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('Shed load with 503 when the event loop lags more than this; 0 turns it off'),
  IMPORT_MAX_CONCURRENT: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe('Bulk imports running at once; another one waits its turn with 429 and Retry-After'),
  IMPORT_SLICE_MS: z.coerce
    .number()
    .int()
    .min(5)
    .max(1000)
    .default(25)
    .describe('Longest a bulk import holds the write lock (and the event loop) before letting other requests in'),
  METRICS_TOKEN: z.string().min(16).optional().describe('When set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`'),
  PUBLIC_BASE_URL: z
    .url()
    .optional()
    .describe('Public address: printed at start, and the contract’s `servers` entry; defaults to http://localhost:PORT'),
  SITE_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !/[?#]/.test(u), 'must not contain a query or a fragment')
    .optional()
    .describe('The frontend site, e.g. https://news.example.com; when set, items get a `url` and feeds and sitemaps are served'),
  SITE_NAME: z.string().min(1).max(200).default('Dateline').describe('Site name: feed titles, news:publication name'),
  SITE_ARTICLE_PATH: z
    .string()
    .default('/{bureau}/{slug}')
    .describe('Path of an article page; placeholders {id} {slug} {bureau} {yyyy} {mm} {dd} (publish date, UTC)'),
  SITE_BUREAU_PATH: z.string().default('/bureaus/{slug}').describe('Path of a bureau page; placeholders {id} {slug}'),
  SITE_AUTHOR_PATH: z.string().default('/authors/{slug}').describe('Path of an author page; placeholders {id} {slug}'),
  SITE_TAG_PATH: z.string().default('/tags/{slug}').describe('Path of a tag page; placeholders {id} {slug}'),
  FEED_CONTENT: z
    .enum(['html', 'summary'])
    .default('html')
    .describe('Feeds carry the sanitised HTML body (`html`) or only the standfirst (`summary`)'),
  FEED_ITEMS: z.coerce.number().int().min(1).max(100).default(50).describe('Articles in a feed: the newest N'),
  SITEMAP_PAGE_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(50_000)
    .default(50_000)
    .describe('Article ids covered by one article sitemap page (the protocol allows at most 50,000 URLs)'),
  CHANGES_RETENTION_DAYS: z.coerce
    .number()
    .min(1)
    .max(3650)
    .default(30)
    .describe('How long the change feed keeps tombstones; an older cursor answers 410 and must start over'),
});

const templateVars: Record<LinkKind, keyof z.infer<typeof envSchema>> = {
  article: 'SITE_ARTICLE_PATH',
  bureau: 'SITE_BUREAU_PATH',
  author: 'SITE_AUTHOR_PATH',
  tag: 'SITE_TAG_PATH',
};

export type Config = {
  port: number;
  host: string;
  databaseFile: string;
  /** PostgreSQL to run on; the SQLite file when absent. */
  databaseUrl?: string;
  databasePoolSize: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  bodyLimit: number;
  corsOrigins: '*' | string[];
  demoData: boolean;
  publicBaseUrl: string;
  cache: { maxAge: number; sMaxAge: number; staleWhileRevalidate: number; responseCacheBytes: number };
  webhooks: { allowPrivateTargets: boolean; allowedHosts: string[]; timeoutMs: number; maxAttempts: number };
  revisionsKeep: number;
  writeLockTimeoutMs: number;
  limits: { revisionsMaxBytes: number; idempotencyMaxBytes: number; auditRetentionDays: number };
  workers: { threads: number; queryTimeoutMs: number; renderTimeoutMs: number };
  http: { requestTimeoutMs: number; headersTimeoutMs: number; connectionTimeoutMs: number; keepAliveTimeoutMs: number; maxConnectionsPerAddress: number };
  rateLimitPerMinute: number;
  authFailuresPerMinute: number;
  /** Where limits are counted when instances must share them; null: in each process. */
  redis: { url: string | null; keyPrefix: string };
  trustProxy: boolean;
  maxEventLoopDelayMs: number;
  imports: { maxConcurrent: number; sliceMs: number };
  metricsToken?: string;
  /** The frontend: where items live, and how feeds and sitemaps are built. */
  site: {
    url: string | null;
    name: string;
    paths: SitePaths;
    feedContent: 'html' | 'summary';
    feedItems: number;
    sitemapPageSize: number;
  };
  changes: { retentionDays: number };
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const bad = (Object.entries(templateVars) as [LinkKind, keyof typeof e][]).flatMap(([kind, name]) =>
    checkTemplate(kind, String(e[name])).map((problem) => `  ${name}: ${problem}`),
  );
  if (bad.length > 0) throw new ConfigError(`Invalid configuration:\n${bad.join('\n')}`);
  const origins = e.CORS_ORIGINS.trim();
  return {
    port: e.PORT,
    host: e.HOST,
    databaseFile: e.DATABASE_FILE,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    corsOrigins:
      origins === '*'
        ? '*'
        : origins
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    demoData: e.DEMO_DATA,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    cache: {
      maxAge: e.CACHE_MAX_AGE,
      sMaxAge: e.CACHE_S_MAXAGE,
      staleWhileRevalidate: e.CACHE_STALE_WHILE_REVALIDATE,
      responseCacheBytes: Math.round(e.RESPONSE_CACHE_MB * 1024 * 1024),
    },
    webhooks: {
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      allowedHosts: e.WEBHOOK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    },
    revisionsKeep: e.REVISIONS_KEEP,
    writeLockTimeoutMs: e.WRITE_LOCK_TIMEOUT_MS,
    limits: {
      revisionsMaxBytes: e.REVISIONS_MAX_BYTES,
      idempotencyMaxBytes: e.IDEMPOTENCY_MAX_BYTES,
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    },
    workers: { threads: e.WORKER_THREADS, queryTimeoutMs: e.QUERY_TIMEOUT_MS, renderTimeoutMs: e.RENDER_TIMEOUT_MS },
    http: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS),
      connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    redis: { url: e.REDIS_URL ?? null, keyPrefix: e.REDIS_KEY_PREFIX },
    trustProxy: e.TRUST_PROXY,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    imports: { maxConcurrent: e.IMPORT_MAX_CONCURRENT, sliceMs: e.IMPORT_SLICE_MS },
    metricsToken: e.METRICS_TOKEN,
    site: {
      url: e.SITE_URL?.replace(/\/+$/, '') ?? null,
      name: e.SITE_NAME,
      paths: { article: e.SITE_ARTICLE_PATH, bureau: e.SITE_BUREAU_PATH, author: e.SITE_AUTHOR_PATH, tag: e.SITE_TAG_PATH },
      feedContent: e.FEED_CONTENT,
      feedItems: e.FEED_ITEMS,
      sitemapPageSize: e.SITEMAP_PAGE_SIZE,
    },
    changes: { retentionDays: e.CHANGES_RETENTION_DAYS },
  };
}

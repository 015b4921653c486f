import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { buildApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createToken } from '../../src/modules/tokens/tokens.service.js';
import { testEngine } from './db.js';
import { freshPgDatabase } from './pg.js';

export type TestApp = { app: App; token: string; auth: { authorization: string }; dir: string; config: Config };

/** The configuration tests run with, on a database file inside `dir`. */
export function testConfig(dir: string, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseFile: join(dir, 'test.db'),
    databasePoolSize: 8,
    logLevel: 'silent',
    bodyLimit: 1024 * 1024,
    corsOrigins: '*',
    demoData: false,
    // As loadConfig defaults it, so the contract served in tests is the committed one.
    publicBaseUrl: 'http://localhost:3000',
    cache: { maxAge: 60, sMaxAge: 300, staleWhileRevalidate: 60, responseCacheBytes: 8 * 1024 * 1024 },
    // Tests run their webhook receivers on loopback; nothing else is allowed.
    webhooks: { allowPrivateTargets: false, allowedHosts: ['127.0.0.1'], timeoutMs: 2000, maxAttempts: 5 },
    revisionsKeep: 50,
    writeLockTimeoutMs: 5000,
    limits: { revisionsMaxBytes: 10 * 1024 * 1024, idempotencyMaxBytes: 64 * 1024, auditRetentionDays: 365 },
    workers: { threads: 2, queryTimeoutMs: 5000, renderTimeoutMs: 10_000 },
    http: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, connectionTimeoutMs: 60_000, keepAliveTimeoutMs: 5000, maxConnectionsPerAddress: 0 },
    // Off unless a test is about them: limits and load shedding would make tests flaky.
    rateLimitPerMinute: 0,
    authFailuresPerMinute: 0,
    redis: { url: null, keyPrefix: 'dateline:' },
    trustProxy: false,
    maxEventLoopDelayMs: 0,
    imports: { maxConcurrent: 2, sliceMs: 25 },
    site: {
      url: null,
      name: 'Dateline Test',
      paths: { article: '/{bureau}/{slug}', bureau: '/bureaus/{slug}', author: '/authors/{slug}', tag: '/tags/{slug}' },
      feedContent: 'html',
      feedItems: 50,
      sitemapPageSize: 50_000,
    },
    changes: { retentionDays: 30 },
    ...overrides,
  };
}

/**
 * A real app on a fresh database with the real migrations, closed and deleted after the
 * test: a SQLite file, or with DATELINE_TEST_ENGINE=postgres a database of its own copied
 * from the migrated template (test/helpers/pg.ts). A test about SQLite itself (its file, its
 * backup API) passes `databaseFile` or `{ engine: 'sqlite' }` and stays on SQLite.
 */
export async function buildTestApp(t: Test, overrides: Partial<Config> = {}, opts: { engine?: 'sqlite' } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-test-'));
  const onPostgres = testEngine === 'postgres' && !opts.engine && overrides.databaseFile === undefined && overrides.databaseUrl === undefined;
  const databaseUrl = onPostgres ? (await freshPgDatabase(t)).url : overrides.databaseUrl;
  const config = testConfig(dir, { ...overrides, ...(databaseUrl ? { databaseUrl } : {}) });
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const { token } = await createToken(app.db, { name: 'test admin', role: 'admin' });
  t.teardown(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, token, auth: { authorization: `Bearer ${token}` }, dir, config };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { buildApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createToken } from '../../src/modules/tokens/tokens.service.js';

export type TestApp = { app: App; token: string; auth: { authorization: string }; dir: string; config: Config };

/** The configuration tests run with, on a database file inside `dir`. */
export function testConfig(dir: string, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseFile: join(dir, 'test.db'),
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

/** A real app on a fresh SQLite file with the real migrations, closed and deleted after the test. */
export async function buildTestApp(t: Test, overrides: Partial<Config> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-test-'));
  const config = testConfig(dir, overrides);
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const { token } = await createToken(app.db, { name: 'test admin', role: 'admin' });
  t.teardown(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, token, auth: { authorization: `Bearer ${token}` }, dir, config };
}

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../src/config.js';
import { buildTestApp } from './helpers/app.js';
import { rawSql } from './helpers/db.js';

const root = new URL('..', import.meta.url).pathname;

t.test('defaults are safe and complete', async (t) => {
  const c = loadConfig({});
  t.equal(c.port, 3000);
  t.equal(c.databaseFile, './data/dateline.db');
  t.equal(c.bodyLimit, 1024 * 1024);
  t.equal(c.corsOrigins, '*');
  t.equal(c.demoData, true);
  t.same(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins, ['https://a.example', 'https://b.example']);
  t.equal(loadConfig({ DEMO_DATA: 'false' }).demoData, false);
});

t.test('a bad value names the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), { name: 'ConfigError', message: /PORT/ });
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  t.throws(() => loadConfig({ DEMO_DATA: 'maybe' }), /DEMO_DATA/);
  t.throws(() => loadConfig({ BODY_LIMIT: '12' }), /BODY_LIMIT/);
});

t.test('the server refuses to start with a bad value', async (t) => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: 'not-a-port' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(res.status, 78);
  t.match(res.stderr, /PORT/);
});

t.test('the token script creates a working token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-token-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tokens.db');
  const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', 'create', '--name', 'night desk', '--role', 'editor'], {
    cwd: root,
    env: { ...process.env, DATABASE_FILE: file },
    encoding: 'utf8',
  }).trim();
  t.match(token, /^dl_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const ctx = await buildTestApp(t, { databaseFile: file });
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/tags', headers: { authorization: `Bearer ${token}` }, payload: { name: 'Transit' } });
  t.equal(res.statusCode, 201);
  const [stored] = await rawSql<{ secret_hash: string }>(ctx.app.db, 'select secret_hash from api_tokens where name = ?', 'night desk');
  t.notMatch(stored!.secret_hash, token.split('_').pop()!, 'only a hash is stored');
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', 'create', '--role', 'king'], { cwd: root, encoding: 'utf8' });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /role/);
});

t.test('REDIS_URL and REDIS_KEY_PREFIX', async (t) => {
  t.same(loadConfig({}).redis, { url: null, keyPrefix: 'dateline:' }, 'no Redis by default: each instance counts alone');
  t.same(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'news-a:' }).redis, { url: 'redis://127.0.0.1:6379', keyPrefix: 'news-a:' });
  t.throws(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' }), /REDIS_URL/);
  t.throws(() => loadConfig({ REDIS_KEY_PREFIX: 'has spaces' }), /REDIS_KEY_PREFIX/);
});

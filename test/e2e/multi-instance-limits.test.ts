import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import t from 'tap';
import type { Call } from '../../scripts/lib/http.js';
import { client } from '../../scripts/lib/http.js';
import { freePort, startServer, type Server } from '../../scripts/lib/server.js';
import { adminToken, clients, engine, errorLogs, eventually, instances, sharedDatabase } from '../helpers/instances.js';

// Rate limits and the failed-authentication limit with two real instances: with REDIS_URL
// they count in Redis, so a client gets its limit once whichever instance answers; without
// it each instance counts alone (N instances allow N times the limit, as the README says).
t.setTimeout(120_000);
t.comment(`engine: ${engine}`);

const REDIS_URL = 'redis://127.0.0.1:6379';
// This run's own keys, so parallel runs and other checkouts sharing the Redis never collide.
const prefix = `dateline-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
const limits = { RATE_LIMIT_PER_MINUTE: '10', AUTH_FAILURES_PER_MINUTE: '4' };

t.teardown(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** `n` authenticated reads, alternating between the instances; their statuses in order. */
async function reads(calls: Call[], n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await calls[i % calls.length]!('GET', '/v1/articles?limit=1')).status);
  return statuses;
}

/** `n` requests with a wrong token, alternating between the instances. */
async function badTokens(servers: Server[], n: number): Promise<number[]> {
  const wrong = servers.map((s) => client(s.url, `dl_wrongwrong12_${'x'.repeat(43)}`));
  return reads(wrong, n);
}

t.test('with REDIS_URL, one client has one limit across instances', async (t) => {
  const db = await sharedDatabase(t);
  const env = { ...limits, REDIS_URL, REDIS_KEY_PREFIX: prefix };
  const servers = await instances(t, db.target, [env, env]);
  const calls = clients(servers, adminToken(db));
  t.same(await reads(calls, 12), [...Array<number>(10).fill(200), 429, 429], '10 a minute in all, not 10 per instance');
  const limited = await calls[0]!('GET', '/v1/articles?limit=1');
  t.ok(Number(limited.headers.get('retry-after')) > 0, 'a 429 says when to retry');
  t.same(await badTokens(servers, 6), [401, 401, 401, 401, 429, 429], '4 failed authentications a minute in all');

  const redis = new Redis(REDIS_URL);
  t.teardown(() => redis.quit());
  const keys = await redis.keys(`${prefix}*`);
  t.ok(keys.some((k) => k.startsWith(`${prefix}rate-limit:`)), 'rate-limit counts are under the prefix');
  t.ok(keys.some((k) => k.startsWith(`${prefix}auth-failures:`)), 'failed-authentication counts are under the prefix');
  t.same(errorLogs(servers), [], 'no instance logged an error');
});

t.test('without REDIS_URL, each instance counts alone', async (t) => {
  const db = await sharedDatabase(t);
  const servers = await instances(t, db.target, [limits, limits]);
  const calls = clients(servers, adminToken(db));
  t.same(await reads(calls, 12), Array<number>(12).fill(200), '6 on each instance: under each one’s 10');
  t.same(await reads([calls[0]!], 5), [200, 200, 200, 200, 429], 'one instance still holds its own limit');
  t.same(await badTokens(servers, 6), Array<number>(6).fill(401), '3 failed authentications on each: under each one’s 4');
  t.same(await badTokens([servers[0]!], 2), [401, 429], 'one instance still blocks after its own 4');
  t.same(errorLogs(servers), [], 'no instance logged an error');
});

t.test('an instance whose REDIS_URL does not answer refuses to start rather than run unlimited', async (t) => {
  const db = await sharedDatabase(t);
  const nobody = `redis://127.0.0.1:${await freePort()}`;
  const server = startServer(db.target, await freePort(), { REDIS_URL: nobody });
  const { code } = await server.exited;
  t.not(code, 0, 'it exits with an error');
  t.match(server.stderr(), /Redis \(REDIS_URL\) did not answer/, 'saying why');
});

/** A Redis of this test's own on a free port, so it can be stopped and started again. */
async function ownRedis(port: number) {
  const proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 0 });
  await eventually(async () => (await probe.ping().catch(() => '')) === 'PONG', 5000);
  probe.disconnect();
  return { stop: () => new Promise<void>((ok) => (proc.exitCode !== null ? ok() : (proc.once('exit', () => ok()), proc.kill('SIGKILL')))) };
}

t.test('when Redis goes away requests are let through, and limits come back with it', async (t) => {
  const db = await sharedDatabase(t);
  const port = await freePort();
  let redis = await ownRedis(port);
  t.teardown(() => redis.stop());
  const env = { ...limits, RATE_LIMIT_PER_MINUTE: '5', REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: prefix };
  const [server] = await instances(t, db.target, [env]);
  const call = clients([server!], adminToken(db));
  t.same(await reads(call, 6), [200, 200, 200, 200, 200, 429], 'limited while Redis is up');

  await redis.stop();
  const t0 = performance.now();
  t.same(await reads(call, 8), Array<number>(8).fill(200), 'let through while Redis is down (not a 500)');
  t.same(await badTokens([server!], 6), Array<number>(6).fill(401), 'a wrong token is still a 401, never blocked nor a 500');
  t.ok(performance.now() - t0 < 5000, 'without waiting for Redis');
  t.match(server!.output(), /Redis is unreachable/, 'and the outage is logged');

  redis = await ownRedis(port);
  t.ok(await eventually(async () => (await reads(call, 1))[0] === 429 || false, 10_000), 'limited again once Redis is back');
});

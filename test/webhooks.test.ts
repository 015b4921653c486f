import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { nowIso } from '../src/lib/time.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { enqueueEvent, type EventType } from '../src/modules/webhooks/outbox.js';
import { signatureHeader, verifySignature } from '../src/modules/webhooks/signature.js';
import { checkTargetResolves, checkTargetUrl } from '../src/modules/webhooks/url-policy.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { rawValue } from './helpers/db.js';

type Hit = { headers: IncomingHttpHeaders; body: string };

/** A real HTTP receiver on 127.0.0.1; `answer` picks the status of the n-th request (1-based). */
async function receiver(t: Test, answer: (n: number, hit: Hit) => number | 'hang' = () => 200) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      hits.push(hit);
      const status = answer(hits.length, hit);
      if (status !== 'hang') res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:9/x' } : {}).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/dateline`, hits };
}

async function createHook(ctx: TestApp, url: string, events: string[] = ['article.*']) {
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth, payload: { url, events } });
  if (res.statusCode !== 201) throw new Error(`createWebhook → ${res.statusCode}: ${res.body}`);
  return res.json() as { id: number; secret: string; url: string; events: string[]; active: boolean };
}

// Services will call enqueueEvent inside their own transactions; tests do the same by hand.
const emit = (ctx: TestApp, type: EventType = 'article.published', data: unknown = { id: 1, slug: 'x' }) =>
  ctx.app.db.write(() => enqueueEvent(ctx.app.db, type, data, ['article:1']));

async function deliveries(ctx: TestApp, hookId: number, query = '') {
  const res = await ctx.app.inject({ url: `/v1/webhooks/${hookId}/deliveries${query}`, headers: ctx.auth });
  if (res.statusCode !== 200) throw new Error(`listWebhookDeliveries → ${res.statusCode}: ${res.body}`);
  return res.json().data as Record<string, unknown>[];
}

/** Skips the backoff wait: everything pending becomes due now. */
const makeDue = (ctx: TestApp) =>
  ctx.app.db.write(() => {
    const { webhookDeliveries } = ctx.app.db.tables;
    return ctx.app.db.conn.update(webhookDeliveries).set({ nextAttemptAt: nowIso() }).where(eq(webhookDeliveries.status, 'pending'));
  });

/** Test-app config with some webhook settings changed. */
const webhookConfig = (over: Partial<Config['webhooks']>) => ({
  webhooks: { allowPrivateTargets: false, allowedHosts: ['127.0.0.1'], timeoutMs: 2000, maxAttempts: 5, ...over },
});

const secondsUntil = (iso: unknown) => (Date.parse(String(iso)) - Date.now()) / 1000;

t.test('createWebhook', async (t) => {
  const ctx = await buildTestApp(t);
  const editor = { authorization: `Bearer ${(await createToken(ctx.app.db, { name: 'editor', role: 'editor' })).token}` };
  const post = (payload: unknown, headers = ctx.auth) =>
    ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: payload as object });

  t.test('returns the webhook and, once, its secret', async (t) => {
    const res = await post({ url: 'https://hooks.example-news.com/dateline', events: ['article.published', 'author.*', 'article.published'] });
    t.equal(res.statusCode, 201, res.body);
    const hook = res.json();
    t.match(hook.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    t.equal(res.headers.location, `/v1/webhooks/${hook.id}`);
    t.same(hook.events, ['article.published', 'author.*'], 'duplicates dropped');
    t.equal(hook.active, true);
    t.equal(hook.disabledReason, null);
    const other = (await post({ url: 'https://hooks.example-news.com/dateline', events: ['bureau.*'] })).json();
    t.not(other.secret, hook.secret, 'every webhook has its own secret');
  });

  t.test('validation errors name the field', async (t) => {
    const cases: [unknown, string][] = [
      [{ url: 'https://x.example.com', events: [] }, 'body.events'],
      [{ url: 'https://x.example.com', events: ['article.exploded'] }, 'body.events.0'],
      [{ url: 'ftp://x.example.com/', events: ['article.*'] }, 'body.url'],
      [{ url: 'not a url', events: ['article.*'] }, 'body.url'],
      [{ events: ['article.*'] }, 'body.url'],
      [{ url: 'https://x.example.com', events: ['article.*'], secret: 'mine' }, 'body.secret'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(payload);
      t.equal(res.statusCode, 400, JSON.stringify(payload));
      t.ok(
        res.json().errors.some((e: { path: string }) => e.path === path),
        `${path} named in ${JSON.stringify(res.json().errors)}`,
      );
    }
  });

  t.test('needs an admin token', async (t) => {
    const payload = { url: 'https://hooks.example-news.com/a', events: ['article.*'] };
    t.equal((await post(payload, {} as typeof ctx.auth)).statusCode, 401);
    const res = await post(payload, editor);
    t.equal(res.statusCode, 403);
    t.equal(res.json().code, 'forbidden');
  });

  t.test('ignores Idempotency-Key, so no secret is ever stored for a replay', async (t) => {
    const payload = { url: 'https://hooks.example-news.com/keyed', events: ['article.*'] };
    const headers = { ...ctx.auth, 'idempotency-key': 'webhook-key' };
    const first = await post(payload, headers);
    const second = await post(payload, headers);
    t.equal(first.statusCode, 201, first.body);
    t.equal(second.statusCode, 201, second.body);
    t.not(second.json().id, first.json().id, 'each request creates');
    t.equal(second.headers['idempotent-replayed'], undefined);
    t.equal(await rawValue(ctx.app.db, 'SELECT count(*) FROM idempotency_keys'), 0);
  });
});

t.test('the URL policy refuses private targets', async (t) => {
  const ctx = await buildTestApp(t, webhookConfig({ allowedHosts: [] }));
  const refused = [
    'http://127.0.0.2:8080/hook',
    'http://127.0.0.1/hook',
    'http://localhost:3000/hook',
    'http://api.localhost/hook',
    'http://10.1.2.3/',
    'http://172.20.0.5/',
    'http://192.168.1.10/',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'https://user:pass@hooks.example.com/',
  ];
  for (const url of refused) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth, payload: { url, events: ['article.*'] } });
    t.equal(res.statusCode, 422, url);
    t.same(res.json().errors?.map((e: { path: string }) => e.path), ['body.url'], `${url}: body.url named`);
  }
  for (const url of ['https://hooks.example.com/dateline', 'http://93.184.216.34:8080/in', 'https://[2606:4700::1111]/']) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth, payload: { url, events: ['article.*'] } });
    t.equal(res.statusCode, 201, `${url} accepted: ${res.body}`);
  }
  t.equal((await ctx.app.db.conn.select().from(ctx.app.db.tables.webhooks)).length, 3, 'nothing refused was stored');

  t.test('the same rules apply again at delivery time', async (t) => {
    const rx = await receiver(t);
    // As if the hook was created while the server allowed loopback targets.
    const [hook] = await ctx.app.db.write(() =>
      ctx.app.db.conn.insert(ctx.app.db.tables.webhooks).values({ url: rx.url, events: ['article.*'], secret: 'whsec_x', createdAt: nowIso() }).returning(),
    );
    await emit(ctx);
    await ctx.app.webhookWorker.runOnce();
    t.equal(rx.hits.length, 0, 'nothing was sent');
    const [d] = await deliveries(ctx, hook!.id);
    t.match(d, { status: 'pending', attempts: 1, lastStatus: null, lastError: /^Refused: 127\.0\.0\.1 is a loopback/ });
  });
});

t.test('URL policy helpers', async (t) => {
  const policy = { allowPrivateTargets: false, allowedHosts: ['hooks.internal'] };
  const to = (...addresses: string[]) => async () => addresses;
  t.match(await checkTargetResolves('https://evil.example.com/', policy, to('127.0.0.1')), {
    ok: false,
    reason: /^evil\.example\.com resolves to 127\.0\.0\.1, a private/,
  });
  t.match(await checkTargetResolves('https://mixed.example.com/', policy, to('93.184.216.34', '::1')), { ok: false });
  t.same(await checkTargetResolves('https://good.example.com/', policy, to('93.184.216.34', '2606:4700::1111')), { ok: true });
  t.same(await checkTargetResolves('https://hooks.internal/', policy, to('10.0.0.5')), { ok: true }, 'allowed hosts are trusted');
  const failing = async () => {
    throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
  };
  t.match(await checkTargetResolves('https://gone.example.com/', policy, failing), { ok: false, reason: /ENOTFOUND/ });
  t.same(checkTargetUrl('http://127.0.0.2/', { allowPrivateTargets: true, allowedHosts: [] }), { ok: true }, 'private targets can be allowed');
  t.same(checkTargetUrl('http://LOCALHOST./', { allowPrivateTargets: false, allowedHosts: ['localhost'] }), { ok: true });
});

t.test('listWebhooks never shows a secret', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await createHook(ctx, 'https://a.example.com/hook', ['article.published']);
  const b = await createHook(ctx, 'https://b.example.com/hook', ['bureau.*']);
  const res = await ctx.app.inject({ url: '/v1/webhooks', headers: ctx.auth });
  t.equal(res.statusCode, 200);
  t.same(res.json().data.map((h: { id: number }) => h.id), [a.id, b.id]);
  for (const h of res.json().data) t.notOk('secret' in h, 'no secret field');
  t.notMatch(res.body, a.secret);
  t.notMatch(res.body, 'whsec_');
  const editor = (await createToken(ctx.app.db, { name: 'editor', role: 'editor' })).token;
  t.equal((await ctx.app.inject({ url: '/v1/webhooks' })).statusCode, 401);
  t.equal((await ctx.app.inject({ url: '/v1/webhooks', headers: { authorization: `Bearer ${editor}` } })).statusCode, 403);
});

t.test('deleteWebhook', async (t) => {
  const ctx = await buildTestApp(t);
  const hook = await createHook(ctx, 'https://a.example.com/hook');
  await emit(ctx);
  const editor = (await createToken(ctx.app.db, { name: 'editor', role: 'editor' })).token;
  const del = (headers: Record<string, string>) => ctx.app.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.id}`, headers });
  t.equal((await del({ authorization: `Bearer ${editor}` })).statusCode, 403);
  t.equal((await del(ctx.auth)).statusCode, 204);
  t.equal((await del(ctx.auth)).statusCode, 404);
  t.same((await ctx.app.inject({ url: '/v1/webhooks', headers: ctx.auth })).json().data, []);
  t.equal((await ctx.app.db.conn.select().from(ctx.app.db.tables.webhookDeliveries)).length, 0, 'its deliveries went with it');
  t.equal((await ctx.app.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: ctx.auth })).statusCode, 404);
  t.equal((await ctx.app.inject({ method: 'DELETE', url: '/v1/webhooks/abc', headers: ctx.auth })).statusCode, 400);
});

t.test('listWebhookDeliveries', async (t) => {
  const ctx = await buildTestApp(t);
  const hook = await createHook(ctx, 'https://a.example.com/hook', ['article.*']);
  const other = await createHook(ctx, 'https://b.example.com/hook', ['author.*']);
  for (const type of ['article.published', 'article.updated', 'author.created', 'article.deleted'] as const) await emit(ctx, type);
  const first = await ctx.app.inject({ url: `/v1/webhooks/${hook.id}/deliveries?limit=2&total=true`, headers: ctx.auth });
  t.equal(first.statusCode, 200);
  const page = first.json();
  t.same(page.data.map((d: { eventType: string }) => d.eventType), ['article.deleted', 'article.updated'], 'newest first');
  t.equal(page.meta.total, 3);
  t.notOk('payload' in page.data[0]);
  t.match(page.data[0], { webhookId: hook.id, status: 'pending', attempts: 0, lastStatus: null, deliveredAt: null });
  t.match(first.headers.link, /rel="next"/);
  const rest = await deliveries(ctx, hook.id, `?limit=2&cursor=${page.meta.nextCursor}`);
  t.same(rest.map((d) => d.eventType), ['article.published']);
  t.same((await deliveries(ctx, hook.id, '?offset=1&limit=1')).map((d) => d.eventType), ['article.updated']);
  t.same((await deliveries(ctx, other.id)).map((d) => d.eventType), ['author.created'], 'only what it subscribed to');
  t.same(await deliveries(ctx, hook.id, '?status=delivered'), []);
  t.equal((await ctx.app.inject({ url: `/v1/webhooks/9999/deliveries`, headers: ctx.auth })).statusCode, 404);
  t.equal((await ctx.app.inject({ url: `/v1/webhooks/${hook.id}/deliveries?cursor=bogus`, headers: ctx.auth })).statusCode, 400);
  t.equal((await ctx.app.inject({ url: `/v1/webhooks/${hook.id}/deliveries` })).statusCode, 401);
});

t.test('a delivery is retried with backoff until the receiver takes it, signed', async (t) => {
  const ctx = await buildTestApp(t);
  let secret = '';
  const verified: boolean[] = [];
  const rx = await receiver(t, (n, hit) => {
    verified.push(verifySignature(secret, hit.headers['dateline-signature'] as string, hit.body));
    return n <= 2 ? 500 : 200;
  });
  const hook = await createHook(ctx, rx.url, ['article.published']);
  secret = hook.secret;
  await emit(ctx, 'article.published', { id: 42, slug: 'rates-hold' });

  await ctx.app.webhookWorker.runOnce();
  t.equal(rx.hits.length, 1);
  let [d] = await deliveries(ctx, hook.id);
  t.match(d, { status: 'pending', attempts: 1, lastStatus: 500, lastError: 'The receiver answered 500' });
  const wait1 = secondsUntil(d!.nextAttemptAt);
  t.ok(wait1 > 23 && wait1 < 37, `first retry in ~30 s (${wait1})`);
  t.equal(await ctx.app.webhookWorker.runOnce(), 0, 'nothing is sent before it is due');

  await makeDue(ctx);
  await ctx.app.webhookWorker.runOnce();
  [d] = await deliveries(ctx, hook.id);
  const wait2 = secondsUntil(d!.nextAttemptAt);
  t.ok(wait2 > 47 && wait2 < 73, `second retry in ~60 s (${wait2})`);

  await makeDue(ctx);
  await ctx.app.webhookWorker.runOnce();
  t.equal(rx.hits.length, 3, 'three attempts reached the receiver');
  [d] = await deliveries(ctx, hook.id);
  t.match(d, { status: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
  t.ok(Date.parse(String(d!.deliveredAt)) > 0);
  t.same(verified, [true, true, true], 'the receiver verified every signature with the secret from creation');

  const hit = rx.hits[2]!;
  t.equal(hit.headers['content-type'], 'application/json');
  t.equal(hit.headers['user-agent'], 'Dateline-Webhooks/1');
  t.equal(hit.headers['dateline-event'], 'article.published');
  t.equal(hit.headers['dateline-delivery'], String(d!.id));
  t.match(JSON.parse(hit.body), { id: d!.eventId, type: 'article.published', data: { id: 42, slug: 'rates-hold' }, purge: ['article:1'] });
  t.equal(rx.hits[0]!.body, hit.body, 'every attempt sends the same body');
  t.notOk(verifySignature('whsec_wrong', hit.headers['dateline-signature'] as string, hit.body));
});

t.test('one send per delivery, even with two workers on one database', async (t) => {
  const ctx = await buildTestApp(t);
  const second = await buildApp({ config: ctx.config, logger: false });
  t.teardown(() => second.close());
  await second.ready();
  const rx = await receiver(t);
  const hook = await createHook(ctx, rx.url);
  await emit(ctx);
  const sent = await Promise.all([ctx.app.webhookWorker.runOnce(), second.webhookWorker.runOnce(), ctx.app.webhookWorker.runOnce()]);
  t.equal(rx.hits.length, 1, 'the receiver got it once');
  t.equal(sent[0] + sent[1], 1, 'one worker claimed it');
  t.match((await deliveries(ctx, hook.id))[0], { status: 'delivered', attempts: 1 });
});

t.test('a delivery fails after maxAttempts', async (t) => {
  const ctx = await buildTestApp(t, webhookConfig({ maxAttempts: 2 }));
  const rx = await receiver(t, () => 503);
  const hook = await createHook(ctx, rx.url);
  await emit(ctx);
  await ctx.app.webhookWorker.runOnce();
  await makeDue(ctx);
  await ctx.app.webhookWorker.runOnce();
  await makeDue(ctx);
  await ctx.app.webhookWorker.runOnce();
  t.equal(rx.hits.length, 2);
  t.match((await deliveries(ctx, hook.id))[0], { status: 'failed', attempts: 2, lastStatus: 503 });
});

t.test('410 Gone disables the webhook', async (t) => {
  const ctx = await buildTestApp(t);
  const rx = await receiver(t, () => 410);
  const hook = await createHook(ctx, rx.url);
  await emit(ctx);
  await ctx.app.webhookWorker.runOnce();
  const [d] = await deliveries(ctx, hook!.id);
  t.match(d, { status: 'failed', attempts: 1, lastStatus: 410 });
  const [listed] = (await ctx.app.inject({ url: '/v1/webhooks', headers: ctx.auth })).json().data;
  t.match(listed, { id: hook.id, active: false, disabledReason: /410 Gone/ });
  await emit(ctx);
  t.equal((await deliveries(ctx, hook.id)).length, 1, 'no new deliveries for a disabled webhook');
  const res = await ctx.app.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${d!.id}/redeliver`, headers: ctx.auth });
  t.equal(res.statusCode, 409, 'a disabled webhook is not redelivered to');
  t.equal(rx.hits.length, 1);
});

t.test('redeliverWebhookDelivery sends a delivered event again', async (t) => {
  const ctx = await buildTestApp(t);
  const rx = await receiver(t);
  const hook = await createHook(ctx, rx.url);
  await emit(ctx);
  await ctx.app.webhookWorker.runOnce();
  const [d] = await deliveries(ctx, hook!.id);
  t.match(d, { status: 'delivered', attempts: 1 });
  const url = `/v1/webhooks/${hook.id}/deliveries/${d!.id}/redeliver`;
  const editor = (await createToken(ctx.app.db, { name: 'editor', role: 'editor' })).token;
  t.equal((await ctx.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${editor}` } })).statusCode, 403);
  const res = await ctx.app.inject({ method: 'POST', url, headers: ctx.auth });
  t.equal(res.statusCode, 202, res.body);
  t.match(res.json(), { id: d!.id, status: 'pending', attempts: 0, deliveredAt: null }, 'reset to pending');
  t.ok(secondsUntil(res.json().nextAttemptAt) <= 0, 'due now');
  await ctx.app.webhookWorker.runOnce();
  t.equal(rx.hits.length, 2, 'sent again');
  t.equal(rx.hits[1]!.headers['dateline-delivery'], String(d!.id));
  t.match((await deliveries(ctx, hook.id))[0], { status: 'delivered', attempts: 1 });

  const other = await createHook(ctx, 'https://b.example.com/hook');
  const unknown = [
    `/v1/webhooks/${hook.id}/deliveries/9999/redeliver`,
    `/v1/webhooks/${other.id}/deliveries/${d!.id}/redeliver`,
    `/v1/webhooks/9999/deliveries/${d!.id}/redeliver`,
  ];
  for (const bad of unknown) {
    t.equal((await ctx.app.inject({ method: 'POST', url: bad, headers: ctx.auth })).statusCode, 404, bad);
  }
});

t.test('timeouts, refused connections and redirects are recorded as errors', async (t) => {
  const ctx = await buildTestApp(t, webhookConfig({ timeoutMs: 150 }));
  const slow = await receiver(t, () => 'hang');
  const redirecting = await receiver(t, () => 302);
  const deadPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const hooks = [
    await createHook(ctx, slow.url),
    await createHook(ctx, redirecting.url),
    await createHook(ctx, `http://127.0.0.1:${deadPort}/hook`),
  ];
  await emit(ctx);
  const started = Date.now();
  await ctx.app.webhookWorker.runOnce();
  t.ok(Date.now() - started < 1500, 'the timeout cut the hanging send short');
  const [timedOut, redirected, refused] = await Promise.all(hooks.map(async (h) => (await deliveries(ctx, h.id))[0]));
  t.match(timedOut, { status: 'pending', attempts: 1, lastStatus: null, lastError: 'No answer within 150 ms' });
  t.match(redirected, { status: 'pending', attempts: 1, lastStatus: 302, lastError: /redirects are not followed/ });
  t.match(refused, { status: 'pending', attempts: 1, lastStatus: null, lastError: /ECONNREFUSED/ });
});

t.test('closing the app waits for sends in flight', async (t) => {
  const ctx = await buildTestApp(t, webhookConfig({ timeoutMs: 300 }));
  let arrived!: () => void;
  const hitArrived = new Promise<void>((resolve) => (arrived = resolve));
  const rx = await receiver(t, () => {
    arrived();
    return 'hang';
  });
  await createHook(ctx, rx.url);
  await emit(ctx);
  let finished = false;
  void ctx.app.webhookWorker.runOnce().then(() => (finished = true));
  await hitArrived;
  await ctx.app.close();
  t.ok(finished, 'the send finished (here: timed out) before close resolved');
  t.equal(await ctx.app.webhookWorker.runOnce(), 0, 'a closed worker sends nothing');
});

t.test('signatures', async (t) => {
  const body = '{"id":"e1","type":"article.published"}';
  const header = signatureHeader('whsec_abc', body, 1_700_000_000);
  t.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
  t.ok(verifySignature('whsec_abc', header, body, 300, 1_700_000_100));
  t.notOk(verifySignature('whsec_abc', header, `${body} `, 300, 1_700_000_100), 'a changed body fails');
  t.notOk(verifySignature('whsec_abd', header, body, 300, 1_700_000_100), 'another secret fails');
  t.notOk(verifySignature('whsec_abc', header, body, 300, 1_700_000_301), 'too old fails');
  t.notOk(verifySignature('whsec_abc', header, body, 300, 1_699_999_000), 'from the future fails');
  t.notOk(verifySignature('whsec_abc', 'v1=abc', body), 'malformed fails');
  t.notOk(verifySignature('whsec_abc', undefined, body));
  const rotated = `t=1700000000,v1=${'0'.repeat(64)},${header.split(',')[1]}`;
  t.ok(verifySignature('whsec_abc', rotated, body, 300, 1_700_000_000), 'any matching v1 is accepted');
});

t.test('secrets and signatures never reach the log', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const dir = mkdtempSync(join(tmpdir(), 'dateline-webhook-log-'));
  const config = { ...loadConfig({}), databaseFile: join(dir, 'test.db'), demoData: false };
  const app = await buildApp({
    config: { ...config, ...webhookConfig({}) },
    logger: { level: 'trace', stream },
  });
  t.teardown(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await app.ready();
  const token = (await createToken(app.db, { name: 'admin', role: 'admin' })).token;
  const rx = await receiver(t, (n) => (n === 1 ? 500 : 200));
  const res = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: { authorization: `Bearer ${token}` },
    payload: { url: rx.url, events: ['article.*'] },
  });
  const { secret } = res.json();
  await app.db.write(() => enqueueEvent(app.db, 'article.published', { id: 1 }, []));
  await app.webhookWorker.runOnce();
  await app.db.write(() => app.db.conn.update(app.db.tables.webhookDeliveries).set({ nextAttemptAt: nowIso() }));
  await app.webhookWorker.runOnce();
  t.equal(rx.hits.length, 2);
  const log = lines.join('');
  t.match(log, 'webhook delivery failed', 'failures are logged');
  t.notMatch(log, secret);
  t.notMatch(log, rx.hits[0]!.headers['dateline-signature'] as string);
  t.notMatch(log, 'v1=');
});

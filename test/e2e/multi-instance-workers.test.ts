import t, { type Test } from 'tap';
import type { Call } from '../../scripts/lib/http.js';
import { startReceiver, type Receiver } from '../../scripts/lib/receiver.js';
import { adminToken, clients, engine, errorLogs, eventually, instances, sharedDatabase, sleep } from '../helpers/instances.js';

// The background work of two real server processes on one database: both run the scheduler
// and the webhook worker, and still every scheduled article is announced once and every
// delivery is sent once, whichever instance gets to it.
t.setTimeout(120_000);
t.comment(`engine: ${engine}`);

const BODY = 'The minister said the new line would open next year, ahead of schedule. ';

// The two processes are shared by the tests (starting them is most of the cost); each test
// subscribes its own receiver and makes its own articles or authors.
const newsroom = (async () => {
  const db = await sharedDatabase(t);
  const servers = await instances(t, db.target, [{}, {}]);
  const [callA, callB] = clients(servers, adminToken(db)) as [Call, Call];
  const desk = await callA('POST', '/v1/bureaus', { name: 'Rail Desk', location: 'Porto' });
  const author = await callB('POST', '/v1/authors', { name: 'Rail Reporter', bureau: 'rail-desk' });
  if (desk.status !== 201 || author.status !== 201) throw new Error(`setup: ${desk.status} ${author.status}`);
  return { servers, callA, callB };
})();
// Each test awaits it (and fails if the setup did); this only keeps an early failure from
// counting as an unhandled rejection before the first test has started waiting.
newsroom.catch(() => undefined);

/** A receiver subscribed to `events` for the rest of the file. */
async function subscribe(t: Test, events: string[], receiverDelayMs = 0) {
  const { servers, callA, callB } = await newsroom;
  const receiver = await startReceiver(receiverDelayMs);
  t.teardown(() => receiver.close());
  const hook = await callA('POST', '/v1/webhooks', { url: receiver.url, events });
  t.equal(hook.status, 201, 'webhook created');
  receiver.secret = hook.json.secret as string;
  return { servers, callA, callB, receiver, hookId: hook.json.id as number };
}

/** Event id → times received, for ids received more than once. */
const repeats = (receiver: Receiver) => [...receiver.received].filter(([, n]) => n > 1);

t.test('a scheduled article goes live once, and its article.published is delivered once', async (t) => {
  const { servers, callA, callB, receiver } = await subscribe(t, ['article.published']);
  // Several articles fall due at the same instant, scheduled from either instance.
  const at = new Date(Date.now() + 3000).toISOString();
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) {
    const call = i % 2 ? callB : callA;
    const created = await call('POST', '/v1/articles', { headline: `Line opens ${i}`, body: BODY, bureau: 'rail-desk', authors: ['rail-reporter'] });
    const pub = await call('POST', `/v1/articles/${created.json.id as number}/publish`, { publishedAt: at }, { 'if-match': `"v${created.json.version as number}"` });
    t.equal(pub.status, 200, `article ${i} scheduled`);
    ids.push(created.json.id as number);
  }
  for (const s of servers) t.equal((await fetch(`${s.url}/v1/articles/${ids[0]}`)).status, 404, 'not public before its time');
  t.same(receiver.events, [], 'nothing announced early');

  const announced = () => ids.filter((id) => receiver.events.some((e) => (e.data as { id?: number }).id === id));
  t.ok(await eventually(() => announced().length === ids.length, 10_000), 'every article announced');
  // Both schedulers tick every second: give each two more chances to announce again.
  await sleep(2200);
  const perArticle = ids.map((id) => receiver.events.filter((e) => e.type === 'article.published' && (e.data as { id?: number }).id === id).length);
  t.same(perArticle, ids.map(() => 1), 'one article.published per article');
  t.same(repeats(receiver), [], 'no event delivered twice');
  t.equal(receiver.badSignatures, 0);
  for (const s of servers) {
    const res = await fetch(`${s.url}/v1/articles/${ids[0]}`);
    t.equal(res.status, 200, `public on ${s.url} once its time has come`);
  }
  t.same(errorLogs(servers), [], 'no instance logged an error');
});

t.test('webhook deliveries are sent once each, whichever instance claims them', async (t) => {
  // A slow receiver keeps sends in flight while the other instance polls for due rows.
  const { servers, callA, callB, receiver, hookId } = await subscribe(t, ['author.*'], 150);
  const authors = 40;
  await Promise.all(
    Array.from({ length: authors }, (_, i) => (i % 2 ? callB : callA)('POST', '/v1/authors', { name: `Stringer ${i}`, bureau: 'rail-desk' })),
  );
  const expected = authors;
  t.ok(await eventually(() => receiver.received.size >= expected, 30_000), `all ${expected} events arrived`);
  await sleep(1500);
  t.equal(receiver.received.size, expected, 'no unexpected events');
  t.same(repeats(receiver), [], 'no event delivered twice');
  t.equal(receiver.badSignatures, 0);
  const delivered = await callA('GET', `/v1/webhooks/${hookId}/deliveries?status=delivered&limit=100`);
  t.equal((delivered.json.data as unknown[]).length, expected, 'every delivery recorded as delivered');
  const attempts = (delivered.json.data as { attempts: number }[]).filter((d) => d.attempts !== 1);
  t.same(attempts, [], 'each with exactly one attempt');
  t.same(errorLogs(servers), [], 'no instance logged an error');
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { sendDelivery } from '../src/modules/webhooks/send.js';
import { createTargetAgent } from '../src/modules/webhooks/target-agent.js';
import { checkTargetUrl, refusedAddress, type Resolver } from '../src/modules/webhooks/url-policy.js';
import type { DueDelivery } from '../src/modules/webhooks/webhooks.repository.js';

// Where a webhook may connect: never to loopback or the private network, whatever form the
// address takes and whatever the name answers the second time it is asked.

async function loopbackReceiver(t: Test) {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume().on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((ok) => server.close(() => ok()));
  });
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

const delivery = (url: string) =>
  ({ id: 1, webhookId: 1, url, secret: 'whsec_test', eventType: 'article.published', payload: '{}', attempts: 0 }) as unknown as DueDelivery;

t.test('IPv6 forms that embed IPv4 or name special ranges are refused', async (t) => {
  const refused = [
    '::127.0.0.1', // IPv4-compatible, dotted
    '::7f00:1', // IPv4-compatible, hex
    '::a00:1', // IPv4-compatible 10.0.0.1
    '::808:808', // IPv4-compatible, even of a public address (deprecated form)
    '::ffff:127.0.0.1', // IPv4-mapped
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe', // mapped 169.254.169.254
    '::ffff:0:7f00:1', // IPv4-translated
    '::ffff:0:808:808',
    '64:ff9b::7f00:1', // NAT64
    '64:ff9b::808:808',
    '64:ff9b:1::1', // local-use NAT64
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2002:a00:1::1', // 6to4 of 10.0.0.1
    '2001::1', // Teredo
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '2001:db8::1', // documentation
    '100::1', // discard-only
    '127.0.0.1',
    '10.1.2.3',
    '100.64.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '192.168.1.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
  ];
  for (const address of refused) {
    t.ok(refusedAddress(address), `${address} is refused: ${refusedAddress(address)}`);
    const literal = address.includes(':') ? `[${address}]` : address;
    t.match(checkTargetUrl(`http://${literal}/hook`, { allowPrivateTargets: false, allowedHosts: [] }), { ok: false }, `http://${literal}/ is refused`);
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '2a00:1450:4001:80b::200e', '2002:808:808::1' /* 6to4 of 8.8.8.8 */, '::ffff:8.8.8.8' /* mapped public */]) {
    t.equal(refusedAddress(address), null, `${address} is allowed`);
  }
});

t.test('DNS rebinding: the connection goes to the address that was checked, looked up once', async (t) => {
  const rx = await loopbackReceiver(t);
  let calls = 0;
  // Public the first time it is asked, loopback every time after.
  const rebinding: Resolver = async () => (++calls === 1 ? ['93.184.216.34'] : ['127.0.0.1']);
  const policy = { allowPrivateTargets: false, allowedHosts: [] };
  const dispatcher = createTargetAgent(policy, rebinding, 1500);
  t.teardown(() => dispatcher.close());
  const result = await sendDelivery(delivery(`http://rebind.example:${rx.port}/hook`), { timeoutMs: 1500, policy, dispatcher });
  t.equal(rx.hits(), 0, 'nothing reached the loopback receiver');
  t.equal(calls, 1, 'the name was resolved once, for the connection itself');
  t.equal(result.ok, false);
  t.notMatch(JSON.stringify(result), /ENOTFOUND|Refused/, `it tried the checked public address (${JSON.stringify(result)})`);

  // The other order: a name that answers loopback at once never gets a connection at all.
  calls = 0;
  const direct = createTargetAgent(policy, async () => ['127.0.0.1'], 1500);
  t.teardown(() => direct.close());
  const refused = await sendDelivery(delivery(`http://evil.example:${rx.port}/hook`), { timeoutMs: 1500, policy, dispatcher: direct });
  t.match(refused, { ok: false, status: null, error: /^Refused: evil\.example resolves to 127\.0\.0\.1/ });
  t.equal(rx.hits(), 0);
  const mixed = createTargetAgent(policy, async () => ['93.184.216.34', '::ffff:7f00:1'], 1500);
  t.teardown(() => mixed.close());
  t.match(await sendDelivery(delivery(`http://mixed.example:${rx.port}/`), { timeoutMs: 1500, policy, dispatcher: mixed }), { ok: false, error: /^Refused: .*::ffff:7f00:1/ }, 'one bad address refuses the name');
});

t.test('the connection is made to the resolved, checked address (an allowed host on loopback)', async (t) => {
  const rx = await loopbackReceiver(t);
  const policy = { allowPrivateTargets: false, allowedHosts: ['hooks.internal'] };
  let calls = 0;
  const dispatcher = createTargetAgent(policy, async () => (calls++, ['127.0.0.1']), 1500);
  t.teardown(() => dispatcher.close());
  const result = await sendDelivery(delivery(`http://hooks.internal:${rx.port}/hook`), { timeoutMs: 1500, policy, dispatcher });
  t.same(result, { ok: true, status: 204 }, 'delivered through the pinned lookup');
  t.equal(rx.hits(), 1);
  t.equal(calls, 1);
});

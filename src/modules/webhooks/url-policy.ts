import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// A webhook makes this server send requests wherever an admin points it. Without a policy
// that is server-side request forgery: a hook on 169.254.169.254 or 10.0.0.5 would let a
// token holder probe the private network and read replies through the delivery log.

export type UrlPolicy = { allowPrivateTargets: boolean; allowedHosts: string[] };
export type PolicyResult = { ok: true } | { ok: false; reason: string };

// Loopback, private, link-local, unspecified, and their neighbours (shared NAT space,
// multicast, reserved) that no public receiver lives on. BlockList also matches
// IPv4-mapped IPv6 (::ffff:7f00:1) against the IPv4 rules.
const refused = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  refused.addSubnet(net, bits, 'ipv6');
}

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: the form hosts are compared in. */
const normalHost = (host: string) => host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return refused.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const trusted = (host: string, policy: UrlPolicy) =>
  policy.allowPrivateTargets || policy.allowedHosts.some((h) => normalHost(h) === host);

/**
 * What can be judged without the network: the scheme, credentials, literal addresses and
 * `localhost`. Run when a webhook is created and again before each delivery.
 */
export function checkTargetUrl(raw: string, policy: UrlPolicy): PolicyResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'Not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'Use an http or https URL' };
  // fetch refuses URLs with credentials; say so now rather than at every delivery.
  if (url.username || url.password) return { ok: false, reason: 'Credentials in the URL are not supported' };
  const host = normalHost(url.hostname);
  if (trusted(host, policy)) return { ok: true };
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return { ok: false, reason: 'localhost is not an allowed webhook target' };
  }
  if (isPrivateAddress(host)) {
    return { ok: false, reason: `${host} is a loopback, private, link-local or reserved address` };
  }
  return { ok: true };
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/**
 * Delivery-time check: a public-looking name may resolve to 127.0.0.1, so every address
 * it resolves to must be public too. fetch resolves again when it connects, so a name
 * whose records change within milliseconds (DNS rebinding) is not fully excluded; pinning
 * the address would need an undici dispatcher.
 */
export async function checkTargetResolves(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<PolicyResult> {
  const first = checkTargetUrl(raw, policy);
  if (!first.ok) return first;
  const host = normalHost(new URL(raw).hostname);
  if (isIP(host) !== 0 || trusted(host, policy)) return first;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    return { ok: false, reason: `Could not resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}` };
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} has no addresses` };
  const bad = addresses.find(isPrivateAddress);
  return bad ? { ok: false, reason: `${host} resolves to ${bad}, a private address` } : { ok: true };
}

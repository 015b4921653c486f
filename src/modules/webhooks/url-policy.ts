import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

// A webhook makes this server send requests wherever an admin points it. Without a policy
// that is server-side request forgery: a hook on 169.254.169.254 or 10.0.0.5 would let a
// token holder probe the private network and read replies through the delivery log.

export type UrlPolicy = { allowPrivateTargets: boolean; allowedHosts: string[] };
export type PolicyResult = { ok: true } | { ok: false; reason: string };

/** IPv6 text in Node's canonical form (`::127.0.0.1` → `::7f00:1`), without a zone id. */
const canonicalV6 = (address: string) => new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);

const IPV4_COMPATIBLE = ipaddr.IPv6.parse('::');

/**
 * Why an address is no webhook target, or null when it is a public unicast address.
 * ipaddr.js names the special ranges (loopback, private, link-local, carrier-grade NAT,
 * multicast, reserved, unique local, NAT64, Teredo, …); anything but `unicast` is refused.
 * IPv6 forms that carry an IPv4 address are judged by that address (mapped `::ffff:a.b.c.d`,
 * 6to4 `2002:AABB:CCDD::/48`) or refused outright where the route to it is not ours to
 * judge (NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, translated `::ffff:0:a.b.c.d`, Teredo
 * `2001::/32`, deprecated IPv4-compatible `::a.b.c.d`).
 */
export function refusedAddress(address: string): string | null {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 0) return null;
  let ip: ipaddr.IPv4 | ipaddr.IPv6 = family === 4 ? ipaddr.IPv4.parse(address) : ipaddr.IPv6.parse(canonicalV6(address));
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'ipv4Mapped') ip = v6.toIPv4Address();
    else if (range === '6to4') ip = new ipaddr.IPv4([v6.parts[1]! >> 8, v6.parts[1]! & 255, v6.parts[2]! >> 8, v6.parts[2]! & 255]);
    else if (range !== 'unicast') return `${address} is in a special IPv6 range (${range})`;
    else if (v6.match(IPV4_COMPATIBLE, 96)) return `${address} is an IPv4-compatible IPv6 address`;
    else return null;
  }
  const range = ip.range();
  return range === 'unicast' ? null : `${address} is a ${range} address${ip.toString() === address ? '' : ` (${ip.toString()})`}`;
}

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: the form hosts are compared in. */
const normalHost = (host: string) => host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

export const isPrivateAddress = (address: string): boolean => refusedAddress(address) !== null;

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
  const refused = refusedAddress(host);
  if (refused) return { ok: false, reason: `${refused}: loopback, private, link-local and reserved addresses are refused` };
  return { ok: true };
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/**
 * The addresses a delivery may connect to: every address the name resolves to, once, each
 * judged by the policy (all of them must pass). The sender connects only to these (see
 * target-agent.ts), so a name that answers differently a moment later (DNS rebinding) is
 * never looked up again for that connection.
 */
export async function checkedAddresses(host: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<string[]> {
  const name = normalHost(host);
  if (isIP(name) !== 0) {
    const refused = trusted(name, policy) ? null : refusedAddress(name);
    if (refused) throw new RefusedTarget(refused);
    return [name];
  }
  let addresses: string[];
  try {
    addresses = await resolve(name);
  } catch (err) {
    throw new RefusedTarget(`Could not resolve ${name}: ${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}`);
  }
  if (addresses.length === 0) throw new RefusedTarget(`${name} has no addresses`);
  if (!trusted(name, policy)) {
    for (const a of addresses) {
      const refused = refusedAddress(a);
      if (refused) throw new RefusedTarget(`${name} resolves to ${a}, a private or reserved address (${refused})`);
    }
  }
  return addresses;
}

/** A target the policy refuses, found while connecting. */
export class RefusedTarget extends Error {
  override name = 'RefusedTarget';
  readonly code = 'EREFUSEDTARGET';
}

/** The whole check for a URL: its literal form, then what its name resolves to. */
export async function checkTargetResolves(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<PolicyResult> {
  const first = checkTargetUrl(raw, policy);
  if (!first.ok) return first;
  try {
    await checkedAddresses(new URL(raw).hostname, policy, resolve);
    return first;
  } catch (err) {
    if (err instanceof RefusedTarget) return { ok: false, reason: err.message };
    throw err;
  }
}

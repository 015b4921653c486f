import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import { checkedAddresses, type Resolver, type UrlPolicy } from './url-policy.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The HTTP client's dispatcher for deliveries. Its connections resolve the target's name
 * through `checkedAddresses` — once, every address judged by the URL policy — and connect
 * to one of those addresses and nothing else. Checking a name and then letting the client
 * resolve it again would let a name that answers differently the second time (DNS
 * rebinding) reach loopback or the private network.
 */
export function createTargetAgent(policy: UrlPolicy, resolve?: Resolver, connectTimeoutMs = 10_000): Agent {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    checkedAddresses(hostname, policy, resolve).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => isIP(a) === options.family) : addresses;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '');
        if (options.all) return callback(null, wanted.map((address) => ({ address, family: isIP(address) })));
        callback(null, wanted[0]!, isIP(wanted[0]!));
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
  return new Agent({ connect: { lookup, timeout: connectTimeoutMs } });
}

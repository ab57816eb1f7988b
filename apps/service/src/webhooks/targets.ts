/**
 * Callback targets are checked twice: the URL when a job is created (scheme, credentials, literal
 * addresses), and every resolved address when a delivery connects, so DNS cannot point a
 * callback at an internal service after the check.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

export interface TargetPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, bits, 'ipv6');
}

/** Why an address may not be called, or undefined when it may. */
export function refuseAddress(address: string, policy: TargetPolicy): string | undefined {
  let ip = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const family = isIP(ip);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(ip, type)) return policy.allowLoopback ? undefined : `${address} is a loopback address`;
  if (internal.check(ip, type))
    return policy.allowPrivate ? undefined : `${address} is a private, link-local or reserved address`;
  return undefined;
}

/** Check a callback URL as given; a message naming the problem, or undefined when it is acceptable. */
export function checkCallbackUrl(raw: unknown, policy: TargetPolicy): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return 'callback_url must be a URL string';
  if (raw.length > 2048) return 'callback_url is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `callback_url ${JSON.stringify(raw.slice(0, 100))} is not a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `callback_url must use http or https (got ${url.protocol.replace(':', '')})`;
  if (url.username || url.password) return 'callback_url must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return policy.allowLoopback
      ? undefined
      : `callback_url host ${host} is a loopback address; callbacks to loopback are not allowed`;
  }
  if (isIP(host)) {
    const why = refuseAddress(host, policy);
    if (why) return `callback_url host ${why}; callbacks there are not allowed`;
  }
  return undefined;
}

/** A `lookup` for http.request that refuses forbidden addresses at connect time. */
export function guardedLookup(policy: TargetPolicy) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const why = refuseAddress(a.address, policy);
        if (why) {
          const refused = Object.assign(
            new Error(`callback target refused: ${hostname} resolves to ${why}`),
            { code: 'ETARGETREFUSED' },
          );
          return callback(refused, '', 0);
        }
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

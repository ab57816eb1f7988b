/**
 * Where callbacks may go. One check serves both moments: when a job is created (so a bad
 * `callback_url` is a 400) and when a delivery connects (so DNS cannot move a callback to an
 * internal address after the first check). Both resolve the host and check every address it has,
 * an IP literal included; the delivery then connects to the addresses it checked, nothing else.
 *
 * Refused, always: link-local and cloud metadata addresses (169.254.0.0/16 with 169.254.169.254,
 * 168.63.129.16, 100.100.100.200, fe80::/10, fd00:ec2::254), unspecified, multicast, broadcast
 * and documentation ranges. Refused unless allowed: loopback (WEBHOOK_ALLOW_LOOPBACK) and private
 * ranges (WEBHOOK_ALLOW_PRIVATE). IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d,
 * IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16)
 * are judged by the IPv4 address inside; local NAT64 (64:ff9b:1::/48) and Teredo are private.
 * Host names lose their trailing dots before any check. Redirects are never followed.
 */
import { isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export interface TargetPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** How a host name becomes addresses (the system resolver unless a test gives another). */
export type Resolve = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

type Kind = 'loopback' | 'private' | 'forbidden';

interface Range {
  bytes: number[];
  bits: number;
  kind: Kind;
  what: string;
}

function v4(cidr: string, kind: Kind, what: string): Range {
  const [ip, bits] = cidr.split('/');
  return { bytes: ip!.split('.').map(Number), bits: Number(bits), kind, what };
}

function v6(cidr: string, kind: Kind, what: string): Range {
  const [ip, bits] = cidr.split('/');
  return { bytes: [...ipv6Bytes(ip!)!], bits: Number(bits), kind, what };
}

// Most specific first: the first range that holds an address decides.
const V4_RANGES: Range[] = [
  v4('169.254.169.254/32', 'forbidden', 'a cloud metadata address'),
  v4('168.63.129.16/32', 'forbidden', "Azure's platform address (metadata and DNS)"),
  v4('100.100.100.200/32', 'forbidden', 'a cloud metadata address'),
  v4('169.254.0.0/16', 'forbidden', 'a link-local address'),
  v4('127.0.0.0/8', 'loopback', 'a loopback address'),
  v4('0.0.0.0/8', 'forbidden', 'an unspecified ("this network") address'),
  v4('10.0.0.0/8', 'private', 'a private address'),
  v4('100.64.0.0/10', 'private', 'a shared (carrier-grade NAT) address'),
  v4('172.16.0.0/12', 'private', 'a private address'),
  v4('192.0.0.0/24', 'private', 'an IETF protocol address'),
  v4('192.0.2.0/24', 'forbidden', 'a documentation address'),
  v4('192.88.99.0/24', 'forbidden', 'a 6to4 relay address'),
  v4('192.168.0.0/16', 'private', 'a private address'),
  v4('198.18.0.0/15', 'private', 'a benchmarking address'),
  v4('198.51.100.0/24', 'forbidden', 'a documentation address'),
  v4('203.0.113.0/24', 'forbidden', 'a documentation address'),
  v4('224.0.0.0/4', 'forbidden', 'a multicast address'),
  v4('240.0.0.0/4', 'forbidden', 'a reserved address'),
];

const V6_RANGES: Range[] = [
  v6('::1/128', 'loopback', 'a loopback address'),
  v6('::/128', 'forbidden', 'the unspecified address'),
  v6('fd00:ec2::254/128', 'forbidden', 'a cloud metadata address'),
  v6('fe80::/10', 'forbidden', 'a link-local address'),
  v6('fc00::/7', 'private', 'a unique local (private) address'),
  v6('ff00::/8', 'forbidden', 'a multicast address'),
  v6('2001:db8::/32', 'forbidden', 'a documentation address'),
  v6('64:ff9b:1::/48', 'private', 'a local-use NAT64 address'),
  v6('2001::/32', 'private', 'a Teredo tunnel address'),
];

function inRange(bytes: Uint8Array, range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (range.bytes[i]! & mask)) return false;
  }
  return true;
}

/** The 16 bytes of an IPv6 address (with or without an embedded dotted IPv4), or undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  let ip = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(ip) !== 6) return undefined;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number);
    ip = `${ip.slice(0, -tail[1]!.length)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, rest] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g || '0', 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

/** The IPv4 address an IPv6 address carries, where its prefix says it carries one. */
function embeddedV4(b: Uint8Array): string | undefined {
  const zero = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  const last = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return last; // mapped ::ffff:0:0/96
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return last; // translated ::ffff:0:0:0/96
  if (zero(0, 12)) return last; // compatible ::/96 (:: and ::1 are judged before)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return last; // NAT64
  if (b[0] === 0x20 && b[1] === 0x02) return `${b[2]}.${b[3]}.${b[4]}.${b[5]}`; // 6to4
  return undefined;
}

/** Why an address may not be called, or undefined when it may. */
export function refuseAddress(address: string, policy: TargetPolicy): string | undefined {
  const ip = address.replace(/^\[|\]$/g, '');
  let range: Range | undefined;
  if (isIP(ip) === 4) {
    const bytes = Uint8Array.from(ip.split('.').map(Number));
    range = V4_RANGES.find((r) => inRange(bytes, r));
  } else {
    const bytes = ipv6Bytes(ip);
    if (!bytes) return `${address} is not an IP address`;
    range = V6_RANGES.find((r) => inRange(bytes, r));
    if (!range) {
      const inner = embeddedV4(bytes);
      const why = inner === undefined ? undefined : refuseAddress(inner, policy);
      return why && `${address} carries the IPv4 address ${why}`;
    }
  }
  if (!range) return undefined;
  if (range.kind === 'loopback' && policy.allowLoopback) return undefined;
  if (range.kind === 'private' && policy.allowPrivate) return undefined;
  return `${ip} is ${range.what}`;
}

export type TargetCheck =
  | { ok: true; url: URL; addresses: ResolvedAddress[] }
  | { ok: false; reason: string; code: 'invalid' | 'refused' | 'unresolved' };

/**
 * Check a callback URL: its form, then every address its host has (resolved now). `unresolved`
 * means the name could not be resolved at this moment (the caller decides what that means).
 */
export async function checkTarget(
  raw: unknown,
  policy: TargetPolicy,
  resolve: Resolve = systemResolve,
): Promise<TargetCheck> {
  const invalid = (reason: string): TargetCheck => ({ ok: false, reason, code: 'invalid' });
  if (typeof raw !== 'string' || raw.length === 0) return invalid('callback_url must be a URL string');
  if (raw.length > 2048) return invalid('callback_url is longer than 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid(`callback_url ${JSON.stringify(raw.slice(0, 100))} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return invalid(`callback_url must use http or https (got ${url.protocol.replace(':', '')})`);
  if (url.username || url.password) return invalid('callback_url must not carry credentials');
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (host === '') return invalid('callback_url has no host');
  const refused = (why: string): TargetCheck => ({
    ok: false,
    reason: `callback_url host ${url.hostname}: ${why}; callbacks there are not allowed`,
    code: 'refused',
  });
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowLoopback)
    return refused(`${host} is a loopback name`);
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (e) {
      return {
        ok: false,
        reason: `callback_url host ${host} cannot be resolved (${(e as { code?: string }).code ?? (e as Error).message})`,
        code: 'unresolved',
      };
    }
    if (addresses.length === 0)
      return { ok: false, reason: `callback_url host ${host} has no addresses`, code: 'unresolved' };
  }
  for (const a of addresses) {
    const why = refuseAddress(a.address, policy);
    if (why) return refused(isIP(host) ? why : `${host} resolves to ${why}`);
  }
  return { ok: true, url, addresses };
}

// Which IP addresses web_fetch must not reach: anything that is not the public internet.
// Addresses are compared as integers (IPv4 as 32 bits, IPv6 as 128), so every textual form
// of an address (compressed, expanded, with an embedded dotted quad) lands on one number.
import { isIP } from 'node:net';

/** Why an address is refused: the range it falls in and what that range is. */
export interface BlockedRange {
  range: string;
  reason: string;
}

interface Range extends BlockedRange {
  base: bigint;
  bits: number;
}

const v4Ranges = ranges(4, [
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private network'],
  ['100.64.0.0/10', 'carrier-grade NAT (shared address space)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (where cloud metadata services live)'],
  ['172.16.0.0/12', 'private network'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'],
  ['192.168.0.0/16', 'private network'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (and broadcast)'],
]);

const v6Ranges = ranges(6, [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/32', 'Teredo tunnel (hides the IPv4 address it reaches)'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique-local (private network)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated private network)'],
  ['ff00::/8', 'multicast'],
]);

/**
 * IPv6 ranges that carry an IPv4 address, which is what is really reached: `shift` is where
 * the 32 bits sit. ::ffff:10.0.0.1 is 10.0.0.1 to the kernel, so it is judged as 10.0.0.1.
 */
const embeddingRanges = [
  { ...range(6, '::ffff:0:0/96', 'IPv4-mapped'), shift: 0n },
  { ...range(6, '::/96', 'IPv4-compatible'), shift: 0n },
  { ...range(6, '64:ff9b::/96', 'NAT64'), shift: 0n },
  { ...range(6, '2002::/16', '6to4'), shift: 80n },
];

function ranges(version: 4 | 6, table: [string, string][]): Range[] {
  return table.map(([cidr, reason]) => range(version, cidr, reason));
}

function range(version: 4 | 6, cidr: string, reason: string): Range {
  const [address = '', bits = ''] = cidr.split('/');
  const value = version === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  return { range: cidr, reason, base: value, bits: Number(bits) };
}

function contains(entry: Range, value: bigint, width: number): boolean {
  const shift = BigInt(width - entry.bits);
  return value >> shift === entry.base >> shift;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Parse a valid IPv6 address (as net.isIP accepts it) into its 128-bit value. */
function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const v4 = ipv4ToBigInt(dotted);
    text = `${text.slice(0, -dotted.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

/** The address without brackets or an IPv6 zone (`fe80::1%eth0`), lower-cased. */
function bareAddress(address: string): string {
  return address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
}

/** A comparable key for an IP address (equal for every spelling of it), or undefined. */
export function addressKey(address: string): string | undefined {
  const bare = bareAddress(address);
  switch (isIP(bare)) {
    case 4:
      return `4:${ipv4ToBigInt(bare)}`;
    case 6:
      return `6:${ipv6ToBigInt(bare)}`;
    default:
      return undefined;
  }
}

function classifyV4(value: bigint): BlockedRange | undefined {
  const hit = v4Ranges.find((entry) => contains(entry, value, 32));
  return hit && { range: hit.range, reason: hit.reason };
}

/**
 * The reserved range an IP address falls in, or undefined when it is a public unicast address.
 * Throws on a string that is not an IP address: callers classify resolved addresses only.
 */
export function classifyAddress(address: string): BlockedRange | undefined {
  const bare = bareAddress(address);
  const version = isIP(bare);
  if (version === 4) return classifyV4(ipv4ToBigInt(bare));
  if (version !== 6) throw new Error(`not an IP address: ${address}`);
  const value = ipv6ToBigInt(bare);
  const direct = v6Ranges.find((entry) => contains(entry, value, 128));
  if (direct) return { range: direct.range, reason: direct.reason };
  const embedding = embeddingRanges.find((entry) => contains(entry, value, 128));
  if (!embedding) return undefined;
  const v4 = (value >> embedding.shift) & 0xffffffffn;
  const inner = classifyV4(v4);
  return (
    inner && {
      range: `${embedding.range} (${bigIntToIpv4(v4)} in ${inner.range})`,
      reason: `${embedding.reason} form of a ${inner.reason} address`,
    }
  );
}

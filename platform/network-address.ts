import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * What an IP address or host name points at, for outbound requests a client
 * chooses the target of (webhook endpoints, SPEC §10 "No door to the inside").
 * Pure: no lookups here; webhooks/target.ts resolves names and asks.
 */

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'carrier_grade_nat'
  | 'multicast'
  | 'unspecified'
  | 'cloud_metadata'
  | 'reserved';

type Range = readonly [network: string, prefix: number];

/** First match wins: the metadata addresses sit inside link-local, CGNAT and private ranges and are named for what they are. */
const RANGES: readonly (readonly [Exclude<AddressKind, 'public'>, 'ipv4' | 'ipv6', readonly Range[]])[] = [
  // AWS, GCP, Azure, Huawei, OpenStack; AWS ECS task metadata; Alibaba Cloud; Oracle Cloud Classic; AWS over IPv6.
  ['cloud_metadata', 'ipv4', [['169.254.169.254', 32], ['169.254.170.2', 32], ['169.254.0.23', 32], ['100.100.100.200', 32], ['192.0.0.192', 32]]],
  ['cloud_metadata', 'ipv6', [['fd00:ec2::254', 128]]],
  ['unspecified', 'ipv4', [['0.0.0.0', 8]]],
  ['unspecified', 'ipv6', [['::', 128]]],
  ['loopback', 'ipv4', [['127.0.0.0', 8]]],
  ['loopback', 'ipv6', [['::1', 128]]],
  ['private', 'ipv4', [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]]],
  // Unique local, the deprecated site-local, and local-use NAT64 (it translates to the operator's own IPv4 space).
  ['private', 'ipv6', [['fc00::', 7], ['fec0::', 10], ['64:ff9b:1::', 48]]],
  ['link_local', 'ipv4', [['169.254.0.0', 16]]],
  ['link_local', 'ipv6', [['fe80::', 10]]],
  ['carrier_grade_nat', 'ipv4', [['100.64.0.0', 10]]],
  ['multicast', 'ipv4', [['224.0.0.0', 4]]],
  ['multicast', 'ipv6', [['ff00::', 8]]],
  // IETF protocol assignments, benchmarking, documentation, the 6to4 relay, class E and broadcast: never a client's server.
  ['reserved', 'ipv4', [['192.0.0.0', 24], ['198.18.0.0', 15], ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24], ['192.88.99.0', 24], ['240.0.0.0', 4]]],
  ['reserved', 'ipv6', [['100::', 64], ['2001::', 23], ['2001:db8::', 32]]],
];

const LISTS = RANGES.map(([kind, family, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
  return [kind, family, list] as const;
});

/** The IPv6 prefixes whose low 32 bits (6to4: bits 16-47) are an IPv4 address that is the real destination. */
const EMBEDDING: readonly (readonly [Range, (groups: number[]) => [number, number]])[] = [
  [['::ffff:0:0', 96], (g) => [g[6]!, g[7]!]], // IPv4-mapped
  [['::ffff:0:0:0', 96], (g) => [g[6]!, g[7]!]], // IPv4-translated (SIIT)
  [['64:ff9b::', 96], (g) => [g[6]!, g[7]!]], // NAT64, well-known prefix
  [['::', 96], (g) => [g[6]!, g[7]!]], // IPv4-compatible (deprecated)
  [['2002::', 16], (g) => [g[1]!, g[2]!]], // 6to4
];
const EMBEDDINGS = EMBEDDING.map(([[network, prefix], extract]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, 'ipv6');
  return [list, extract] as const;
});

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad included). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (quad) {
    const [a, b, c, d] = quad.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -quad.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  const after = parse(tail);
  return tail === undefined ? before : [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

function embeddedIPv4(address: string): string | undefined {
  const embedding = EMBEDDINGS.find(([list]) => list.check(address, 'ipv6'));
  if (!embedding) return undefined;
  const [high, low] = embedding[1](ipv6Groups(address));
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The kind of an IP address (IPv4, IPv6, IPv4 inside IPv6); throws on a string that is not one. */
export function addressKind(address: string): AddressKind {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIP(bare) === 0) throw new Error('not an IP address');
  const family = isIPv4(bare) ? 'ipv4' : 'ipv6';
  const listed = LISTS.find(([, listFamily, list]) => listFamily === family && list.check(bare, family));
  if (listed) return listed[0];
  // `::`, `::1` and the mapped private ranges matched above; what is left may still carry an IPv4 destination.
  const inner = family === 'ipv6' ? embeddedIPv4(bare) : undefined;
  return inner ? addressKind(inner) : 'public';
}

/** Host names of cloud instance metadata services (GCP, AWS, Tencent Cloud): they answer wherever they resolve. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com']);

/** A host name's kind before any lookup, or null when only resolving it tells. */
export function hostNameKind(name: string): AddressKind | null {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'cloud_metadata';
  // RFC 6761: every name under localhost is loopback; ICANN keeps .internal for private networks.
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (host.endsWith('.internal')) return 'private';
  return null;
}

const DESCRIPTION: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback address (refused in production)',
  private: 'a private address',
  link_local: 'a link-local address',
  carrier_grade_nat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  cloud_metadata: 'a cloud metadata address',
  reserved: 'a reserved address',
};

export interface TargetRule {
  /** Loopback targets: outside production only (the e2e tests deliver to 127.0.0.1). */
  allowLoopback: boolean;
}

/** Why a target of this kind is refused (a phrase: "a private address"), or null when it may be reached. */
export function refusalOf(kind: AddressKind, rule: TargetRule): string | null {
  if (kind === 'public' || (kind === 'loopback' && rule.allowLoopback)) return null;
  return DESCRIPTION[kind];
}

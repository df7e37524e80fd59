// What kind of IP address this is, as far as connecting to it from our servers goes. Only a
// globally routable unicast address is "public"; everything else names a part of a network an
// outside party must not be able to point us at (our own host, the VPC, the cloud metadata
// service, multicast groups, translation prefixes that lead back into private IPv4 space).
import { BlockList, isIP } from 'node:net';

export type RefusedAddressKind =
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'translated'
  | 'invalid';

export type AddressKind = 'public' | RefusedAddressKind;

type Family = 'ipv4' | 'ipv6';
type Range = readonly [network: string, prefix: number, family: Family];

/** Checked in this order; the first list that matches names the kind. */
const ranges: ReadonlyArray<readonly [RefusedAddressKind, readonly Range[]]> = [
  ['unspecified', [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]],
  ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
  ['private', [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4']]],
  ['carrier-grade-nat', [['100.64.0.0', 10, 'ipv4']]],
  ['link-local', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
  ['unique-local', [['fc00::', 7, 'ipv6']]],
  ['multicast', [['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']]],
  [
    'reserved',
    [
      ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
      ['192.0.2.0', 24, 'ipv4'], // documentation
      ['198.18.0.0', 15, 'ipv4'], // benchmarking
      ['198.51.100.0', 24, 'ipv4'], // documentation
      ['203.0.113.0', 24, 'ipv4'], // documentation
      ['240.0.0.0', 4, 'ipv4'], // future use, and 255.255.255.255 broadcast
      ['::', 96, 'ipv6'], // IPv4-compatible (deprecated)
      ['100::', 64, 'ipv6'], // discard
      ['2001:db8::', 32, 'ipv6'], // documentation
      ['fec0::', 10, 'ipv6'], // site-local (deprecated)
    ],
  ],
  [
    // Prefixes whose packets are translated or tunnelled to an IPv4 address we cannot see here.
    'translated',
    [
      ['64:ff9b::', 96, 'ipv6'], // NAT64
      ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64
      ['2001::', 32, 'ipv6'], // Teredo
      ['2002::', 16, 'ipv6'], // 6to4
      ['192.88.99.0', 24, 'ipv4'], // 6to4 relay anycast
    ],
  ],
];

// node's BlockList also matches an IPv4-mapped IPv6 address (::ffff:127.0.0.1, ::ffff:7f00:1)
// against the IPv4 rules, so those cannot slip past as "IPv6".
const lists: ReadonlyArray<readonly [RefusedAddressKind, BlockList]> = ranges.map(([kind, entries]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return [kind, list] as const;
});

/** The kind of a literal IP address (brackets around IPv6 allowed); 'invalid' for anything else. */
export function classifyAddress(address: string): AddressKind {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // A zone id (fe80::1%eth0) only ever qualifies a link-local address.
  if (bare.includes('%')) return isIP(bare.slice(0, bare.indexOf('%'))) === 6 ? 'link-local' : 'invalid';
  const version = isIP(bare);
  if (version === 0) return 'invalid';
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of lists) {
    if (list.check(bare, family)) return kind;
  }
  return 'public';
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

import { describe, expect, it } from 'vitest';
import { addressKind, hostNameKind, refusalOf, type AddressKind } from '../../platform/network-address';

/** SPEC §10 "No door to the inside": what an address is, whatever way it is written. */
describe('addressKind', () => {
  it.each<[string, AddressKind]>([
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.168.1.1', 'private'],
    ['192.169.0.1', 'public'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['64:ff9b:1::a00:1', 'private'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['100.128.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'cloud_metadata'],
    ['169.254.170.2', 'cloud_metadata'],
    ['100.100.100.200', 'cloud_metadata'],
    ['fd00:ec2::254', 'cloud_metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it.each<[string, string, AddressKind]>([
    ['IPv4-mapped, dotted', '::ffff:10.0.0.1', 'private'],
    ['IPv4-mapped, hex', '::ffff:a00:1', 'private'],
    ['IPv4-mapped, written out', '0:0:0:0:0:ffff:a9fe:a9fe', 'cloud_metadata'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1', 'loopback'],
    ['IPv4-mapped public', '::ffff:93.184.216.34', 'public'],
    ['IPv4-translated (SIIT)', '::ffff:0:a9fe:a9fe', 'cloud_metadata'],
    ['NAT64 well-known prefix', '64:ff9b::a9fe:a9fe', 'cloud_metadata'],
    ['NAT64 of a public address', '64:ff9b::5db8:d822', 'public'],
    ['IPv4-compatible (deprecated)', '::10.0.0.1', 'private'],
    ['6to4', '2002:a00:1::1', 'private'],
    ['6to4 of the metadata address', '2002:a9fe:a9fe::', 'cloud_metadata'],
    ['in brackets, as a URL writes it', '[::ffff:a00:1]', 'private'],
  ])('an IPv4 address inside IPv6 is what it denotes: %s (%s) is %s', (_why, address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it.each(['localhost', '10.0.0', '1.2.3.999', '', 'fe80::1::2'])('refuses %j: not an IP address', (text) => {
    expect(() => addressKind(text)).toThrow(/not an IP address/);
  });
});

describe('hostNameKind', () => {
  it.each<[string, AddressKind | null]>([
    ['metadata.google.internal', 'cloud_metadata'],
    ['METADATA.Google.Internal.', 'cloud_metadata'],
    ['metadata', 'cloud_metadata'],
    ['metadata.goog', 'cloud_metadata'],
    ['instance-data', 'cloud_metadata'],
    ['instance-data.ec2.internal', 'cloud_metadata'],
    ['metadata.tencentyun.com', 'cloud_metadata'],
    ['localhost', 'loopback'],
    ['hooks.localhost', 'loopback'],
    ['db.corp.internal', 'private'],
    ['hooks.example.com', null],
    ['metadata.example.com', null],
    ['notlocalhost', null],
  ])('%s → %s', (name, kind) => {
    expect(hostNameKind(name)).toBe(kind);
  });
});

describe('refusalOf', () => {
  it.each<[AddressKind, boolean, string | null]>([
    ['public', false, null],
    ['loopback', true, null],
    ['loopback', false, 'a loopback address (refused in production)'],
    ['private', true, 'a private address'],
    ['link_local', true, 'a link-local address'],
    ['carrier_grade_nat', true, 'a carrier-grade NAT address'],
    ['multicast', true, 'a multicast address'],
    ['unspecified', true, 'an unspecified address'],
    ['cloud_metadata', true, 'a cloud metadata address'],
    ['reserved', true, 'a reserved address'],
  ])('%s with loopback allowed=%s → %j', (kind, allowLoopback, refusal) => {
    expect(refusalOf(kind, { allowLoopback })).toBe(refusal);
  });
});

// Hand-made vectors. The expected bytes were computed independently of the codec by
// hand-vectors.py (python3 test/unit/codec/hand-vectors.py), checksums included.
// tcpdump 4.99.3 -vv, which verifies VRRP checksums (pseudo-header for v3), dissects the
// good vectors to the same fields with no "bad vrrp cksum".
import { describe, expect, it } from 'vitest';

import {
  CodecError,
  decodeIpv4Packet,
  decodeIpv6Payload,
  decodeVrrpMessage,
  encodeIpv4Packet,
  encodeVrrpMessage,
  InvalidAdvertError,
  InvalidIpAddressError,
  REJECT_REASONS,
  v2AuthDataFromPassword,
} from '../../../src/agent/vrrp/codec/index.js';
import type {
  DecodeResult,
  RejectReason,
  VrrpAdvert,
  VrrpAdvertV2,
  VrrpAdvertV3,
} from '../../../src/agent/vrrp/codec/index.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// Output of hand-vectors.py.
const V = {
  v2AuthMessage: '21339601010100b70a6300647365637265740000',
  v2AuthPacket: '45c0002800010000ff70d02e0a630001e000001221339601010100b70a6300647365637265740000',
  v3Ipv6Message: '3133640200643fdd20010db8000000000000000000000010fe800000000000000000000000000010',
  v3UnicastMessage: '312ac80200fafd3dc000020ac000020b',
  v3UnicastPacket: '45c0002412344000ff70e471c0000201c0000202312ac80200fafd3dc000020ac000020b',
  v3WithIpOptions:
    '46c0002800000000ff70a19dc0000201c000020294040000312ac80200fafd3dc000020ac000020b',
  truncated: '45c0002000000000ff70d0370a630001e000001231339601006442ad0a6300',
  truncatedMessage: '31339601006442',
  badIpVersion: '65c0002000000000ff70b0370a630001e000001231339601006442ad0a630064',
  badIhl: '44c0002000000000ff70d1370a630001e000001231339601006442ad0a630064',
  badIpHeaderChecksum: '45c0002000000000ff7012340a630001e000001231339601006442ad0a630064',
  notVrrp: '45c0002000000000ff11d0960a630001e000001231339601006442ad0a630064',
  ttl64: '45c000200000000040708f380a630001e000001231339601006442ad0a630064',
  badVersion: '45c0002000000000ff70d0370a630001e000001241339601006432ad0a630064',
  badType: '45c0002000000000ff70d0370a630001e000001232339601006441ad0a630064',
  badVrid: '45c0002000000000ff70d0370a630001e000001231009601006442e00a630064',
  countZero: '45c0001c00000000ff70d03b0a630001e00000123133960000644d79',
  countMismatch: '45c0002000000000ff70d0370a630001e000001231339602006442ac0a630064',
  trailingBytes: '45c0002400000000ff70d0330a630001e000001231339601006442a90a63006400000000',
  badChecksum: '45c0002000000000ff70d0370a630001e0000012313396010064beef0a630064',
  intervalZeroV3: '45c0002000000000ff70d0370a630001e000001231339601000043110a630064',
  intervalZeroV2:
    '45c0002800000000ff70d02f0a630001e00000122133960100003e040a6300640000000000000000',
  authAh: '45c0002800000000ff70d02f0a630001e00000122133960102013c030a6300640000000000000000',
  authType3: '45c0002800000000ff70d02f0a630001e00000122133960103013b030a6300640000000000000000',
  v2OverIpv6: '2133960100013e030a6300640000000000000000',
};

const v3Ipv6: VrrpAdvertV3 = {
  version: 3,
  family: 'ipv6',
  vrid: 51,
  priority: 100,
  maxAdvertIntervalCs: 100,
  addresses: ['2001:db8::10', 'fe80::10'],
};
const v2Auth: VrrpAdvertV2 = {
  version: 2,
  family: 'ipv4',
  vrid: 51,
  priority: 150,
  advertIntervalSec: 1,
  authType: 1,
  authData: v2AuthDataFromPassword('secret'),
  addresses: ['10.99.0.100'],
};
const v3Unicast: VrrpAdvertV3 = {
  version: 3,
  family: 'ipv4',
  vrid: 42,
  priority: 200,
  maxAdvertIntervalCs: 250,
  addresses: ['192.0.2.10', '192.0.2.11'],
};

describe('hand-made vectors', () => {
  it('v3 over IPv6: fe80::1 -> ff02::12, two addresses, priority 100, 100 cs', () => {
    const ip = { src: 'fe80::1', dst: 'ff02::12' };
    expect(encodeVrrpMessage(v3Ipv6, ip).toString('hex')).toBe(V.v3Ipv6Message);
    const got = decodeIpv6Payload(hex(V.v3Ipv6Message), { ...ip, hopLimit: 255 });
    expect(got).toEqual({
      ok: true,
      value: { advert: v3Ipv6, ...ip, ttl: 255, checksum: 0x3fdd },
    });
    expect(decodeVrrpMessage(hex(V.v3Ipv6Message), { family: 'ipv6', ...ip })).toEqual({
      ok: true,
      value: { advert: v3Ipv6, checksum: 0x3fdd },
    });
  });

  it('v3 over IPv6 accepts endpoints in any spelling, with a zone, and reports them canonical', () => {
    const got = decodeIpv6Payload(hex(V.v3Ipv6Message), {
      src: 'FE80:0::1%eth0',
      dst: 'ff02:0:0:0:0:0:0:12',
      hopLimit: 255,
    });
    expect(got.ok && [got.value.src, got.value.dst]).toEqual(['fe80::1', 'ff02::12']);
  });

  it('v2 with auth type 1, password "secret"', () => {
    const ip = { src: '10.99.0.1', dst: '224.0.0.18' };
    expect(encodeVrrpMessage(v2Auth, ip).toString('hex')).toBe(V.v2AuthMessage);
    expect(encodeIpv4Packet(v2Auth, ip, { id: 1 }).toString('hex')).toBe(V.v2AuthPacket);
    expect(decodeIpv4Packet(hex(V.v2AuthPacket))).toEqual({
      ok: true,
      value: { advert: v2Auth, ...ip, ttl: 255, checksum: 0x00b7 },
    });
  });

  it('v3 over IPv4 unicast, DF set', () => {
    const ip = { src: '192.0.2.1', dst: '192.0.2.2' };
    expect(encodeVrrpMessage(v3Unicast, ip).toString('hex')).toBe(V.v3UnicastMessage);
    const packet = encodeIpv4Packet(v3Unicast, ip, { id: 0x1234, dontFragment: true });
    expect(packet.toString('hex')).toBe(V.v3UnicastPacket);
    expect(decodeIpv4Packet(hex(V.v3UnicastPacket))).toEqual({
      ok: true,
      value: { advert: v3Unicast, ...ip, ttl: 255, checksum: 0xfd3d },
    });
  });

  it('an IPv4 header with options (IHL 6): the VRRP message starts after them', () => {
    expect(decodeIpv4Packet(hex(V.v3WithIpOptions))).toEqual({
      ok: true,
      value: { advert: v3Unicast, src: '192.0.2.1', dst: '192.0.2.2', ttl: 255, checksum: 0xfd3d },
    });
  });

  it('decoded auth data does not alias the receive buffer', () => {
    const packet = hex(V.v2AuthPacket);
    const got = decodeIpv4Packet(packet);
    packet.fill(0);
    expect(got.ok && got.value.advert.version === 2 && got.value.advert.authData.toString()).toBe(
      'secret\0\0',
    );
  });
});

describe('v2AuthDataFromPassword (keepalived auth_pass)', () => {
  it.each([
    ['secret', '7365637265740000'],
    ['', '0000000000000000'],
    ['12345678', '3132333435363738'],
    ['longpassword', '6c6f6e6770617373'], // keepalived truncates to 8 bytes
    ['pässwörd', '70c3a4737377c3b6'], // bytes, as strlen/memcpy see UTF-8
  ])('%j -> %s', (pass, expected) => {
    expect(v2AuthDataFromPassword(pass).toString('hex')).toBe(expected);
  });
});

// One case per RejectReason (some reasons have several).
const ipv6 = { src: 'fe80::1', dst: 'ff02::12' };
const rejects: [string, RejectReason, () => DecodeResult<unknown>][] = [
  [
    'IPv4 packet shorter than its total length',
    'truncated',
    () => decodeIpv4Packet(hex(V.truncated)),
  ],
  ['19-byte IPv4 packet', 'truncated', () => decodeIpv4Packet(hex(V.notVrrp).subarray(0, 19))],
  [
    'VRRP message shorter than 8 bytes',
    'truncated',
    () =>
      decodeVrrpMessage(hex(V.truncatedMessage), {
        family: 'ipv4',
        src: '10.99.0.1',
        dst: '224.0.0.18',
      }),
  ],
  ['IP version 6 in an IPv4 packet', 'bad-ip-header', () => decodeIpv4Packet(hex(V.badIpVersion))],
  ['IHL 4', 'bad-ip-header', () => decodeIpv4Packet(hex(V.badIhl))],
  ['IP header checksum', 'bad-ip-header', () => decodeIpv4Packet(hex(V.badIpHeaderChecksum))],
  [
    'an unusable IPv6 source',
    'bad-ip-header',
    () =>
      decodeIpv6Payload(hex(V.v3Ipv6Message), { src: 'fe80::zz', dst: 'ff02::12', hopLimit: 255 }),
  ],
  ['IP protocol 17', 'not-vrrp', () => decodeIpv4Packet(hex(V.notVrrp))],
  ['TTL 64', 'bad-ttl', () => decodeIpv4Packet(hex(V.ttl64))],
  [
    'IPv6 hop limit 64',
    'bad-ttl',
    () => decodeIpv6Payload(hex(V.v3Ipv6Message), { ...ipv6, hopLimit: 64 }),
  ],
  ['VRRP version 4', 'bad-version', () => decodeIpv4Packet(hex(V.badVersion))],
  [
    'VRRPv2 over IPv6',
    'bad-version',
    () => decodeIpv6Payload(hex(V.v2OverIpv6), { ...ipv6, hopLimit: 255 }),
  ],
  ['VRRP type 2', 'bad-type', () => decodeIpv4Packet(hex(V.badType))],
  ['VRID 0', 'bad-vrid', () => decodeIpv4Packet(hex(V.badVrid))],
  ['address count 0', 'bad-address-count', () => decodeIpv4Packet(hex(V.countZero))],
  ['count 2 with one address', 'bad-address-count', () => decodeIpv4Packet(hex(V.countMismatch))],
  ['4 bytes after the message', 'bad-length', () => decodeIpv4Packet(hex(V.trailingBytes))],
  ['wrong checksum', 'bad-checksum', () => decodeIpv4Packet(hex(V.badChecksum))],
  [
    'v3 checksummed for another destination',
    'bad-checksum',
    () =>
      decodeVrrpMessage(hex(V.v3UnicastMessage), {
        family: 'ipv4',
        src: '192.0.2.1',
        dst: '192.0.2.3',
      }),
  ],
  ['v3 interval 0', 'bad-interval', () => decodeIpv4Packet(hex(V.intervalZeroV3))],
  ['v2 interval 0', 'bad-interval', () => decodeIpv4Packet(hex(V.intervalZeroV2))],
  ['v2 auth type 2 (AH)', 'auth-ah-unsupported', () => decodeIpv4Packet(hex(V.authAh))],
  ['v2 auth type 3', 'bad-auth-type', () => decodeIpv4Packet(hex(V.authType3))],
];

describe('rejections', () => {
  it.each(rejects)('%s -> %s', (_name, reason, decode) => {
    const got = decode();
    expect(got.ok).toBe(false);
    expect(!got.ok && got.reason).toBe(reason);
    expect(!got.ok && got.detail.length).toBeGreaterThan(0);
  });

  it('covers every RejectReason', () => {
    expect(new Set(rejects.map(([, reason]) => reason))).toEqual(new Set(REJECT_REASONS));
  });

  it('bad-checksum names the expected checksum', () => {
    const got = decodeIpv4Packet(hex(V.badChecksum));
    expect(!got.ok && got.detail).toBe('checksum 0xbeef, expected 0x42ad');
  });

  it('ignores link-layer padding after the IP total length', () => {
    const padded = Buffer.concat([hex(V.v3UnicastPacket), Buffer.alloc(6)]);
    expect(decodeIpv4Packet(padded).ok).toBe(true);
  });
});

describe('encoding refuses what cannot go on the wire', () => {
  const ip = { src: '10.0.0.1', dst: '224.0.0.18' };
  const bad: [string, VrrpAdvert, { src: string; dst: string }][] = [
    ['vrid 0', { ...v3Unicast, vrid: 0 }, ip],
    ['priority 256', { ...v3Unicast, priority: 256 }, ip],
    ['interval 4096 cs', { ...v3Unicast, maxAdvertIntervalCs: 4096 }, ip],
    ['interval 0 s', { ...v2Auth, advertIntervalSec: 0 }, ip],
    ['v2 over IPv6', { ...v2Auth, family: 'ipv6' } as unknown as VrrpAdvert, ip],
    ['7-byte auth data', { ...v2Auth, authData: Buffer.alloc(7) }, ip],
    ['no addresses', { ...v3Unicast, addresses: [] }, ip],
    ['256 addresses', { ...v3Unicast, addresses: Array<string>(256).fill('10.0.0.1') }, ip],
    ['an IPv6 address in an IPv4 advert', { ...v3Unicast, addresses: ['fe80::1'] }, ip],
    ['an IPv6 source for an IPv4 advert', v3Unicast, { src: 'fe80::1', dst: '224.0.0.18' }],
  ];
  it.each(bad)('%s', (_name, advert, endpoints) => {
    expect(() => encodeVrrpMessage(advert, endpoints)).toThrow(InvalidAdvertError);
  });

  it('encodeIpv4Packet refuses IPv6 adverts and bad header options', () => {
    expect(() => encodeIpv4Packet(v3Ipv6, ipv6)).toThrow(InvalidAdvertError);
    expect(() => encodeIpv4Packet(v3Unicast, ip, { ttl: 256 })).toThrow(InvalidAdvertError);
    expect(() => encodeIpv4Packet(v3Unicast, ip, { id: 65536 })).toThrow(InvalidAdvertError);
  });

  it('InvalidAdvertError is a CodecError with a stable code', () => {
    const encode = () => encodeVrrpMessage({ ...v3Unicast, vrid: 0 }, ip);
    expect(encode).toThrow(CodecError);
    expect(encode).toThrow(
      expect.objectContaining({ code: 'FLOATD_ERR_INVALID_ADVERT' }) as unknown as Error,
    );
    expect(encode).not.toThrow(InvalidIpAddressError);
  });
});

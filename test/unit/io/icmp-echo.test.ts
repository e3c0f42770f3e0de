// ICMP echo messages (RFC 792, RFC 4443 §4) and the beacon floatd puts in their data.
import { describe, expect, it } from 'vitest';
import { decodeEcho, encodeEchoRequest } from '../../../src/agent/io/icmp-echo.js';
import { decodeBeacon, encodeBeacon } from '../../../src/agent/io/peer-beacon.js';
import { internetChecksum } from '../../../src/agent/vrrp/codec/checksum.js';

/** A minimal IPv4 header in front of `icmp`, as an IPv4 raw socket hands packets over. */
function inIpv4(icmp: Buffer, ihlWords = 5): Buffer {
  const header = Buffer.alloc(ihlWords * 4);
  header[0] = 0x40 | ihlWords;
  header[9] = 1;
  return Buffer.concat([header, icmp]);
}

describe('ICMP echo', () => {
  it('encodes a request whose checksum verifies (IPv4) and decodes it back', () => {
    const data = Buffer.from('hello');
    const request = encodeEchoRequest('ipv4', 0x1234, 0xbeef, data);
    expect(request[0]).toBe(8);
    expect(internetChecksum(request)).toBe(0);
    const echo = decodeEcho('ipv4', inIpv4(request, 6));
    expect(echo).toMatchObject({ kind: 'request', identifier: 0x1234, sequence: 0xbeef });
    expect(echo?.data.toString()).toBe('hello');
  });

  it('reads a reply, and leaves the IPv6 checksum to the kernel', () => {
    const reply = encodeEchoRequest('ipv4', 7, 9);
    reply[0] = 0;
    expect(decodeEcho('ipv4', inIpv4(reply))).toMatchObject({ kind: 'reply', identifier: 7 });
    const v6 = encodeEchoRequest('ipv6', 7, 9);
    expect(v6[0]).toBe(128);
    expect(v6.readUInt16BE(2)).toBe(0);
    v6[0] = 129;
    expect(decodeEcho('ipv6', v6)).toMatchObject({ kind: 'reply', sequence: 9 });
  });

  it('ignores other ICMP and anything too short', () => {
    const unreachable = encodeEchoRequest('ipv4', 1, 1);
    unreachable[0] = 3;
    expect(decodeEcho('ipv4', inIpv4(unreachable))).toBeUndefined();
    expect(decodeEcho('ipv4', Buffer.alloc(10))).toBeUndefined();
    expect(decodeEcho('ipv4', inIpv4(Buffer.alloc(4)))).toBeUndefined();
    expect(decodeEcho('ipv6', Buffer.from([128, 0, 0]))).toBeUndefined();
  });
});

describe('peer beacon', () => {
  it('round-trips the VRID and state', () => {
    for (const state of ['initialize', 'backup', 'master', 'fault'] as const) {
      expect(decodeBeacon(encodeBeacon({ vrid: 51, state }))).toEqual({ vrid: 51, state });
    }
  });

  it('is not found in another program ping data', () => {
    expect(decodeBeacon(Buffer.alloc(56))).toBeUndefined();
    const beacon = encodeBeacon({ vrid: 1, state: 'master' });
    beacon[6] = 9; // no such state
    expect(decodeBeacon(beacon)).toBeUndefined();
    expect(decodeBeacon(beacon.subarray(0, 5))).toBeUndefined();
  });
});

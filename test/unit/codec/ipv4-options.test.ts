// IPv4 options in a received advert, as keepalived 2.2.7 takes them: the VRRP header starts at
// IHL × 4 (options skipped unread), every other header check stays. A Timestamp option is
// rewritten by the receiving kernel (RFC 791 §3.1) after it verified the header checksum, so the
// checksum a raw socket sees is stale: the socket's decode trusts the kernel's check.
import { describe, expect, it } from 'vitest';

import {
  decodeIpv4Packet,
  encodeIpv4Packet,
  internetChecksum,
} from '../../../src/agent/vrrp/codec/index.js';
import type { VrrpAdvertV3 } from '../../../src/agent/vrrp/codec/index.js';

const advert: VrrpAdvertV3 = {
  version: 3,
  family: 'ipv4',
  vrid: 51,
  priority: 200,
  maxAdvertIntervalCs: 100,
  addresses: ['10.99.0.100'],
};
const ip = { src: '10.99.0.3', dst: '224.0.0.18' };

/** RFC 791 §3.1 Internet Timestamp, flag 0 (timestamps only): two empty slots, pointer 5. */
const TIMESTAMP = Buffer.from('440c0500' + '00'.repeat(8), 'hex');
/** RFC 2113 Router Alert. */
const ROUTER_ALERT = Buffer.from('94040000', 'hex');
/** RFC 791 Record Route with nine empty slots: the largest header there is (IHL 15). */
const RECORD_ROUTE = Buffer.concat([Buffer.from('072704', 'hex'), Buffer.alloc(37)]);

/** A packet as a sender with IP_HDRINCL builds it: the options after the 20 fixed bytes. */
function withOptions(options: Buffer, edit?: (header: Buffer) => void): Buffer {
  if (options.length % 4 !== 0) throw new Error('options are padded to 32 bits');
  const plain = encodeIpv4Packet(advert, ip);
  const header = Buffer.concat([plain.subarray(0, 20), options]);
  header.writeUInt8(0x40 | (header.length / 4), 0);
  header.writeUInt16BE(plain.length + options.length, 2);
  edit?.(header);
  header.writeUInt16BE(0, 10);
  header.writeUInt16BE(internetChecksum(header), 10);
  return Buffer.concat([header, plain.subarray(20)]);
}

/** What the receiving kernel does to a Timestamp option: fill the next slot, move the pointer. */
function stampedOnReceipt(packet: Buffer): Buffer {
  const out = Buffer.from(packet);
  const pointer = out.readUInt8(22);
  out.writeUInt32BE(0x0123_4567, 20 + pointer - 1);
  out.writeUInt8(pointer + 4, 22);
  return out; // the header checksum is left as it was
}

const expected = { ok: true, value: { advert, ...ip, ttl: 255, checksum: expect.any(Number) } };
const fromSocket = { headerChecksumVerified: true } as const;

describe('IPv4 options in received adverts', () => {
  it.each([
    ['Timestamp', TIMESTAMP],
    ['Router Alert', ROUTER_ALERT],
    ['Record Route, IHL 15', RECORD_ROUTE],
  ])('%s: skipped, the advert decodes as without it', (_name, options) => {
    const packet = withOptions(options);
    expect(decodeIpv4Packet(packet)).toEqual(expected);
    expect(decodeIpv4Packet(packet, fromSocket)).toEqual(expected);
    expect(decodeIpv4Packet(packet)).toEqual(decodeIpv4Packet(encodeIpv4Packet(advert, ip)));
  });

  it('a Timestamp stamped by the receiving kernel: accepted from the socket', () => {
    const stamped = stampedOnReceipt(withOptions(TIMESTAMP));
    expect(decodeIpv4Packet(stamped, fromSocket)).toEqual(expected);
    // A capture or simulated frame still has its checksum checked.
    expect(decodeIpv4Packet(stamped)).toMatchObject({
      ok: false,
      reason: 'bad-ip-header',
      detail: 'IP header checksum',
    });
  });

  // keepalived's vrrp_check_packet: length by IHL and total length, TTL 255; the protocol is
  // the socket's. Trusting the kernel's checksum must not loosen any of them.
  it.each([
    ['IHL 4', (h: Buffer) => h.writeUInt8(0x44, 0), 'bad-ip-header'],
    ['IHL 15, past the packet', (h: Buffer) => h.writeUInt8(0x4f, 0), 'truncated'],
    ['total length inside the header', (h: Buffer) => h.writeUInt16BE(24, 2), 'bad-ip-header'],
    ['TTL 254', (h: Buffer) => h.writeUInt8(254, 8), 'bad-ttl'],
    ['protocol 17', (h: Buffer) => h.writeUInt8(17, 9), 'not-vrrp'],
    ['a fragment', (h: Buffer) => h.writeUInt16BE(0x2000, 6), 'bad-ip-header'],
    ['IP version 6', (h: Buffer) => h.writeUInt8(0x68, 0), 'bad-ip-header'],
  ])('with options, %s is still rejected', (_name, edit, reason) => {
    const packet = withOptions(Buffer.concat([ROUTER_ALERT, TIMESTAMP]), edit);
    expect(decodeIpv4Packet(packet, fromSocket)).toMatchObject({ ok: false, reason });
  });

  it('with options, bytes after the VRRP message inside the total length are still rejected', () => {
    const packet = withOptions(TIMESTAMP);
    const longer = Buffer.concat([packet, Buffer.alloc(4)]);
    longer.writeUInt16BE(packet.length + 4, 2);
    longer.writeUInt16BE(0, 10);
    longer.writeUInt16BE(internetChecksum(longer.subarray(0, 32)), 10);
    expect(decodeIpv4Packet(longer, fromSocket)).toMatchObject({ ok: false, reason: 'bad-length' });
  });

  it('with options, a packet shorter than its IHL or total length is truncated', () => {
    const packet = withOptions(TIMESTAMP);
    expect(decodeIpv4Packet(packet.subarray(0, 30), fromSocket)).toMatchObject({
      ok: false,
      reason: 'truncated',
    });
    expect(decodeIpv4Packet(packet.subarray(0, packet.length - 1), fromSocket)).toMatchObject({
      ok: false,
      reason: 'truncated',
    });
  });
});

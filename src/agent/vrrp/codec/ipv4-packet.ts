// A whole IPv4 packet carrying VRRP: what an AF_INET raw socket for protocol 112
// hands over (IP header included) and what an IP_HDRINCL socket or a simulator sends.
import { addressBytes } from './advert-check.js';
import { internetChecksum } from './checksum.js';
import { accept, reject } from './decode-result.js';
import { InvalidAdvertError } from './errors.js';
import { formatIp } from './ip-address.js';
import { decodeVrrpMessageFrom, encodeVrrpMessageFor } from './vrrp-message.js';
import { VRRP_PROTOCOL, VRRP_TTL } from './types.js';
import type { DecodeResult, IpEndpoints, ReceivedAdvert, VrrpAdvert } from './types.js';

const IPV4_MIN_HEADER_LENGTH = 20;
/** Internetwork control precedence, as keepalived and FRR send (LAB.md). */
const DEFAULT_TOS = 0xc0;
const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

export interface Ipv4EncodeOptions {
  /** Default 255: RFC 5798 §5.1.1.3 / RFC 3768 §5.2.3. */
  readonly ttl?: number;
  /** Default 0xc0. */
  readonly tos?: number;
  /** Identification; default 0. */
  readonly id?: number;
  /** Default false (keepalived sends flags [none]). */
  readonly dontFragment?: boolean;
}

function checkByteRange(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidAdvertError(`${name} must be an integer in 0..${max}, got ${value}`);
  }
  return value;
}

/** A full IPv4 packet: 20-byte header (no options), header checksum filled in. */
export function encodeIpv4Packet(
  advert: VrrpAdvert,
  ip: IpEndpoints,
  opts: Ipv4EncodeOptions = {},
): Buffer {
  if (advert.family !== 'ipv4')
    throw new InvalidAdvertError('an IPv4 packet carries an ipv4 advert');
  const ttl = checkByteRange('ttl', opts.ttl ?? VRRP_TTL, 0xff);
  const tos = checkByteRange('tos', opts.tos ?? DEFAULT_TOS, 0xff);
  const id = checkByteRange('id', opts.id ?? 0, 0xffff);
  const src = addressBytes('source', ip.src, 'ipv4');
  const dst = addressBytes('destination', ip.dst, 'ipv4');
  const msg = encodeVrrpMessageFor(advert, src, dst);

  const header = Buffer.alloc(IPV4_MIN_HEADER_LENGTH);
  header.writeUInt8(0x45, 0); // version 4, IHL 5
  header.writeUInt8(tos, 1);
  header.writeUInt16BE(IPV4_MIN_HEADER_LENGTH + msg.length, 2);
  header.writeUInt16BE(id, 4);
  header.writeUInt16BE(opts.dontFragment === true ? FLAG_DONT_FRAGMENT : 0, 6);
  header.writeUInt8(ttl, 8);
  header.writeUInt8(VRRP_PROTOCOL, 9);
  header.set(src, 12);
  header.set(dst, 16);
  header.writeUInt16BE(internetChecksum(header), 10); // RFC 791 §3.1
  return Buffer.concat([header, msg]);
}

export interface Ipv4DecodeOptions {
  /**
   * The packet comes from a raw socket, so the kernel verified its header checksum on receipt
   * (ip_rcv) and may have rewritten a Timestamp or Record Route option since, for local delivery,
   * without recomputing the checksum (RFC 791 §3.1 has the receiver fill them in): the checksum
   * we see can be stale, and checking it would reject valid adverts. keepalived 2.2.7 does not
   * check it either. Default false: a capture or a simulated frame is checked.
   */
  readonly headerChecksumVerified?: boolean;
}

/**
 * Decode a received IPv4 packet (header included). Never throws. Options (IHL > 5) are skipped
 * unread, as keepalived 2.2.7 does (vrrp_get_header: the VRRP header is at IHL × 4).
 */
export function decodeIpv4Packet(
  packet: Buffer,
  opts: Ipv4DecodeOptions = {},
): DecodeResult<ReceivedAdvert> {
  if (packet.length < IPV4_MIN_HEADER_LENGTH) {
    return reject('truncated', `${packet.length} bytes, an IPv4 header is at least 20`);
  }
  const verIhl = packet.readUInt8(0);
  if (verIhl >> 4 !== 4) return reject('bad-ip-header', `IP version ${verIhl >> 4}`);
  const headerLength = (verIhl & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) {
    return reject('bad-ip-header', `IHL ${verIhl & 0x0f}`);
  }
  if (packet.length < headerLength) {
    return reject('truncated', `${packet.length} bytes, IP header claims ${headerLength}`);
  }
  const totalLength = packet.readUInt16BE(2);
  if (totalLength < headerLength) {
    return reject('bad-ip-header', `total length ${totalLength} < header length ${headerLength}`);
  }
  // Bytes past the total length (link-layer padding) are not part of the packet (RFC 791).
  if (packet.length < totalLength) {
    return reject('truncated', `${packet.length} bytes, IP total length ${totalLength}`);
  }
  if (
    opts.headerChecksumVerified !== true &&
    internetChecksum(packet.subarray(0, headerLength)) !== 0
  ) {
    return reject('bad-ip-header', 'IP header checksum');
  }
  // Raw sockets get reassembled packets only; a fragment here is not a whole advert.
  const fragment = packet.readUInt16BE(6);
  if ((fragment & FLAG_MORE_FRAGMENTS) !== 0 || (fragment & FRAGMENT_OFFSET_MASK) !== 0) {
    return reject('bad-ip-header', 'IP fragment');
  }
  const protocol = packet.readUInt8(9);
  if (protocol !== VRRP_PROTOCOL) return reject('not-vrrp', `IP protocol ${protocol}`);
  // RFC 5798 §7.1 / RFC 3768 §7.1: a router may have forwarded it.
  const ttl = packet.readUInt8(8);
  if (ttl !== VRRP_TTL) return reject('bad-ttl', `TTL ${ttl}`);

  const src = packet.subarray(12, 16);
  const dst = packet.subarray(16, 20);
  const msg = packet.subarray(headerLength, totalLength);
  const decoded = decodeVrrpMessageFrom(msg, 'ipv4', src, dst);
  if (!decoded.ok) return decoded;
  return accept({
    advert: decoded.value.advert,
    src: formatIp(src),
    dst: formatIp(dst),
    ttl,
    checksum: decoded.value.checksum,
  });
}

// ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443 §4) messages, as free functions over Buffer:
// what the peer probe sends and reads on a raw socket, and the lab's client prober too.
// An IPv4 raw socket hands over the whole packet (IP header first); an IPv6 one the ICMPv6
// message only, and the kernel computes the ICMPv6 checksum itself (RFC 3542 §3.1).
import { internetChecksum } from '../vrrp/codec/checksum.js';
import type { IpFamily } from '../vrrp/codec/types.js';

export const ICMP_PROTOCOL = 1;
export const ICMPV6_PROTOCOL = 58;

const ECHO_REQUEST = { ipv4: 8, ipv6: 128 } as const;
const ECHO_REPLY = { ipv4: 0, ipv6: 129 } as const;
const HEADER_BYTES = 8;

export interface IcmpEcho {
  readonly kind: 'request' | 'reply';
  readonly identifier: number;
  readonly sequence: number;
  /** The echo's data (a view into the packet: copy what must outlive the call). */
  readonly data: Buffer;
}

/** An echo request; the checksum is ours for IPv4 and the kernel's for IPv6. */
export function encodeEchoRequest(
  family: IpFamily,
  identifier: number,
  sequence: number,
  data: Uint8Array = new Uint8Array(0),
): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + data.length);
  buf.writeUInt8(ECHO_REQUEST[family], 0);
  buf.writeUInt16BE(identifier & 0xffff, 4);
  buf.writeUInt16BE(sequence & 0xffff, 6);
  buf.set(data, HEADER_BYTES);
  if (family === 'ipv4') buf.writeUInt16BE(internetChecksum(buf), 2);
  return buf;
}

/** An echo request or reply from what a raw socket of `family` read; undefined for anything else. */
export function decodeEcho(family: IpFamily, packet: Buffer): IcmpEcho | undefined {
  let offset = 0;
  if (family === 'ipv4') {
    if (packet.length < 20 || (packet[0] ?? 0) >> 4 !== 4) return undefined;
    offset = ((packet[0] ?? 0) & 0x0f) * 4;
  }
  if (packet.length < offset + HEADER_BYTES) return undefined;
  const type = packet[offset];
  const kind =
    type === ECHO_REQUEST[family] ? 'request' : type === ECHO_REPLY[family] ? 'reply' : undefined;
  if (kind === undefined || packet[offset + 1] !== 0) return undefined;
  return {
    kind,
    identifier: packet.readUInt16BE(offset + 4),
    sequence: packet.readUInt16BE(offset + 6),
    data: packet.subarray(offset + HEADER_BYTES),
  };
}

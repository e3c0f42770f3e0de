// The fixed IPv6 header (RFC 8200 §3), for an IPV6_HDRINCL socket: the codec encodes the VRRP
// payload only, because an ordinary AF_INET6 socket never sees the header.
import { parseIp } from '../vrrp/codec/index.js';

export const IPV6_HEADER_LENGTH = 40;

export interface Ipv6HeaderFields {
  readonly src: string;
  readonly dst: string;
  readonly nextHeader: number;
  readonly payloadLength: number;
  readonly hopLimit: number;
  /** keepalived sends 0xc0 (internetwork control), as for the IPv4 TOS. */
  readonly trafficClass: number;
}

/** 40 bytes; flow label 0. Throws InvalidIpAddressError on a bad address. */
export function encodeIpv6Header(h: Ipv6HeaderFields): Buffer {
  const header = Buffer.alloc(IPV6_HEADER_LENGTH);
  header.writeUInt32BE(((6 << 28) | ((h.trafficClass & 0xff) << 20)) >>> 0, 0);
  header.writeUInt16BE(h.payloadLength, 4);
  header.writeUInt8(h.nextHeader, 6);
  header.writeUInt8(h.hopLimit, 7);
  header.set(parseIp(h.src), 8);
  header.set(parseIp(h.dst), 24);
  return header;
}

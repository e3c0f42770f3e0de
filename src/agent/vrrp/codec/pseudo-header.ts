// Pseudo-headers for upper-layer checksums. VRRPv3 uses them (RFC 5798 §5.2.8); v2 does not.
import { IPV4_ADDRESS_LENGTH, IPV6_ADDRESS_LENGTH } from './ip-address.js';

/** IPv4: src(4) dst(4) zero(1) protocol(1) length(2), as for TCP/UDP (RFC 793 §3.1). */
export function ipv4PseudoHeader(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  length: number,
): Buffer {
  const header = Buffer.alloc(2 * IPV4_ADDRESS_LENGTH + 4);
  header.set(src, 0);
  header.set(dst, IPV4_ADDRESS_LENGTH);
  header.writeUInt8(protocol, 9);
  header.writeUInt16BE(length, 10);
  return header;
}

/** IPv6 (RFC 8200 §8.1): src(16) dst(16) length(32) zero(24) next header(8). */
export function ipv6PseudoHeader(
  src: Uint8Array,
  dst: Uint8Array,
  nextHeader: number,
  length: number,
): Buffer {
  const header = Buffer.alloc(2 * IPV6_ADDRESS_LENGTH + 8);
  header.set(src, 0);
  header.set(dst, IPV6_ADDRESS_LENGTH);
  header.writeUInt32BE(length, 32);
  header.writeUInt8(nextHeader, 39);
  return header;
}

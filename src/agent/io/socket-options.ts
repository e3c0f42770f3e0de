// Linux socket option numbers (raw-socket exports only a few) and the structs they take.
// Values from <linux/in.h>, <linux/in6.h>, <asm-generic/socket.h>; checked in the lab (LAB.md).
import { endianness } from 'node:os';

import { VrrpSocketError } from './errors.js';
import type { RawSocket } from './raw-socket.js';

export const SOL_SOCKET = 1;
export const SO_BINDTODEVICE = 25;
/** Linux >= 4.12: u32[SK_MEMINFO_VARS] in host order (<linux/sock_diag.h>). */
export const SO_MEMINFO = 55;
const SK_MEMINFO_DROPS = 8;
const SK_MEMINFO_VARS = 9;

export const IPPROTO_IP = 0;
export const IP_HDRINCL = 3;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;

export const IPPROTO_IPV6 = 41;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
/** Linux >= 4.5: we write the IPv6 header, so the source address is ours to choose. */
export const IPV6_HDRINCL = 36;

/** A C `int` in host byte order. */
function writeInt(buf: Buffer, value: number, offset: number): void {
  if (endianness() === 'LE') buf.writeInt32LE(value, offset);
  else buf.writeInt32BE(value, offset);
}

/** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; } (12 bytes). */
export function ipMreqn(group: Uint8Array, local: Uint8Array, ifindex: number): Buffer {
  const buf = Buffer.alloc(12);
  buf.set(group, 0);
  buf.set(local, 4);
  writeInt(buf, ifindex, 8);
  return buf;
}

/** struct ipv6_mreq { in6_addr multiaddr; int ifindex; } (20 bytes). */
export function ipv6Mreq(group: Uint8Array, ifindex: number): Buffer {
  const buf = Buffer.alloc(20);
  buf.set(group, 0);
  writeInt(buf, ifindex, 16);
  return buf;
}

/** SO_BINDTODEVICE's value: the name, NUL-terminated. */
export function deviceName(name: string): Buffer {
  return Buffer.from(`${name}\0`, 'latin1');
}

/**
 * Packets the kernel dropped for this socket (sk_drops: the receive buffer was full when they
 * arrived). raw-socket has no recvmsg, so SO_RXQ_OVFL cannot be read; SO_MEMINFO carries the
 * same counter. Throws when the socket is closed or the kernel lacks SO_MEMINFO.
 */
export function readReceiveDrops(socket: RawSocket): number {
  const meminfo = Buffer.alloc(SK_MEMINFO_VARS * 4);
  const length = socket.getOption(SOL_SOCKET, SO_MEMINFO, meminfo, meminfo.length);
  if (length < (SK_MEMINFO_DROPS + 1) * 4) {
    throw new VrrpSocketError(`SO_MEMINFO returned ${length} bytes, without the drop counter`);
  }
  const offset = SK_MEMINFO_DROPS * 4;
  return endianness() === 'LE' ? meminfo.readUInt32LE(offset) : meminfo.readUInt32BE(offset);
}

/** [name for errors, level, option, value] */
export type SocketOption = readonly [
  name: string,
  level: number,
  option: number,
  value: number | Buffer,
];

/** Set each option in order; a failure names the option (VrrpSocketError). */
export function applyOptions(socket: RawSocket, options: readonly SocketOption[]): void {
  for (const [name, level, option, value] of options) {
    try {
      if (typeof value === 'number') socket.setOption(level, option, value);
      else socket.setOption(level, option, value, value.length);
    } catch (error) {
      throw new VrrpSocketError(`setsockopt ${name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

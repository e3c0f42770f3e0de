// VRRP over IPv4 on one interface: an AF_INET raw socket for protocol 112 (LAB.md).
// We send whole IPv4 packets (IP_HDRINCL, the kernel fills id and header checksum) so the
// source address is ours to choose and TOS 0xc0 / TTL 255 are exactly keepalived's. Received
// packets include the IP header, so the codec checks TTL 255 itself (RFC 5798 §7.1).
import {
  decodeIpv4Packet,
  encodeIpv4Packet,
  parseIp,
  VRRP_MULTICAST_V4,
  VRRP_PROTOCOL,
} from '../vrrp/codec/index.js';
import type { VrrpAdvert } from '../vrrp/codec/index.js';
import { VrrpSocketError } from './errors.js';
import type { InterfaceInfo } from './interface-info.js';
import { openRawSocket } from './raw-socket.js';
import type { RawSocket } from './raw-socket.js';
import {
  applyOptions,
  deviceName,
  IP_ADD_MEMBERSHIP,
  IP_HDRINCL,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IPPROTO_IP,
  ipMreqn,
  SO_BINDTODEVICE,
  SOL_SOCKET,
} from './socket-options.js';
import type { SocketOption } from './socket-options.js';
import { VrrpSocketBase } from './vrrp-socket-base.js';
import type { ReceiveResult } from './vrrp-socket-base.js';

/** Room for any IPv4 packet: a short read would only turn into a 'truncated' reject. */
const RECEIVE_BUFFER_BYTES = 65_536;
const ANY = Buffer.alloc(4);

export interface VrrpSocketOptions {
  readonly iface: InterfaceInfo;
  /** Join the VRRP group (multicast mode); unicast-only sockets need not. */
  readonly joinMulticast: boolean;
}

export class Ipv4VrrpSocket extends VrrpSocketBase {
  private constructor(raw: RawSocket, iface: InterfaceInfo) {
    super(raw, iface);
  }

  /** Throws VrrpSocketError (no CAP_NET_RAW, interface gone, ...). */
  static open(opts: VrrpSocketOptions): Ipv4VrrpSocket {
    const { iface } = opts;
    let raw: RawSocket;
    try {
      raw = openRawSocket('ipv4', VRRP_PROTOCOL, RECEIVE_BUFFER_BYTES);
    } catch (error) {
      throw new VrrpSocketError(`raw IPv4 socket: ${(error as Error).message}`, { cause: error });
    }
    const group = parseIp(VRRP_MULTICAST_V4);
    const local = parseIp(iface.ipv4[0] ?? '0.0.0.0');
    try {
      const options: SocketOption[] = [
        ['SO_BINDTODEVICE', SOL_SOCKET, SO_BINDTODEVICE, deviceName(iface.name)],
        ['IP_HDRINCL', IPPROTO_IP, IP_HDRINCL, 1],
        ['IP_MULTICAST_IF', IPPROTO_IP, IP_MULTICAST_IF, ipMreqn(ANY, local, iface.index)],
        // Moot with IP_HDRINCL (our header says 255) but right if that ever changes.
        ['IP_MULTICAST_TTL', IPPROTO_IP, IP_MULTICAST_TTL, 255],
        // Do not hear our own multicast (the default is to loop it back).
        ['IP_MULTICAST_LOOP', IPPROTO_IP, IP_MULTICAST_LOOP, 0],
      ];
      if (opts.joinMulticast)
        options.push([
          'IP_ADD_MEMBERSHIP',
          IPPROTO_IP,
          IP_ADD_MEMBERSHIP,
          ipMreqn(group, local, iface.index),
        ]);
      applyOptions(raw, options);
    } catch (error) {
      raw.close();
      throw error;
    }
    return new Ipv4VrrpSocket(raw, iface);
  }

  protected encode(advert: VrrpAdvert, src: string, dst: string): Buffer {
    return encodeIpv4Packet(advert, { src, dst });
  }

  protected sendAddress(dst: string): string {
    return dst;
  }

  protected decode(buffer: Buffer): ReceiveResult {
    // The kernel checked the header checksum before it rewrote any Timestamp option.
    return decodeIpv4Packet(buffer, { headerChecksumVerified: true });
  }

  protected ownAddressesOf(iface: InterfaceInfo): readonly string[] {
    return iface.ipv4;
  }
}

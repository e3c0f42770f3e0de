// VRRP over IPv6 on one interface: an AF_INET6 raw socket for protocol 112.
//
// raw-socket has recvfrom only, so we get the payload and the source address, but not the hop
// limit nor the destination (no recvmsg, no IPV6_RECVHOPLIMIT / IPV6_RECVPKTINFO). Measured in
// the lab (kernel 6.x):
// - Checksum: IPV6_CHECKSUM (offset 6) does make the kernel verify protocol 112, but a bad packet
//   then vanishes without trace. Instead we verify in the codec against each destination the
//   packet can have had (ff02::12, our link-local, our other addresses): the first that checks
//   is the destination; if none does, it is counted as 'bad-checksum'.
// - Hop limit (RFC 5798 §7.1 wants 255): not observable. IPV6_MINHOPCOUNT is honoured by TCP
//   only, and a BPF filter (SO_ATTACH_FILTER) needs a pointer raw-socket cannot pass. We accept
//   only link-local sources instead: RFC 5798 §5.1.2.1 makes the sender use its link-local
//   address, and routers never forward link-local-sourced packets (RFC 4291 §2.5.6), so such a
//   packet was sent on this link, which is what the hop-limit check proves. Other sources are
//   rejected as 'bad-ip-header'. An on-link sender using hop limit < 255 is accepted.
// - The source recvfrom reports is the sender's link-local, without a zone.
// We send with IPV6_HDRINCL (our own 40-byte header) so the source is ours to choose (the
// link-local, as keepalived), with traffic class 0xc0 and hop limit 255 like keepalived.
import {
  decodeIpv6Payload,
  encodeVrrpMessage,
  InvalidAdvertError,
  ipFamilyOf,
  parseIp,
  VRRP_MULTICAST_V6,
  VRRP_PROTOCOL,
  VRRP_TTL,
} from '../vrrp/codec/index.js';
import type { VrrpAdvert } from '../vrrp/codec/index.js';
import { VrrpSocketError } from './errors.js';
import type { InterfaceInfo } from './interface-info.js';
import { encodeIpv6Header } from './ipv6-header.js';
import { openRawSocket } from './raw-socket.js';
import type { RawSocket } from './raw-socket.js';
import {
  applyOptions,
  deviceName,
  IPPROTO_IPV6,
  IPV6_HDRINCL,
  IPV6_JOIN_GROUP,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_LOOP,
  IPV6_UNICAST_HOPS,
  ipv6Mreq,
  SO_BINDTODEVICE,
  SOL_SOCKET,
} from './socket-options.js';
import type { SocketOption } from './socket-options.js';
import { VrrpSocketBase } from './vrrp-socket-base.js';
import type { ReceiveResult } from './vrrp-socket-base.js';
import type { VrrpSocketOptions } from './vrrp-socket-v4.js';

const RECEIVE_BUFFER_BYTES = 65_536;
const TRAFFIC_CLASS = 0xc0;
const GROUP = parseIp(VRRP_MULTICAST_V6);

/** fe80::/10 (RFC 4291 §2.5.6). */
export function isLinkLocalV6(address: string): boolean {
  if (ipFamilyOf(address.split('%')[0] ?? '') !== 'ipv6') return false;
  const bytes = parseIp(address.split('%')[0] ?? '');
  return bytes[0] === 0xfe && ((bytes[1] ?? 0) & 0xc0) === 0x80;
}

export class Ipv6VrrpSocket extends VrrpSocketBase {
  private constructor(raw: RawSocket, iface: InterfaceInfo) {
    super(raw, iface);
  }

  /** Throws VrrpSocketError (no CAP_NET_RAW, interface gone, kernel without IPV6_HDRINCL...). */
  static open(opts: VrrpSocketOptions): Ipv6VrrpSocket {
    const { iface } = opts;
    let raw: RawSocket;
    try {
      raw = openRawSocket('ipv6', VRRP_PROTOCOL, RECEIVE_BUFFER_BYTES);
    } catch (error) {
      throw new VrrpSocketError(`raw IPv6 socket: ${(error as Error).message}`, { cause: error });
    }
    try {
      const options: SocketOption[] = [
        ['SO_BINDTODEVICE', SOL_SOCKET, SO_BINDTODEVICE, deviceName(iface.name)],
        ['IPV6_HDRINCL', IPPROTO_IPV6, IPV6_HDRINCL, 1],
        ['IPV6_MULTICAST_IF', IPPROTO_IPV6, IPV6_MULTICAST_IF, iface.index],
        // Moot with IPV6_HDRINCL (our header says 255) but right if that ever changes.
        ['IPV6_MULTICAST_HOPS', IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255],
        ['IPV6_UNICAST_HOPS', IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255],
        // Do not hear our own multicast (the default is to loop it back).
        ['IPV6_MULTICAST_LOOP', IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0],
      ];
      if (opts.joinMulticast)
        options.push([
          'IPV6_JOIN_GROUP',
          IPPROTO_IPV6,
          IPV6_JOIN_GROUP,
          ipv6Mreq(GROUP, iface.index),
        ]);
      applyOptions(raw, options);
    } catch (error) {
      raw.close();
      throw error;
    }
    return new Ipv6VrrpSocket(raw, iface);
  }

  protected encode(advert: VrrpAdvert, src: string, dst: string): Buffer {
    if (advert.family !== 'ipv6') throw new InvalidAdvertError('an IPv6 socket sends ipv6 adverts');
    // RFC 5798 §5.2.8: the checksum covers the IPv6 pseudo-header, so it is per destination.
    const msg = encodeVrrpMessage(advert, { src, dst });
    const header = encodeIpv6Header({
      src,
      dst,
      nextHeader: VRRP_PROTOCOL,
      payloadLength: msg.length,
      hopLimit: VRRP_TTL, // RFC 5798 §5.1.2.3
      trafficClass: TRAFFIC_CLASS,
    });
    return Buffer.concat([header, msg]);
  }

  protected sendAddress(dst: string): string {
    // A link-local destination needs its zone; libuv turns "%eth0" into the scope id.
    return isLinkLocalV6(dst) ? `${dst}%${this.iface.name}` : dst;
  }

  protected decode(buffer: Buffer, source: string): ReceiveResult {
    if (!isLinkLocalV6(source)) {
      return {
        ok: false,
        reason: 'bad-ip-header',
        detail: `source ${source} is not link-local (RFC 5798 §5.1.2.1): hop limit unverifiable`,
      };
    }
    let first: ReceiveResult | undefined;
    for (const dst of this.destinationsOfOurs()) {
      // The hop limit is not observable here; a link-local source stands in for it (above).
      const result = decodeIpv6Payload(buffer, { src: source, dst, hopLimit: VRRP_TTL });
      if (result.ok || result.reason !== 'bad-checksum') return result;
      first ??= result;
    }
    return (
      first ?? { ok: false, reason: 'bad-checksum', detail: 'no destination to check against' }
    );
  }

  protected ownAddressesOf(iface: InterfaceInfo): readonly string[] {
    return [...(iface.ipv6LinkLocal === undefined ? [] : [iface.ipv6LinkLocal]), ...iface.ipv6];
  }

  /** Where a packet we received can have been sent to, most likely first. */
  private destinationsOfOurs(): string[] {
    return [VRRP_MULTICAST_V6, ...this.ownAddressesOf(this.iface)];
  }
}

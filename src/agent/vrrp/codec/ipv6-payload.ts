// VRRP over IPv6. An AF_INET6 raw socket hands over the payload only; the addresses
// and the hop limit come from the socket (recvmsg ancillary data).
import { accept, reject } from './decode-result.js';
import { endpointBytes, formatIp } from './ip-address.js';
import { decodeVrrpMessageFrom } from './vrrp-message.js';
import { VRRP_TTL } from './types.js';
import type { DecodeResult, ReceivedAdvert } from './types.js';

export interface Ipv6ReceiveInfo {
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
}

/** Decode a VRRP message received over IPv6. Never throws. */
export function decodeIpv6Payload(msg: Buffer, ip: Ipv6ReceiveInfo): DecodeResult<ReceivedAdvert> {
  // RFC 5798 §7.1: the hop limit must be 255 (not forwarded by a router).
  if (ip.hopLimit !== VRRP_TTL) return reject('bad-ttl', `hop limit ${String(ip.hopLimit)}`);
  const src = endpointBytes('source', ip.src, 'ipv6');
  if (typeof src === 'string') return reject('bad-ip-header', src);
  const dst = endpointBytes('destination', ip.dst, 'ipv6');
  if (typeof dst === 'string') return reject('bad-ip-header', dst);
  const decoded = decodeVrrpMessageFrom(msg, 'ipv6', src, dst);
  if (!decoded.ok) return decoded;
  return accept({
    advert: decoded.value.advert,
    src: formatIp(src),
    dst: formatIp(dst),
    ttl: ip.hopLimit,
    checksum: decoded.value.checksum,
  });
}

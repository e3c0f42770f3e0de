// The VRRP codec's public API: free functions over Buffer (ARCHITECTURE.md).
export type {
  DecodeResult,
  IpEndpoints,
  IpFamily,
  ReceivedAdvert,
  RejectReason,
  V2AuthType,
  VrrpAdvert,
  VrrpAdvertV2,
  VrrpAdvertV3,
  VrrpVersion,
} from './types.js';
export { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6, VRRP_PROTOCOL, VRRP_TTL } from './types.js';
export { CodecError, InvalidAdvertError, InvalidIpAddressError } from './errors.js';
export { REJECT_REASONS, isRejectReason } from './decode-result.js';
export { compareIp, formatIp, ipFamilyOf, parseIp } from './ip-address.js';
export { internetChecksum } from './checksum.js';
export type { DecodedVrrpMessage } from './vrrp-message.js';
export { decodeVrrpMessage, encodeVrrpMessage, v2AuthDataFromPassword } from './vrrp-message.js';
export type { Ipv4DecodeOptions, Ipv4EncodeOptions } from './ipv4-packet.js';
export { decodeIpv4Packet, encodeIpv4Packet } from './ipv4-packet.js';
export type { Ipv6ReceiveInfo } from './ipv6-payload.js';
export { decodeIpv6Payload } from './ipv6-payload.js';

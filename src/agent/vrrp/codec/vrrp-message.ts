// The VRRP message itself (no IP header): RFC 3768 §5.3 (v2) and RFC 5798 §5.2 (v3).
//
//  v2: ver|type vrid prio count | authType advInt(s) checksum | addresses(4n) | authData(8)
//  v3: ver|type vrid prio count | rsvd(4) maxAdvInt(cs,12) checksum | addresses(4n or 16n)
import {
  addressBytes,
  checkAdvert,
  MAX_V3_INTERVAL_CS,
  V2_AUTH_DATA_LENGTH,
} from './advert-check.js';
import { internetChecksum } from './checksum.js';
import { accept, reject } from './decode-result.js';
import { addressLength, endpointBytes, familyOfBytes, formatIp } from './ip-address.js';
import { ipv4PseudoHeader, ipv6PseudoHeader } from './pseudo-header.js';
import { VRRP_PROTOCOL } from './types.js';
import type { DecodeResult, IpEndpoints, IpFamily, VrrpAdvert, VrrpVersion } from './types.js';

export const VRRP_HEADER_LENGTH = 8;
const TYPE_ADVERTISEMENT = 1; // RFC 5798 §5.2.2: the only type
const CHECKSUM_OFFSET = 6;
// RFC 3768 §5.3.6 auth types.
const AUTH_NONE = 0;
const AUTH_SIMPLE_TEXT = 1;
const AUTH_IP_AH = 2;

export interface DecodedVrrpMessage {
  readonly advert: VrrpAdvert;
  /** The checksum field as on the wire (verified). */
  readonly checksum: number;
}

/** Checksum of `msg` (its checksum field must be zero or is summed as is). */
function vrrpChecksum(version: VrrpVersion, msg: Buffer, src: Buffer, dst: Buffer): number {
  // RFC 3768 §5.3.8: v2 covers the VRRP message only, auth data included.
  if (version === 2) return internetChecksum(msg);
  // RFC 5798 §5.2.8: v3 adds the IP pseudo-header, so it differs per destination.
  const pseudo =
    familyOfBytes(src) === 'ipv4'
      ? ipv4PseudoHeader(src, dst, VRRP_PROTOCOL, msg.length)
      : ipv6PseudoHeader(src, dst, VRRP_PROTOCOL, msg.length);
  return internetChecksum(pseudo, msg);
}

/** Encode with address bytes already parsed (`src`/`dst` only matter for v3). */
export function encodeVrrpMessageFor(advert: VrrpAdvert, src: Buffer, dst: Buffer): Buffer {
  const addresses = checkAdvert(advert);
  const addrLen = addressLength(advert.family);
  const authLen = advert.version === 2 ? V2_AUTH_DATA_LENGTH : 0;
  const msg = Buffer.alloc(VRRP_HEADER_LENGTH + addresses.length * addrLen + authLen);
  msg.writeUInt8((advert.version << 4) | TYPE_ADVERTISEMENT, 0);
  msg.writeUInt8(advert.vrid, 1);
  msg.writeUInt8(advert.priority, 2);
  msg.writeUInt8(addresses.length, 3);
  if (advert.version === 2) {
    msg.writeUInt8(advert.authType, 4);
    msg.writeUInt8(advert.advertIntervalSec, 5);
  } else {
    msg.writeUInt16BE(advert.maxAdvertIntervalCs, 4); // rsvd bits 0 (RFC 5798 §5.2.6)
  }
  addresses.forEach((bytes, i) => msg.set(bytes, VRRP_HEADER_LENGTH + i * addrLen));
  if (advert.version === 2) msg.set(advert.authData, VRRP_HEADER_LENGTH + addresses.length * 4);
  msg.writeUInt16BE(vrrpChecksum(advert.version, msg, src, dst), CHECKSUM_OFFSET);
  return msg;
}

/**
 * The VRRP message for `advert` sent from `ip.src` to `ip.dst`, checksum filled in.
 * For v3 the checksum depends on the endpoints: a unicast sender encodes once per peer.
 * Throws InvalidAdvertError for an advert that cannot be encoded.
 */
export function encodeVrrpMessage(advert: VrrpAdvert, ip: IpEndpoints): Buffer {
  if (advert.version === 2) {
    // v2 does not use the endpoints; do not make callers supply valid ones.
    const none = Buffer.alloc(0);
    return encodeVrrpMessageFor(advert, none, none);
  }
  const src = addressBytes('source', ip.src, advert.family);
  const dst = addressBytes('destination', ip.dst, advert.family);
  return encodeVrrpMessageFor(advert, src, dst);
}

/** RFC 3768 §5.3.6 / keepalived auth_pass: the password's bytes, cut or zero-padded to 8. */
export function v2AuthDataFromPassword(pass: string): Buffer {
  const authData = Buffer.alloc(V2_AUTH_DATA_LENGTH);
  Buffer.from(pass, 'utf8').copy(authData, 0, 0, V2_AUTH_DATA_LENGTH);
  return authData;
}

/**
 * Decode a VRRP message received from `src` to `dst` (address bytes of `family`).
 * Checks in the order of RFC 5798 §7.1 / RFC 3768 §7.1 where they depend on each other.
 */
export function decodeVrrpMessageFrom(
  msg: Buffer,
  family: IpFamily,
  src: Buffer,
  dst: Buffer,
): DecodeResult<DecodedVrrpMessage> {
  if (msg.length < VRRP_HEADER_LENGTH) {
    return reject('truncated', `VRRP message of ${msg.length} bytes, header is 8`);
  }
  const verType = msg.readUInt8(0);
  const version = verType >> 4;
  if (version !== 2 && version !== 3) return reject('bad-version', `VRRP version ${version}`);
  if (version === 2 && family !== 'ipv4') {
    return reject('bad-version', 'VRRPv2 over IPv6 (RFC 3768 is IPv4 only)');
  }
  const type = verType & 0x0f;
  if (type !== TYPE_ADVERTISEMENT) return reject('bad-type', `VRRP type ${type}`);
  const vrid = msg.readUInt8(1);
  if (vrid === 0) return reject('bad-vrid', 'VRID 0'); // RFC 5798 §5.2.3: 1..255
  const priority = msg.readUInt8(2);
  const count = msg.readUInt8(3);
  if (count === 0) return reject('bad-address-count', 'address count 0'); // RFC 5798 §5.2.5
  const addrLen = addressLength(family);
  const authLen = version === 2 ? V2_AUTH_DATA_LENGTH : 0;
  const expected = VRRP_HEADER_LENGTH + count * addrLen + authLen;
  // RFC 5798 §7.1: the packet must hold the whole message, addresses included.
  if (msg.length < expected) {
    return reject('bad-address-count', `count ${count} needs ${expected} bytes, got ${msg.length}`);
  }
  // keepalived and FRR send exactly the message; anything after it is not VRRP.
  if (msg.length > expected) {
    return reject('bad-length', `${msg.length - expected} bytes after a ${expected}-byte message`);
  }
  const checksum = msg.readUInt16BE(CHECKSUM_OFFSET);
  if (vrrpChecksum(version, msg, src, dst) !== 0) {
    const zeroed = Buffer.from(msg);
    zeroed.writeUInt16BE(0, CHECKSUM_OFFSET);
    const want = vrrpChecksum(version, zeroed, src, dst);
    return reject('bad-checksum', `checksum 0x${hex16(checksum)}, expected 0x${hex16(want)}`);
  }
  // RFC 5798 §5.2.7 (12 bits, reserved bits ignored per §5.2.6) / RFC 3768 §5.3.7.
  const interval = version === 3 ? msg.readUInt16BE(4) & MAX_V3_INTERVAL_CS : msg.readUInt8(5);
  if (interval === 0) return reject('bad-interval', 'advert interval 0');
  const authType = msg.readUInt8(4);
  if (version === 2 && authType === AUTH_IP_AH) {
    return reject('auth-ah-unsupported', 'auth type 2 (IP Authentication Header)');
  }
  if (version === 2 && authType !== AUTH_NONE && authType !== AUTH_SIMPLE_TEXT) {
    return reject('bad-auth-type', `auth type ${authType}`);
  }
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = VRRP_HEADER_LENGTH + i * addrLen;
    addresses.push(formatIp(msg.subarray(at, at + addrLen)));
  }
  const advert: VrrpAdvert =
    version === 3
      ? { version, family, vrid, priority, maxAdvertIntervalCs: interval, addresses }
      : {
          version,
          family: 'ipv4',
          vrid,
          priority,
          advertIntervalSec: interval,
          authType: authType === AUTH_NONE ? AUTH_NONE : AUTH_SIMPLE_TEXT,
          // Copied: the advert must not alias the receive buffer.
          authData: Buffer.from(msg.subarray(expected - V2_AUTH_DATA_LENGTH, expected)),
          addresses,
        };
  return accept({ advert, checksum });
}

/**
 * Decode a VRRP message (the IP payload) received from `ctx.src` to `ctx.dst`.
 * Never throws: unusable endpoints in `ctx` are rejected as 'bad-ip-header'.
 */
export function decodeVrrpMessage(
  msg: Buffer,
  ctx: { family: IpFamily; src: string; dst: string },
): DecodeResult<DecodedVrrpMessage> {
  if (ctx.family !== 'ipv4' && ctx.family !== 'ipv6') {
    return reject('bad-ip-header', `unknown family ${String(ctx.family)}`);
  }
  const src = endpointBytes('source', ctx.src, ctx.family);
  if (typeof src === 'string') return reject('bad-ip-header', src);
  const dst = endpointBytes('destination', ctx.dst, ctx.family);
  if (typeof dst === 'string') return reject('bad-ip-header', dst);
  return decodeVrrpMessageFrom(msg, ctx.family, src, dst);
}

function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}

// Data types of the VRRP codec. RFC 3768 §5 (v2) and RFC 5798 §5 (v3).

export type VrrpVersion = 2 | 3;
export type IpFamily = 'ipv4' | 'ipv6';

/** 0 = none; 1 = simple text password (RFC 2338 §5.3.6.1, keepalived's auth_pass); 2 = IP AH (rejected). */
export type V2AuthType = 0 | 1;

/** A VRRPv2 advertisement (RFC 3768 §5.3). IPv4 only. */
export interface VrrpAdvertV2 {
  readonly version: 2;
  readonly family: 'ipv4';
  readonly vrid: number; // 1..255
  readonly priority: number; // 0..255
  /** RFC 3768 §5.3.7: whole seconds, 1..255. */
  readonly advertIntervalSec: number;
  readonly authType: V2AuthType;
  /** The 8 authentication bytes exactly as on the wire (zero-padded password for type 1, zeros for type 0). */
  readonly authData: Buffer;
  /** Dotted-quad IPv4 addresses, in wire order. */
  readonly addresses: readonly string[];
}

/** A VRRPv3 advertisement (RFC 5798 §5.2). IPv4 or IPv6. */
export interface VrrpAdvertV3 {
  readonly version: 3;
  readonly family: IpFamily;
  readonly vrid: number; // 1..255
  readonly priority: number; // 0..255
  /** RFC 5798 §5.2.7: 12 bits, centiseconds, 1..4095. */
  readonly maxAdvertIntervalCs: number;
  /** Canonical text addresses (RFC 5952 for IPv6), in wire order. */
  readonly addresses: readonly string[];
}

export type VrrpAdvert = VrrpAdvertV2 | VrrpAdvertV3;

/** Where an advert travelled: the IP source and destination (needed for the v3 pseudo-header). */
export interface IpEndpoints {
  readonly src: string;
  readonly dst: string;
}

/** A decoded advert together with what the IP layer told us about it. */
export interface ReceivedAdvert {
  readonly advert: VrrpAdvert;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 hop limit as received. */
  readonly ttl: number;
  /** The checksum field as read from the wire (it was verified). */
  readonly checksum: number;
}

/**
 * Why a received buffer was dropped. Stable strings: they are metric label values.
 * RFC 5798 §7.1 and RFC 3768 §7.1 list the checks.
 */
export type RejectReason =
  | 'truncated' // shorter than the headers it claims
  | 'bad-ip-header' // IPv4 version/IHL/total length inconsistent
  | 'not-vrrp' // IP protocol is not 112
  | 'bad-ttl' // TTL / hop limit is not 255
  | 'bad-version' // VRRP version is not 2 or 3 (or v2 over IPv6)
  | 'bad-type' // VRRP type is not 1 (ADVERTISEMENT)
  | 'bad-vrid' // VRID 0
  | 'bad-address-count' // count is 0 or does not match the length
  | 'bad-length' // length inconsistent with the VRRP header
  | 'bad-checksum'
  | 'bad-interval' // advert interval 0
  | 'auth-ah-unsupported' // v2 auth type 2 (IP Authentication Header)
  | 'bad-auth-type'; // v2 auth type other than 0, 1, 2

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

export const VRRP_PROTOCOL = 112;
export const VRRP_TTL = 255;
export const VRRP_MULTICAST_V4 = '224.0.0.18';
export const VRRP_MULTICAST_V6 = 'ff02::12';

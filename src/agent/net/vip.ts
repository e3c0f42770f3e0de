// A virtual IP address as the host adapter sees it: an address on a device.
import ipaddr from 'ipaddr.js';

export type Vip = {
  readonly address: string;
  readonly prefixLength: number;
  readonly device: string;
  /** IPv4 only: the address label (`ip addr ... label eth0:vip`); keepalived's `label`. */
  readonly label?: string | undefined;
};

export type VipFamily = 'ipv4' | 'ipv6';

export function vipFamily(vip: Pick<Vip, 'address'>): VipFamily {
  // IPv6 text always has a ':' and IPv4 text never does. Not node:net's isIPv6: its first call
  // compiles a large regex (~4 ms), on the failover path.
  return vip.address.includes(':') ? 'ipv6' : 'ipv4';
}

/**
 * One spelling per address (RFC 5952 for IPv6, as `ip` prints it), so "fd00:0::1" in a config
 * and "fd00::1" on the device compare equal. Text that is not an address is returned unchanged.
 */
export function canonicalAddress(address: string): string {
  // Plain dotted quads are canonical already (the common case, once per VIP on the failover
  // path: ipaddr.js's parser costs ~10 us).
  if (dottedQuad(address) !== undefined) return address;
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
}

/** `ADDR/PREFIX` as `ip addr` takes it. */
export function vipCidr(vip: Vip): string {
  return `${vip.address}/${vip.prefixLength}`;
}

const DOTTED_QUAD =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The 4 bytes of a canonical dotted quad ("10.0.0.1"; no leading zeros), else undefined. */
export function dottedQuad(address: string): Buffer | undefined {
  if (!DOTTED_QUAD.test(address)) return undefined;
  return Buffer.from(address.split('.').map(Number));
}

// Addresses in config text: VIPs ("10.0.0.1/24") and hosts (unicast source and peers).
// The codec parses (dotted quads only, no zones); we add prefixes and refuse non-host addresses.
import ipaddr from 'ipaddr.js';

import { formatIp, parseIpOrWhy } from '../vrrp/codec/ip-address.js';
import type { IpFamily } from '../vrrp/codec/types.js';

export interface HostAddress {
  /** Canonical text: dotted quad, or RFC 5952 for IPv6. */
  readonly address: string;
  readonly family: IpFamily;
}

export interface PrefixedAddress extends HostAddress {
  readonly prefixLength: number;
}

// No ranges that cannot be a host's own address.
const NOT_A_HOST: ReadonlySet<string> = new Set(['unspecified', 'multicast', 'broadcast']);

/** "10.0.0.1" or "2001:db8::1" -> canonical text and family, or why not. */
export function parseHostAddress(text: string): HostAddress | string {
  const bytes = parseIpOrWhy(text, { allowZone: false });
  if (typeof bytes === 'string') return `invalid address ${JSON.stringify(text)}: ${bytes}`;
  const address = formatIp(bytes);
  const range = ipaddr.parse(address).range();
  if (NOT_A_HOST.has(range)) return `${text} is not a host address (${range})`;
  return { address, family: bytes.length === 4 ? 'ipv4' : 'ipv6' };
}

const PREFIX = /^(0|[1-9]\d{0,2})$/;

/** "10.0.0.1/24" -> address, family, prefix. A bare address is a host route (/32 or /128). */
export function parsePrefixedAddress(text: string): PrefixedAddress | string {
  const slash = text.indexOf('/');
  const host = parseHostAddress(slash < 0 ? text : text.slice(0, slash));
  if (typeof host === 'string') return host;
  const maxLength = host.family === 'ipv4' ? 32 : 128;
  if (slash < 0) return { ...host, prefixLength: maxLength };
  const prefixText = text.slice(slash + 1);
  const prefixLength = PREFIX.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefixLength >= 1 && prefixLength <= maxLength)) {
    return `prefix length in ${JSON.stringify(text)} must be an integer from 1 to ${maxLength}`;
  }
  return { ...host, prefixLength };
}

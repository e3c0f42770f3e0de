// IP address text <-> wire bytes. Text handling is ipaddr.js's (no node I/O).
import ipaddr from 'ipaddr.js';

import { InvalidIpAddressError } from './errors.js';
import type { IpFamily } from './types.js';

export const IPV4_ADDRESS_LENGTH = 4;
export const IPV6_ADDRESS_LENGTH = 16;

interface ParseOptions {
  /** Accept and drop an IPv6 zone ("fe80::1%eth0"): sockets may report one; config must not. */
  readonly allowZone: boolean;
}

// A host sees a handful of addresses again and again (its peers, the multicast group, its VIPs);
// IPv6 text handling costs microseconds a call on the per-packet path. Bounded, so hostile input
// cannot grow it; results are shared, so they are copied before leaving this module.
const MEMO_LIMIT = 4096;
const parseMemo = new Map<string, Buffer | string>();
const formatMemo = new Map<string, string>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** The bytes of `text`, or why it is not acceptable. Never throws. */
export function parseIpOrWhy(text: string, opts: ParseOptions): Buffer | string {
  if (typeof text !== 'string') return 'not a string';
  const key = opts.allowZone ? `z${text}` : text;
  const known = parseMemo.get(key);
  if (known !== undefined) return typeof known === 'string' ? known : Buffer.from(known);
  const parsed = parseUncached(text, opts);
  remember(parseMemo, key, parsed);
  return typeof parsed === 'string' ? parsed : Buffer.from(parsed);
}

function parseUncached(text: string, opts: ParseOptions): Buffer | string {
  // ':' first: ipaddr.js's IPv4 validators throw and catch internally on IPv6 text (slow).
  if (!text.includes(':')) {
    // Four-part decimal only: "10.1" or "010.0.0.1" would silently mean another address.
    // Parsed here, not by ipaddr.js: this is on the per-packet path (encode), where ipaddr.js's
    // IPv4 parser dominated the simulation's profile.
    return parseDottedQuad(text) ?? 'not a dotted-quad IPv4 address';
  }
  if (!ipaddr.IPv6.isValid(text)) return 'not an IPv6 address';
  const addr = ipaddr.IPv6.parse(text);
  if (addr.zoneId !== undefined && !opts.allowZone) {
    return 'a zone index is not allowed here; name the interface separately';
  }
  // ipaddr.js reads the deprecated IPv4-compatible form "::a.b.c.d" (RFC 4291 §2.5.5.1)
  // as IPv4-mapped ::ffff:a.b.c.d, i.e. as different bytes: refuse it.
  if (addr.isIPv4MappedAddress() && !text.toLowerCase().includes('ffff')) {
    return 'deprecated IPv4-compatible IPv6 form (RFC 4291 §2.5.5.1)';
  }
  return Buffer.from(addr.toByteArray());
}

// Four decimal parts without leading zeros: "010.0.0.1" is octal to inet_aton.
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

function parseDottedQuad(text: string): Buffer | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (m === null) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return Buffer.from(octets);
}

/** Config text to 4 or 16 bytes. Throws InvalidIpAddressError. */
export function parseIp(text: string): Buffer {
  const bytes = parseIpOrWhy(text, { allowZone: false });
  if (typeof bytes === 'string') throw new InvalidIpAddressError(String(text), bytes);
  return bytes;
}

/** 4 bytes -> dotted quad; 16 bytes -> RFC 5952 canonical text. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === IPV4_ADDRESS_LENGTH) return bytes.join('.');
  if (bytes.length === IPV6_ADDRESS_LENGTH) {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
    return (
      formatMemo.get(key) ??
      remember(
        formatMemo,
        key,
        (ipaddr.fromByteArray(Array.from(bytes)) as ipaddr.IPv6).toRFC5952String(),
      )
    );
  }
  throw new InvalidIpAddressError(`<${bytes.length} bytes>`, 'an address is 4 or 16 bytes');
}

export function familyOfBytes(bytes: Uint8Array): IpFamily | undefined {
  if (bytes.length === IPV4_ADDRESS_LENGTH) return 'ipv4';
  if (bytes.length === IPV6_ADDRESS_LENGTH) return 'ipv6';
  return undefined;
}

export function addressLength(family: IpFamily): number {
  return family === 'ipv4' ? IPV4_ADDRESS_LENGTH : IPV6_ADDRESS_LENGTH;
}

/** Bytes of a received packet's endpoint, or why it is unusable. Never throws. */
export function endpointBytes(what: string, text: string, family: IpFamily): Buffer | string {
  const bytes = parseIpOrWhy(text, { allowZone: true });
  if (typeof bytes === 'string') return `${what} ${quote(text)}: ${bytes}`;
  if (familyOfBytes(bytes) !== family) return `${what} ${text} is not an ${family} address`;
  return bytes;
}

function quote(text: unknown): string {
  return typeof text === 'string' ? JSON.stringify(text) : `<${typeof text}>`;
}

/** The family parseIp would give `text`, or undefined if parseIp would throw. */
export function ipFamilyOf(text: string): IpFamily | undefined {
  const bytes = parseIpOrWhy(text, { allowZone: false });
  return typeof bytes === 'string' ? undefined : familyOfBytes(bytes);
}

/**
 * Compare as unsigned big-endian integers (RFC 5798 §6.4.3 / RFC 3768 §6.4.3 tie-break on
 * the primary address). Returns -1, 0 or 1. Throws on bad text or mixed families.
 */
export function compareIp(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x.length !== y.length) {
    throw new InvalidIpAddressError(`${a} <> ${b}`, 'cannot compare IPv4 with IPv6');
  }
  return Buffer.compare(x, y);
}

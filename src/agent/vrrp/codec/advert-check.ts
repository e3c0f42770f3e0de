// What the encoder refuses to put on the wire. Adverts come from our own config and
// state, so a bad one is a bug or a config error: it throws InvalidAdvertError.
import { InvalidAdvertError } from './errors.js';
import { familyOfBytes, parseIpOrWhy } from './ip-address.js';
import type { IpFamily, VrrpAdvert } from './types.js';

export const V2_AUTH_DATA_LENGTH = 8;
export const MAX_ADDRESS_COUNT = 255; // an 8-bit field (RFC 5798 §5.2.5)
export const MAX_V3_INTERVAL_CS = 0x0fff; // 12 bits (RFC 5798 §5.2.7)

function checkInt(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidAdvertError(
      `${name} must be an integer in ${min}..${max}, got ${String(value)}`,
    );
  }
}

/** Bytes of an address that must be of `family`. */
export function addressBytes(what: string, text: string, family: IpFamily): Buffer {
  const bytes = parseIpOrWhy(text, { allowZone: false });
  if (typeof bytes === 'string') {
    throw new InvalidAdvertError(`${what} ${JSON.stringify(text)}: ${bytes}`);
  }
  if (familyOfBytes(bytes) !== family) {
    throw new InvalidAdvertError(`${what} ${text} is not an ${family} address`);
  }
  return bytes;
}

/** Validates `advert` for encoding and returns its addresses as bytes, in order. */
export function checkAdvert(advert: VrrpAdvert): Buffer[] {
  if (advert.family !== 'ipv4' && advert.family !== 'ipv6') {
    throw new InvalidAdvertError(`unknown family ${String(advert.family)}`);
  }
  checkInt('vrid', advert.vrid, 1, 255); // RFC 5798 §5.2.3
  checkInt('priority', advert.priority, 0, 255); // RFC 5798 §5.2.4
  if (advert.version === 2) {
    // RFC 3768 is IPv4 only.
    if (advert.family !== 'ipv4') throw new InvalidAdvertError('VRRPv2 is IPv4 only');
    checkInt('advertIntervalSec', advert.advertIntervalSec, 1, 255); // RFC 3768 §5.3.7
    if (advert.authType !== 0 && advert.authType !== 1) {
      throw new InvalidAdvertError(`v2 authType must be 0 or 1, got ${String(advert.authType)}`);
    }
    if (!(advert.authData instanceof Uint8Array)) {
      throw new InvalidAdvertError('v2 authData must be a Buffer');
    }
    if (advert.authData.length !== V2_AUTH_DATA_LENGTH) {
      throw new InvalidAdvertError(`v2 authData must be 8 bytes, got ${advert.authData.length}`);
    }
  } else if (advert.version === 3) {
    checkInt('maxAdvertIntervalCs', advert.maxAdvertIntervalCs, 1, MAX_V3_INTERVAL_CS);
  } else {
    throw new InvalidAdvertError(
      `unknown VRRP version ${String((advert as { version: unknown }).version)}`,
    );
  }
  const count = advert.addresses.length;
  // RFC 5798 §5.2.5: at least one address; receivers drop count 0.
  if (count < 1 || count > MAX_ADDRESS_COUNT) {
    throw new InvalidAdvertError(
      `an advert carries 1..${MAX_ADDRESS_COUNT} addresses, got ${count}`,
    );
  }
  return advert.addresses.map((text) => addressBytes('address', text, advert.family));
}

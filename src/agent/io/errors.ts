// Errors of the raw-socket transport (io/). Stable codes: callers branch on `code`.
import { FloatdError } from '../errors.js';

/** The named interface does not exist (or the name cannot be one). */
export class NoInterfaceError extends FloatdError {
  readonly iface: string;

  constructor(iface: string, why = 'no such interface') {
    super('FLOATD_NO_INTERFACE', `interface ${JSON.stringify(iface)}: ${why}`);
    this.iface = iface;
  }
}

/** `ip` could not be run or printed something we cannot read. */
export class InterfaceReadError extends FloatdError {
  readonly iface: string;

  constructor(iface: string, why: string, options?: { cause?: unknown }) {
    super('FLOATD_INTERFACE_READ', `interface ${JSON.stringify(iface)}: ${why}`, options);
    this.iface = iface;
  }
}

/** A raw socket could not be opened or configured, or failed while in use. */
export class VrrpSocketError extends FloatdError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FLOATD_VRRP_SOCKET', message, options);
  }
}

/** One advert could not be encoded or sent to one destination. Reported, never thrown. */
export class VrrpSendError extends FloatdError {
  readonly destination: string;

  constructor(destination: string, why: string, options?: { cause?: unknown }) {
    super('FLOATD_VRRP_SEND', `advert to ${destination}: ${why}`, options);
    this.destination = destination;
  }
}

// Errors of the raw-socket transport (io/). Stable codes: callers branch on `code`.
import { FloatdError } from '../errors.js';

/** The named interface does not exist (or the name cannot be one). */
export class NoInterfaceError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NO_INTERFACE';

  readonly iface: string;

  constructor(iface: string, why = 'no such interface') {
    super(`interface ${JSON.stringify(iface)}: ${why}`);
    this.iface = iface;
  }
}

/** `ip` could not be run or printed something we cannot read. */
export class InterfaceReadError extends FloatdError {
  override readonly code = 'FLOATD_ERR_INTERFACE_READ';

  readonly iface: string;

  constructor(iface: string, why: string, options?: { cause?: unknown }) {
    super(`interface ${JSON.stringify(iface)}: ${why}`, options);
    this.iface = iface;
  }
}

/** A raw socket could not be opened or configured, or failed while in use. */
export class VrrpSocketError extends FloatdError {
  override readonly code = 'FLOATD_ERR_VRRP_SOCKET';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** One advert could not be encoded or sent to one destination. Reported, never thrown. */
export class VrrpSendError extends FloatdError {
  override readonly code = 'FLOATD_ERR_VRRP_SEND';

  readonly destination: string;

  constructor(destination: string, why: string, options?: { cause?: unknown }) {
    super(`advert to ${destination}: ${why}`, options);
    this.destination = destination;
  }
}

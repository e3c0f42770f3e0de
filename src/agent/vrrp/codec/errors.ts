// Errors thrown by the codec's *encoding* and config-parsing side. Decoding never
// throws: a bad packet is a DecodeResult rejection (ARCHITECTURE.md, "Errors").

import { FloatdError } from '../../errors.js';

/** Base of every codec error; `code` is stable (undici's style), `message` is for humans. */
export class CodecError extends FloatdError {
  override readonly code: string = 'FLOATD_ERR_CODEC';
}

/** Text that is not an IPv4/IPv6 address we accept (config input, not network input). */
export class InvalidIpAddressError extends CodecError {
  override readonly code = 'FLOATD_ERR_INVALID_IP_ADDRESS';
  readonly text: string;

  constructor(text: string, why: string) {
    super(`invalid IP address ${JSON.stringify(text)}: ${why}`);
    this.text = text;
  }
}

/** An advert (or encoding option) that cannot be put on the wire as given. */
export class InvalidAdvertError extends CodecError {
  override readonly code = 'FLOATD_ERR_INVALID_ADVERT';
}

// Errors thrown by the codec's *encoding* and config-parsing side. Decoding never
// throws: a bad packet is a DecodeResult rejection (ARCHITECTURE.md, "Errors").

/** Base of every codec error; `code` is stable (undici's style), `message` is for humans. */
export class CodecError extends Error {
  readonly code: string;

  constructor(message: string, code = 'FLOATD_ERR_CODEC') {
    super(message);
    this.name = 'CodecError';
    this.code = code;
  }
}

/** Text that is not an IPv4/IPv6 address we accept (config input, not network input). */
export class InvalidIpAddressError extends CodecError {
  readonly text: string;

  constructor(text: string, why: string) {
    super(`invalid IP address ${JSON.stringify(text)}: ${why}`, 'FLOATD_ERR_INVALID_IP_ADDRESS');
    this.name = 'InvalidIpAddressError';
    this.text = text;
  }
}

/** An advert (or encoding option) that cannot be put on the wire as given. */
export class InvalidAdvertError extends CodecError {
  constructor(message: string) {
    super(message, 'FLOATD_ERR_INVALID_ADVERT');
    this.name = 'InvalidAdvertError';
  }
}

// Errors with a stable `code` (undici's style): callers branch on the code, never on the message.

export class FloatdError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A virtual router was configured with values the protocol does not allow. */
export class VrrpConfigError extends FloatdError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('FLOATD_VRRP_CONFIG', `invalid virtual router: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

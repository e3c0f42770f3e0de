// Errors of the cloud side, with a stable `code` (undici's style). src/cloud never imports
// src/agent, so it has its own base; the agent treats it like its FloatdError.

export class CloudError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The instance metadata service could not be reached or answered badly. */
export class ImdsError extends CloudError {}

/** A cloud API call failed; `call` names it (e.g. 'AssignPrivateIpAddresses'). */
export class CloudApiError extends CloudError {
  constructor(
    code: string,
    readonly call: string,
    message: string,
    /** Worth retrying: throttling, 5xx, timeouts, network errors. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

// Errors of the cloud side, on floatd's one base (src/errors.ts): a stable code per class.
// Where a class covers several causes, `reason` names the cause (CLOUD_THROTTLED, IMDS_TIMEOUT).
import { FloatdError } from '../errors.js';

export { FloatdError };

/** The instance metadata service could not be reached or answered badly. */
export class ImdsError extends FloatdError {
  override readonly code = 'FLOATD_ERR_IMDS';

  constructor(
    /** IMDS_UNREACHABLE, IMDS_TIMEOUT, IMDS_NOT_FOUND, IMDS_UNKNOWN_MAC, ... */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A cloud API call failed; `call` names it (e.g. 'AssignPrivateIpAddresses'). */
export class CloudApiError extends FloatdError {
  override readonly code: string = 'FLOATD_ERR_CLOUD_API';

  constructor(
    /** CLOUD_THROTTLED, CLOUD_TIMEOUT, CLOUD_FORBIDDEN, ... (classify.ts) */
    readonly reason: string,
    readonly call: string,
    message: string,
    /** Worth retrying: throttling, 5xx, timeouts, network errors. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A fence record or its target cannot be written or read as floatd's (fence-tag.ts). */
export class FenceError extends FloatdError {
  override readonly code = 'FLOATD_ERR_FENCE';

  constructor(
    /** FENCE_NO_RESOURCE, FENCE_BAD_RECORD, FENCE_NOT_OURS */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** This host's identity could not be worked out (discovery.ts). */
export class DiscoveryError extends FloatdError {
  override readonly code = 'FLOATD_ERR_DISCOVERY';
}

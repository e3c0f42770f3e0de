// Classification of a failed EC2 call into a CloudApiError with a stable code: retryable for
// throttling, 5xx, timeouts and network errors; otherwise a message naming the call and what to
// check (credentials, IAM policy, the id in the config). Never echoes credentials.
import { CloudApiError } from '../errors.js';
import type { CallOutcome } from '../metrics.js';

/** Stable, provider-neutral causes of CloudApiError (its `reason`); the EC2 code is in `awsCode`. */
export type CloudApiCode =
  | 'CLOUD_THROTTLED'
  | 'CLOUD_SERVER_ERROR'
  | 'CLOUD_TIMEOUT'
  | 'CLOUD_ABORTED'
  | 'CLOUD_NETWORK'
  | 'CLOUD_CREDENTIALS'
  | 'CLOUD_AUTH'
  | 'CLOUD_FORBIDDEN'
  | 'CLOUD_NOT_FOUND'
  | 'CLOUD_INVALID_REQUEST'
  | 'CLOUD_CLIENT_ERROR';

/** A failed EC2 call: CloudApiError plus what EC2 said. */
export class Ec2CallError extends CloudApiError {
  override readonly code = 'FLOATD_ERR_EC2_CALL';

  constructor(
    /** The cause, provider-neutral (CloudApiError.reason). */
    reason: CloudApiCode,
    call: string,
    message: string,
    retryable: boolean,
    /** The outcome label for metrics. */
    readonly outcome: Exclude<CallOutcome, 'ok'>,
    /** EC2's error code ('RequestLimitExceeded', 'AuthFailure', ...) or a Node error code. */
    readonly awsCode: string | undefined,
    readonly httpStatus: number | undefined,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(reason, call, message, retryable, options);
  }
}

export interface ClassifyContext {
  /** Our per-call timeout fired. */
  readonly timedOut?: boolean | undefined;
  /** The caller's signal aborted (the reconciler cancelled). */
  readonly aborted?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
  readonly subject?: string | undefined;
}

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);
const SERVER = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'InsufficientAddressCapacity',
]);
const AUTH = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'OptInRequired',
  'RequestExpired',
  'ExpiredToken',
  'InvalidToken',
]);
const FORBIDDEN = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);
const INVALID = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
  'MissingParameter',
  'InvalidInput',
  'ValidationError',
]);
const NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/** Map any error from one SDK call to an Ec2CallError (never throws). */
export function classifyEc2Error(
  call: string,
  error: unknown,
  context: ClassifyContext = {},
): Ec2CallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const name = typeof e.name === 'string' ? e.name : undefined;
  const nodeCode = typeof e.code === 'string' ? e.code : undefined;
  const status =
    typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const requestId = typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined;
  const said = redact(typeof e.message === 'string' ? e.message : String(error));
  const isService = e.$fault === 'client' || e.$fault === 'server' || status !== undefined;
  const awsCode = isService ? name : (nodeCode ?? name);
  const ask = `EC2 ${call}`;
  const make = (
    code: CloudApiCode,
    outcome: Exclude<CallOutcome, 'ok'>,
    retryable: boolean,
    message: string,
  ): Ec2CallError =>
    new Ec2CallError(code, call, message, retryable, outcome, awsCode, status, requestId, {
      cause: error,
    });
  const subject = context.subject === undefined ? 'the ids' : context.subject;

  if (context.aborted === true) {
    return make('CLOUD_ABORTED', 'timeout', true, `${ask} was cancelled by its caller`);
  }
  if (
    context.timedOut === true ||
    (!isService && name === 'TimeoutError' && (nodeCode ?? 'ETIMEDOUT') === 'ETIMEDOUT')
  ) {
    const limit = context.timeoutMs === undefined ? '' : ` within ${context.timeoutMs} ms`;
    return make('CLOUD_TIMEOUT', 'timeout', true, `${ask} got no answer${limit}; retrying`);
  }
  if (!isService) {
    if (nodeCode !== undefined && NETWORK.has(nodeCode)) {
      return make(
        'CLOUD_NETWORK',
        'network',
        true,
        `${ask} could not reach the EC2 endpoint (${nodeCode}: ${said}); check DNS, routes and ` +
          'security groups/NACLs to the EC2 API (or its VPC endpoint)',
      );
    }
    if (name === 'CredentialsProviderError') {
      // Often transient (the instance profile is read from IMDS), so worth retrying.
      return make(
        'CLOUD_CREDENTIALS',
        'client-error',
        true,
        `${ask} has no AWS credentials: ${said}; attach an instance profile with floatd's IAM ` +
          'policy, or set AWS_* environment variables / a shared credentials file',
      );
    }
    if (name === 'AbortError') {
      return make('CLOUD_TIMEOUT', 'timeout', true, `${ask} was aborted: ${said}; retrying`);
    }
    return make('CLOUD_NETWORK', 'network', true, `${ask} failed before an answer: ${said}`);
  }

  const awsName = awsCode ?? 'UnknownError';
  const what = `${ask} failed: ${awsName}: ${said}`;
  if (THROTTLING.has(awsName) || status === 429) {
    return make('CLOUD_THROTTLED', 'throttled', true, `${what} (EC2 is throttling this account)`);
  }
  if (SERVER.has(awsName) || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return make('CLOUD_SERVER_ERROR', 'server-error', true, `${what} (EC2 side; retrying)`);
  }
  if (AUTH.has(awsName) || awsName.startsWith('AuthFailure')) {
    const clock =
      awsName === 'RequestExpired' || awsName === 'SignatureDoesNotMatch'
        ? ' and that the host clock is synchronised'
        : '';
    return make(
      'CLOUD_AUTH',
      'client-error',
      false,
      `${what}; check the AWS credentials floatd uses (instance profile, AWS_* environment ` +
        `variables or the shared credentials file)${clock}`,
    );
  }
  if (FORBIDDEN.has(awsName)) {
    return make(
      'CLOUD_FORBIDDEN',
      'client-error',
      false,
      `${ask} failed: ${awsName}: the IAM policy of floatd's role must allow ec2:${call} ` +
        `(see infra/; ${said.slice(0, 200)})`,
    );
  }
  if (awsName.endsWith('.NotFound')) {
    return make(
      'CLOUD_NOT_FOUND',
      'client-error',
      false,
      `${what}; check ${subject} in the floatd configuration (and the region)`,
    );
  }
  if (INVALID.has(awsName) || awsName.endsWith('.Malformed')) {
    return make(
      'CLOUD_INVALID_REQUEST',
      'client-error',
      false,
      `${what}; check ${subject} in the floatd configuration`,
    );
  }
  return make('CLOUD_CLIENT_ERROR', 'client-error', false, what);
}

/** Defence in depth: never echo anything shaped like an access key id into a message or log. */
export function redact(text: string): string {
  return text.replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{8,}\b/g, '$1…');
}

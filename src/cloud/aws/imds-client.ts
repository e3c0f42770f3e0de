// IMDSv2 client: a session token (PUT /latest/api/token) then GETs carrying it. The token is
// cached and renewed before it expires (at `refreshAtFraction` of its TTL), and once more when
// IMDS answers 401 (the token was revoked, e.g. the instance was stopped and started).
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
import { request, type Dispatcher } from 'undici';
import { ImdsError } from '../errors.js';

/** The link-local IMDS address; FLOATD_IMDS_ENDPOINT points tests and the lab at a fake. */
export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';

export interface ImdsClientOptions {
  /** Default: env FLOATD_IMDS_ENDPOINT, else http://169.254.169.254. */
  readonly endpoint?: string | undefined;
  /** Lifetime asked for each token (IMDS allows 1..21600 s). */
  readonly tokenTtlSeconds?: number | undefined;
  /** Renew the token once this fraction of its TTL has passed. */
  readonly refreshAtFraction?: number | undefined;
  /** Per HTTP request, token PUT and GET alike. */
  readonly timeoutMs?: number | undefined;
  /** Monotonic milliseconds; injected by tests to age the token. */
  readonly now?: (() => number) | undefined;
  /** undici dispatcher (tests close theirs); default: undici's global one. */
  readonly dispatcher?: Dispatcher | undefined;
}

export interface ImdsRequestOptions {
  readonly signal?: AbortSignal | undefined;
}

/** What discovery needs: read a metadata path, or learn it does not exist (404 → undefined). */
export interface ImdsReader {
  get(path: string, options?: ImdsRequestOptions): Promise<string>;
  getOptional(path: string, options?: ImdsRequestOptions): Promise<string | undefined>;
}

interface CachedToken {
  readonly value: string;
  readonly refreshAtMs: number;
}

export class ImdsClient implements ImdsReader {
  readonly endpoint: string;
  private readonly tokenTtlSeconds: number;
  private readonly refreshAtFraction: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly dispatcher: Dispatcher | undefined;
  private cached: CachedToken | undefined;
  /** One PUT in flight at a time: concurrent GETs share it. */
  private pending: Promise<string> | undefined;

  constructor(options: ImdsClientOptions = {}) {
    this.endpoint = options.endpoint ?? process.env.FLOATD_IMDS_ENDPOINT ?? DEFAULT_IMDS_ENDPOINT;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 21_600;
    this.refreshAtFraction = options.refreshAtFraction ?? 0.8;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.now = options.now ?? (() => performance.now());
    this.dispatcher = options.dispatcher;
  }

  /** A valid session token: the cached one, or a fresh PUT once it is 80 % through its TTL. */
  async token(options: ImdsRequestOptions = {}): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.refreshAtMs) {
      return this.cached.value;
    }
    if (options.signal?.aborted === true) {
      throw new ImdsError('IMDS_ABORTED', `instance metadata token request was cancelled`);
    }
    // Shared by concurrent callers, so not tied to one caller's signal (timeoutMs bounds it).
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the token: the next request fetches a new one. */
  invalidateToken(): void {
    this.cached = undefined;
  }

  /** GET a metadata path (e.g. '/latest/meta-data/instance-id'); a 404 is an ImdsError. */
  async get(path: string, options: ImdsRequestOptions = {}): Promise<string> {
    const value = await this.getOptional(path, options);
    if (value === undefined) {
      throw new ImdsError(
        'IMDS_NOT_FOUND',
        `instance metadata ${path} does not exist (404 from ${this.endpoint}); ` +
          'this host is not an EC2 instance with that metadata, or set the value in the config',
      );
    }
    return value;
  }

  /** GET a metadata path; undefined when IMDS answers 404. */
  async getOptional(path: string, options: ImdsRequestOptions = {}): Promise<string | undefined> {
    let response = await this.getWithToken(path, await this.token(options), options);
    if (response.status === 401) {
      // The token was rejected before we thought it expired: renew once and ask again.
      this.invalidateToken();
      response = await this.getWithToken(path, await this.token(options), options);
    }
    if (response.status === 404) return undefined;
    if (response.status !== 200) {
      throw new ImdsError(
        'IMDS_HTTP_STATUS',
        `instance metadata GET ${path} answered HTTP ${response.status} (${this.endpoint}); ` +
          statusAdvice(response.status),
      );
    }
    return response.body;
  }

  private async fetchToken(): Promise<string> {
    const startedMs = this.now();
    const response = await this.send(
      'PUT',
      '/latest/api/token',
      { 'x-aws-ec2-metadata-token-ttl-seconds': String(this.tokenTtlSeconds) },
      {},
    );
    if (response.status !== 200 || response.body.length === 0) {
      throw new ImdsError(
        'IMDS_HTTP_STATUS',
        `instance metadata token PUT /latest/api/token answered HTTP ${response.status} ` +
          `(${this.endpoint}); ${statusAdvice(response.status)}`,
      );
    }
    // Measured from before the PUT, so the token is never used past its real expiry.
    const lifetimeMs = this.tokenTtlSeconds * 1000 * this.refreshAtFraction;
    this.cached = { value: response.body, refreshAtMs: startedMs + lifetimeMs };
    return response.body;
  }

  private getWithToken(
    path: string,
    token: string,
    options: ImdsRequestOptions,
  ): Promise<{ status: number; body: string }> {
    return this.send('GET', path, { 'x-aws-ec2-metadata-token': token }, options);
  }

  private async send(
    method: 'GET' | 'PUT',
    path: string,
    headers: Record<string, string>,
    options: ImdsRequestOptions,
  ): Promise<{ status: number; body: string }> {
    // Linked by hand (not AbortSignal.any): no composite signal left on a long-lived caller's.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    const callerSignal = options.signal;
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted === true) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const what = `instance metadata ${method} ${path} (${this.endpoint})`;
    try {
      const response = await request(new URL(path, this.endpoint), {
        method,
        headers,
        signal: controller.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(this.dispatcher === undefined ? {} : { dispatcher: this.dispatcher }),
      });
      const body = await response.body.text();
      return { status: response.statusCode, body };
    } catch (error) {
      if (callerSignal?.aborted === true) {
        throw new ImdsError('IMDS_ABORTED', `${what} was cancelled`, { cause: error });
      }
      if (timedOut || isTimeout(error)) {
        throw new ImdsError(
          'IMDS_TIMEOUT',
          `${what} got no answer within ${this.timeoutMs} ms; if floatd runs in a container, ` +
            'the instance metadata hop limit must be at least 2 (modify-instance-metadata-options ' +
            '--http-put-response-hop-limit 2)',
          { cause: error },
        );
      }
      throw new ImdsError(
        'IMDS_UNREACHABLE',
        `${what} failed: ${(error as Error).message}; check that this host is an EC2 instance ` +
          'with the metadata service enabled (http-endpoint enabled), or set the identity in the config',
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function statusAdvice(status: number): string {
  switch (status) {
    case 401:
      return 'the session token was refused twice; the metadata service may be restarting';
    case 403:
      return 'the metadata service is disabled for this instance (http-endpoint disabled)';
    case 405:
    case 400:
      return 'the metadata service rejected an IMDSv2 request (a proxy in between?)';
    default:
      return status >= 500
        ? 'the metadata service is unavailable; it is retried'
        : 'unexpected answer from the metadata service';
  }
}

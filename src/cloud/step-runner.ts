// How a target loop runs one provider step: until it succeeds, retryable failures (throttling,
// 5xx, timeouts) backing off with jitter, others (credentials, IAM, a wrong id) reported and
// retried at the re-check interval, since an operator may fix them while we stay MASTER.
import type { Logger } from 'pino';
import { backoffDelayMs } from './backoff.js';
import { CloudApiError } from './errors.js';
import type { ReconcilerSettings } from './reconciler-settings.js';
import type { CloudTiming } from './timing.js';

export type Step = 'claim' | 'observe' | 'readFences' | 'writeFence';

export interface TargetError {
  readonly call: string;
  readonly code: string;
  readonly message: string;
  readonly atMs: number;
}

/** A claim retry found a newer term: stop claiming (the loop is fenced now). */
export class Superseded extends Error {}

export class StepRunner {
  lastError: TargetError | undefined;

  constructor(
    private readonly log: Logger,
    private readonly timing: CloudTiming,
    private readonly settings: ReconcilerSettings,
  ) {}

  async attempt<T>(step: Step, signal: AbortSignal, op: (retry: number) => Promise<T>): Promise<T> {
    const { timing, settings } = this;
    for (let retry = 0; ; retry++) {
      signal.throwIfAborted();
      let result: T;
      try {
        result = await op(retry);
      } catch (error) {
        signal.throwIfAborted();
        if (error instanceof Superseded) throw error;
        const retryable = error instanceof CloudApiError && error.retryable;
        const waitMs = retryable
          ? backoffDelayMs(settings.backoff, retry, timing.random())
          : settings.recheckIntervalMs;
        this.lastError = {
          call: error instanceof CloudApiError ? error.call : step,
          code: error instanceof CloudApiError ? error.code : 'UNEXPECTED',
          message: (error as Error).message,
          atMs: timing.nowMs(),
        };
        const fields = {
          event: 'cloud-call-failed',
          step,
          ...this.lastError,
          retryInMs: round(waitMs),
        };
        if (retryable) this.log.warn(fields, 'cloud call failed; retrying');
        else this.log.error(fields, 'cloud call failed; retrying at the re-check interval');
        await this.pause(waitMs, signal);
        continue;
      }
      // The call may have finished after we were cancelled (a provider that ignores the signal,
      // or a reply already queued): a cancelled run must not act on it or touch the status.
      signal.throwIfAborted();
      return result;
    }
  }

  /** Sleep, then stop if cancelled meanwhile (a timer that fired just before the abort). */
  async pause(ms: number, signal: AbortSignal): Promise<void> {
    await this.timing.sleep(ms, signal);
    signal.throwIfAborted();
  }
}

/**
 * Await steps that run side by side and fail with the first failure only once all have ended:
 * with Promise.all, a cancelled sibling would end the run (and resolve stop()) while a claim is
 * still in flight.
 */
export async function joinSteps<A, B>(
  signal: AbortSignal,
  a: Promise<A>,
  b: Promise<B>,
): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  signal.throwIfAborted();
  return [ra.value, rb.value];
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

// One EC2 API call, exactly one attempt: a per-call timeout combined with the caller's signal,
// its duration measured, its failure classified into a CloudApiError the reconciler can act on
// (retry throttling/5xx/timeouts/network; stop and say what to fix for the rest), and an
// observer told about every call for metrics and the failover timeline.
import type { CallEvent, CallOutcome } from '../metrics.js';
import { classifyEc2Error } from './classify.js';

export type { CallEvent, CallOutcome };
export { classifyEc2Error, Ec2CallError, redact, type CloudApiCode } from './classify.js';
export type CallObserver = (event: CallEvent) => void;

export interface CallContext {
  readonly timeoutMs: number;
  readonly observer?: CallObserver | undefined;
}

export interface RunCallOptions {
  readonly signal?: AbortSignal | undefined;
  /** What to check when an id is not found, e.g. "elastic-ip allocationId eipalloc-1". */
  readonly subject?: string | undefined;
}

/**
 * Run `send(abortSignal)` once (an SDK `client.send(command, { abortSignal })`), named `call`
 * (the EC2 action). Resolves with its output or rejects with an Ec2CallError.
 */
export async function runCall<T>(
  context: CallContext,
  call: string,
  send: (abortSignal: AbortSignal) => Promise<T>,
  options: RunCallOptions = {},
): Promise<T> {
  // One controller for both reasons to stop; linked by hand rather than AbortSignal.any so a
  // long-lived caller signal does not accumulate a composite signal per call.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${context.timeoutMs} ms`));
  }, context.timeoutMs);
  const callerSignal = options.signal;
  const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted === true) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const startedMs = performance.now();
  const startedAtMs = performance.timeOrigin + startedMs;
  const report = (outcome: CallOutcome, code?: string): void => {
    const event: CallEvent = {
      call,
      outcome,
      ...(code === undefined ? {} : { code }),
      durationMs: performance.now() - startedMs,
      startedAtMs,
    };
    try {
      context.observer?.(event);
    } catch {
      // An observer's bug must not turn a successful claim into a failure.
    }
  };
  try {
    const output = await send(controller.signal);
    report('ok');
    return output;
  } catch (error) {
    const classified = classifyEc2Error(call, error, {
      timedOut: timedOut && callerSignal?.aborted !== true,
      aborted: callerSignal?.aborted === true,
      timeoutMs: context.timeoutMs,
      subject: options.subject,
    });
    report(classified.outcome, classified.awsCode);
    throw classified;
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

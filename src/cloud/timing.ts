// Time for the cloud side, injected so tests can drive it. Wall-clock epoch milliseconds with
// sub-millisecond resolution: failover timelines are compared across processes (agent, emulator).
import { performance } from 'node:perf_hooks';

export interface CloudTiming {
  /** High-resolution epoch milliseconds. */
  nowMs(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1): backoff jitter. */
  random(): number;
}

/**
 * CLOCK_MONOTONIC in ms: the same clock in every process of a host. Epoch times built from
 * performance.timeOrigin are not (each process anchors its own, and the wall clock is slewed: a
 * millisecond apart within seconds here), so times compared across processes (agent and
 * emulator, in the benchmark) use this one.
 */
export function monotonicNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const realTiming: CloudTiming = {
  nowMs: epochNowMs,
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: Math.random,
};

/**
 * Resolves on the event loop's next turn. The SDK turns a call into a request over many
 * promise steps; calls started together advance in lock-step and all reach the wire late. Giving
 * the most urgent call a turn of its own puts it on the wire first.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

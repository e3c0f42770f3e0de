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

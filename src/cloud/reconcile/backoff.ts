// Jittered exponential backoff ("full jitter"): spreads retries of agents that failed together,
// so a throttled API is not hit again in lock-step.

export interface BackoffSettings {
  /** First retry waits up to this long. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 100, maxMs: 5_000 };

/** The wait before retry number `attempt` (0 = first retry), given a uniform random in [0, 1). */
export function backoffDelayMs(settings: BackoffSettings, attempt: number, random: number): number {
  const ceilingMs = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(attempt, 30));
  // Never less than a tenth of the base: a zero wait would turn a throttle into a busy loop.
  return Math.max(settings.baseMs / 10, ceilingMs * random);
}

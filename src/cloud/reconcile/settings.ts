// Timings of the level-triggered reconciler. Defaults suit EC2: its API answers in 50-300 ms,
// reads lag writes by up to a few seconds, and it throttles bursts (RequestLimitExceeded).
import { DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';

export interface ReconcilerSettings {
  /** While MASTER, re-read owner and fence this often, and renew our fence record. */
  readonly recheckIntervalMs: number;
  /** Read-back may lag a write (eventual consistency); past this, claim again. */
  readonly verifyTimeoutMs: number;
  /** A fencing record whose beat has not moved for this long belongs to a holder that is gone. */
  readonly fenceLeaseMs: number;
  /** Seen the target on another ENI with no newer term: wait this long for its term to show. */
  readonly driftConfirmMs: number;
  /** Longest wait between read-backs while verifying. */
  readonly verifyPollMaxMs: number;
  readonly backoff: BackoffSettings;
}

export const DEFAULT_RECONCILER_SETTINGS: ReconcilerSettings = {
  recheckIntervalMs: 5_000,
  verifyTimeoutMs: 10_000,
  fenceLeaseMs: 15_000,
  // Longer than a fence write may take under throttling and a timed-out call or two: a new
  // MASTER's claim can land before its record shows.
  driftConfirmMs: 5_000,
  verifyPollMaxMs: 1_000,
  backoff: DEFAULT_BACKOFF,
};

// The shapes of a target loop: its phases, its status and its failover timeline.
import type { Logger } from 'pino';
import type { CloudMetrics } from './metrics.js';
import type { CloudProvider } from './provider.js';
import type { ReconcilerSettings } from './reconciler-settings.js';
import type { TargetError } from './step-runner.js';
import type { CloudTarget, CloudTargetKind } from './target.js';
import type { CloudTiming } from './timing.js';

export type TargetPhase =
  | 'idle' // not MASTER: nothing to do
  | 'waiting-for-cloud' // MASTER, but discovery (IMDS) has not finished
  | 'claiming'
  | 'verifying'
  | 'converged'
  | 'fenced';

/** Why a takeover started. */
export type TakeoverTrigger = 'became-master' | 'peer-yielded' | 'fence-lifted' | 'fence-expired';

/** High-resolution epoch ms of each failover stage (shown in status; compared with the emulator's log). */
export interface FailoverTimeline {
  readonly trigger: TakeoverTrigger;
  readonly term: number;
  readonly startedAtMs: number;
  /** The first request issued (handed to the EC2 client), not its arrival at the API. */
  firstRequestAtMs?: number;
  acceptedAtMs?: number;
  confirmedAtMs?: number;
}

export interface TargetStatus {
  readonly name: string;
  readonly kind: CloudTargetKind;
  readonly phase: TargetPhase;
  readonly term: number | undefined;
  /** The ENI the last read-back named. */
  readonly observedOwner: string | undefined;
  readonly fencedBy: { readonly owner: string; readonly term: number } | undefined;
  readonly claims: number;
  readonly lastError: TargetError | undefined;
  readonly timeline: FailoverTimeline | undefined;
}

export interface TargetLoopDeps {
  readonly instance: string;
  readonly target: CloudTarget;
  /** Resolves once the cloud identity is known (discovery may still be retrying). */
  readonly provider: (signal: AbortSignal) => Promise<CloudProvider>;
  /** The provider if discovery has finished, without waiting. */
  readonly knownProvider?: (() => CloudProvider | undefined) | undefined;
  readonly timing: CloudTiming;
  readonly settings: ReconcilerSettings;
  readonly logger: Logger;
  readonly metrics?: CloudMetrics | undefined;
}

// What a target's machine shows: its phase, its last error and its failover timeline.
import type { CloudTargetKind } from '../target.js';
import type { TakeoverTrigger } from './types.js';

export type TargetPhase =
  | 'idle' // not MASTER: nothing to do
  | 'waiting-for-cloud' // MASTER, but discovery (IMDS) has not finished
  | 'claiming'
  | 'verifying'
  | 'converged'
  | 'fenced';

/** The epoch-anchored ms of each failover stage (status; compared with the emulator's log). */
export interface FailoverTimeline {
  readonly trigger: TakeoverTrigger;
  readonly term: number;
  readonly startedAtMs: number;
  /** The first request issued (handed to the EC2 client), not its arrival at the API. */
  readonly firstRequestAtMs?: number;
  readonly acceptedAtMs?: number;
  readonly confirmedAtMs?: number;
}

export interface TargetError {
  readonly call: string;
  readonly code: string;
  readonly message: string;
  readonly atMs: number;
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
  /** The target whose claim this one waits for (an EIP mapped to a secondary IP). */
  readonly after?: string | undefined;
}

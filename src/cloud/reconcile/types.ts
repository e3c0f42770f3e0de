// The inputs and commands of the cloud reconciler machine (sans-I/O, as the VRRP core): inputs
// carry nowMs, the machine answers with commands (API calls to make, calls to cancel, log events)
// and tells its next deadline. A runner outside this folder does the I/O.
//
// Time: `nowMs` is the process's monotonic clock anchored at the epoch (performance.timeOrigin +
// performance.now()): deadlines need a clock that never steps back, and fence terms compare across
// hosts as wall-clock milliseconds. In the simulation both are the simulated clock.
import type { FenceRecord } from '../provider.js';

/** Who "me" is in the cloud, once discovery has finished. */
export interface MachineIdentity {
  readonly instanceId: string;
  readonly networkInterfaceId: string;
}

/** One provider call, exactly as the runner makes it (one attempt; the machine retries). */
export type CloudCall =
  | { readonly kind: 'claim' }
  | { readonly kind: 'observe' }
  | { readonly kind: 'readFences' }
  | { readonly kind: 'writeFence'; readonly record: FenceRecord };

export type CallKind = CloudCall['kind'];

/** What a failed call said (CloudApiError's fields, or UNEXPECTED for anything else). */
export interface CallFailure {
  readonly call: string;
  readonly code: string;
  readonly message: string;
  /** Throttling, 5xx, timeouts, network: back off and retry; otherwise retry at the re-check. */
  readonly retryable: boolean;
  /** Cancelled before it left: the cloud never saw it. */
  readonly notSent?: boolean;
}

export type CallOutcome =
  | { readonly ok: true; readonly kind: 'claim' | 'writeFence' }
  | {
      readonly ok: true;
      readonly kind: 'observe';
      readonly ownerNetworkInterfaceId: string | undefined;
      /** Human-readable detail for logs (e.g. per-table owners). */
      readonly detail?: string;
    }
  | { readonly ok: true; readonly kind: 'readFences'; readonly records: readonly FenceRecord[] }
  | { readonly ok: false; readonly failure: CallFailure };

/** Why a takeover started. */
export type TakeoverTrigger = 'became-master' | 'peer-yielded' | 'fence-lifted' | 'fence-expired';

export type MachineInput =
  /** Discovery finished: the machine may call the API from now on. */
  | { readonly type: 'ready'; readonly nowMs: number; readonly identity: MachineIdentity }
  /** The VRRP core decided MASTER at atMs (cloud-claim); the timeline starts there. */
  | { readonly type: 'master'; readonly nowMs: number; readonly atMs: number }
  /** The VRRP core left MASTER (cloud-release), or the agent stops. */
  | { readonly type: 'backup'; readonly nowMs: number }
  /** As MASTER we heard a lower priority: VRRP settled the group in our favour. */
  | { readonly type: 'settled'; readonly nowMs: number; readonly atMs: number }
  /** A call the machine asked for ended (a cancelled call ends too, with a failure). */
  | {
      readonly type: 'result';
      readonly nowMs: number;
      readonly callId: number;
      readonly outcome: CallOutcome;
    }
  /** nextDeadlineMs() has come. */
  | { readonly type: 'timer'; readonly nowMs: number };

export type NoteLevel = 'debug' | 'info' | 'warn' | 'error';

/** A log line (and, for some events, a metric) the runner writes for the machine. */
export interface MachineNote {
  readonly level: NoteLevel;
  /** A stable event name: cloud-claim, cloud-claim-accepted, cloud-fenced, ... */
  readonly event: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Each command names the target it is for: its index in the instance's list of targets. */
export type MachineCommand =
  | {
      readonly type: 'call';
      readonly target: number;
      readonly callId: number;
      readonly call: CloudCall;
    }
  /** Abort these calls (their results still come back, as failures or late successes). */
  | { readonly type: 'cancel'; readonly target: number; readonly callIds: readonly number[] }
  | { readonly type: 'note'; readonly target: number; readonly note: MachineNote };

// The per-target machine's flows (target-machine.ts) as data: the provider calls a flow waits
// on, the claims it makes, and when it next needs the clock. Pure, no state of its own.
import type { FenceRecord } from '../provider.js';
import type { CallKind, CallOutcome, CloudCall, TakeoverTrigger } from './types.js';

/** One provider call retried until it succeeds. */
export interface Step {
  readonly kind: CallKind;
  retry: number;
  callId?: number | undefined;
  retryAtMs?: number | undefined;
  /** The call to repeat (a fence write repeats its record). */
  call?: CloudCall | undefined;
}

/** A claim (claimOnce): the first attempt at once; each retry first checks the fence. */
export interface ClaimOp {
  retry: number;
  state: 'blocked' | 'sending' | 'backoff' | 'await-record' | 'reading' | 'done';
  callId?: number | undefined;
  untilMs?: number | undefined;
  read?: Step | undefined;
}

export type Flow =
  | { readonly at: 'idle' }
  | { readonly at: 'waiting-for-cloud'; readonly trigger: TakeoverTrigger; readonly atMs: number }
  | { readonly at: 'takeover'; readonly claim: ClaimOp; record: Step | 'waiting' | 'done' }
  | {
      readonly at: 'verify';
      sinceMs: number;
      attempt: number;
      readAtMs: number;
      fences: Step | readonly FenceRecord[];
      owner: Step | Observed;
      pauseUntilMs?: number | undefined;
      claim?: ClaimOp | undefined;
    }
  | { readonly at: 'steady'; readonly untilMs: number }
  | { readonly at: 'recheck'; fences: Step; owner?: Step | undefined }
  | { readonly at: 'drift'; readonly untilMs: number; fences?: Step | undefined }
  | { readonly at: 'reclaim'; readonly claim: ClaimOp }
  | { readonly at: 'fenced'; lastChangeMs: number; untilMs?: number; fences?: Step | undefined };

/** What a read of the owner said. */
export interface Observed {
  readonly owner: string | undefined;
  readonly detail?: string | undefined;
}

export function observed(outcome: CallOutcome): Observed {
  if (!outcome.ok || outcome.kind !== 'observe') return { owner: undefined };
  return { owner: outcome.ownerNetworkInterfaceId, detail: outcome.detail };
}

function earliest(ms: number | undefined, next: number): number {
  return ms !== undefined && ms < next ? ms : next;
}

/** A step's retry time, when it is waiting for one (not while its call is in flight). */
function stepDue(step: Step | undefined, next: number): number {
  return step === undefined || step.callId !== undefined ? next : earliest(step.retryAtMs, next);
}

function claimDue(claim: ClaimOp | undefined, next: number): number {
  if (claim === undefined) return next;
  if (claim.state === 'backoff' || claim.state === 'await-record')
    return earliest(claim.untilMs, next);
  return claim.state === 'reading' ? stepDue(claim.read, next) : next;
}

export function records(outcome: CallOutcome): readonly FenceRecord[] {
  return outcome.ok && outcome.kind === 'readFences' ? outcome.records : [];
}

/** The machine's next deadline while MASTER: its heartbeat's and its flow's earliest. */
export function flowDeadlineMs(
  flow: Flow,
  heartbeat: { untilMs: number } | Step | undefined,
): number | undefined {
  // No closures here: it runs at every input (the simulation calls it millions of times).
  let next = Infinity;
  if (heartbeat !== undefined) {
    next = 'untilMs' in heartbeat ? heartbeat.untilMs : stepDue(heartbeat, next);
  }
  switch (flow.at) {
    case 'takeover':
      next = claimDue(flow.claim, next);
      if (typeof flow.record === 'object') next = stepDue(flow.record, next);
      break;
    case 'verify':
      next = earliest(flow.pauseUntilMs, next);
      next = claimDue(flow.claim, next);
      if ('kind' in flow.fences) next = stepDue(flow.fences, next);
      if ('kind' in flow.owner) next = stepDue(flow.owner, next);
      break;
    case 'steady':
      next = earliest(flow.untilMs, next);
      break;
    case 'recheck':
      next = stepDue(flow.owner, stepDue(flow.fences, next));
      break;
    case 'drift':
    case 'fenced':
      next = flow.fences === undefined ? earliest(flow.untilMs, next) : stepDue(flow.fences, next);
      break;
    case 'reclaim':
      next = claimDue(flow.claim, next);
      break;
    default:
      break;
  }
  return next === Infinity ? undefined : next;
}

// The serverless controller (issue "terraform and a serverless controller"): it fails over hosts
// that run no agent, from a Lambda, with the agents' fencing. These are its groups as its
// configuration describes them, and the facts one evaluation decides from.
import type { CloudTarget } from '../../target.js';

/** A host that can hold a group's targets. */
export interface Candidate {
  readonly instanceId: string;
  /** The ENI the targets point at when this candidate holds them. */
  readonly networkInterfaceId: string;
  /** The ENI's subnet (where a secondary IP's fence records live). */
  readonly subnetId: string;
  /** 1-254, higher wins (as VRRP priorities). */
  readonly priority: number;
  /** Where the health check goes, from inside the VPC. */
  readonly address: string;
}

export type HealthCheck =
  | { readonly type: 'tcp'; readonly port: number }
  | { readonly type: 'http'; readonly port: number; readonly path: string };

export interface HealthSettings {
  readonly check: HealthCheck;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Consecutive successes before a candidate counts as healthy. */
  readonly rise: number;
  /** Consecutive failures before it counts as unhealthy. */
  readonly fall: number;
}

export interface ControllerGroup {
  readonly name: string;
  readonly targets: readonly CloudTarget[];
  readonly candidates: readonly Candidate[];
  readonly health: HealthSettings;
  /** A healthy candidate of higher priority takes the targets from a healthy holder. */
  readonly preempt: boolean;
  /**
   * No preemption for this long after the controller moved the targets: two execution
   * environments (a scheduled run, an event's) may see health differently for a while, and
   * must not hand the targets back and forth.
   */
  readonly preemptHoldDownMs: number;
}

/** What the probes say of a candidate so far: unknown until rise or fall results agree. */
export type Health = 'unknown' | 'healthy' | 'unhealthy';

/** Who holds a group's targets now, as read back from the cloud and its fence records. */
export type Holding =
  /** Nobody, or the targets disagree (one moved, another not yet). */
  | { readonly kind: 'none' }
  /**
   * A candidate of this group, by instance id; `movedAtMs` when the controller moved the
   * targets there (its fence record's term, the wall clock of that takeover).
   */
  | { readonly kind: 'candidate'; readonly instanceId: string; readonly movedAtMs?: number }
  /** Someone else: not a candidate of this group. */
  | { readonly kind: 'other'; readonly networkInterfaceId: string }
  /** A floatd agent whose fence record is live: the controller never touches it. */
  | { readonly kind: 'agent'; readonly owner: string };

export type GroupDecision =
  | { readonly action: 'keep'; readonly instanceId: string; readonly why: string }
  | { readonly action: 'move'; readonly to: Candidate; readonly why: string }
  | { readonly action: 'wait'; readonly why: string };

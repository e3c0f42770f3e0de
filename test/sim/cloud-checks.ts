// The cloud's invariants (issue 12), checked on the simulated EC2's truth, not on what agents
// believe. Bounds derive from the reconciler's settings (SIM_RECONCILER_SETTINGS) and the API's
// conditions (sim-cloud.ts), so a change of either moves them with it.
import type { CloudTarget } from '../../src/cloud/target.js';
import { targetName } from '../../src/cloud/target.js';
import type { SimCloudAgent } from './sim-cloud-agent.js';
import { SIM_RECONCILER_SETTINGS } from './sim-cloud-agent.js';
import { MAX_LATENCY_MS, QUIET_API, SIM_CALL_TIMEOUT_MS, type SimCloud } from './sim-cloud.js';
import type { SimHost } from './sim-host.js';

export type CloudInvariantId =
  | 'h-claim-only-as-master' // a BACKUP or fenced agent never sends a claim
  | 'i-split-moves-once' // while agents are split, a target changes owner at most once
  | 'j-cloud-follows-master' // after convergence each target's owner is the current MASTER
  | 'k-api-call-bound' // API calls per agent and quiet window stay under a derived bound
  | 'l-api-return'; // an agent cut off from the API brings the cloud back once it returns

const S = SIM_RECONCILER_SETTINGS;
const QUIET_RTT_MS = 2 * QUIET_API.latencyMs[1];

/**
 * How long after VRRP settles the cloud may still disagree, on a quiet API. The worst chain: a
 * call in flight times out, a backoff or a re-check passes, the MASTER reads a newer term held by
 * an agent whose release was lost (it waits a lease from its first fenced read), takes over, and
 * a late claim of another agent makes it confirm drift before claiming back and verifying.
 */
export const CLOUD_SETTLE_MS =
  SIM_CALL_TIMEOUT_MS +
  Math.max(S.backoff.maxMs, S.recheckIntervalMs) +
  2 * S.recheckIntervalMs +
  S.fenceLeaseMs +
  S.driftConfirmMs +
  S.verifyTimeoutMs +
  S.verifyPollMaxMs +
  QUIET_API.readLagMaxMs +
  6 * QUIET_RTT_MS;

/**
 * Calls one agent may make per target in a quiet window of `windowMs`: three per re-check
 * (fences, owner, heartbeat), and per takeover (at most four in a window: became MASTER, a fence
 * lifted or expired, VRRP settled, a drift) the claim, the record, a fence read and the read-back
 * rounds, each round at least the backoff floor plus a round trip apart until the lag has passed.
 */
export function callBound(windowMs: number, targets: number): number {
  const minRoundMs = S.backoff.baseMs / 10 + 2 * QUIET_API.latencyMs[0];
  const verifyRounds = Math.ceil((QUIET_API.readLagMaxMs + QUIET_RTT_MS) / minRoundMs) + 1;
  const perTakeover = 3 + 2 * verifyRounds;
  const periodic = 3 * (Math.ceil(windowMs / S.recheckIntervalMs) + 1);
  return targets * (periodic + 4 * perTakeover);
}

type Violate = (invariant: CloudInvariantId, message: string) => void;

export class CloudChecks {
  /** How often each invariant was evaluated (the CLI prints it). */
  readonly checked = new Map<CloudInvariantId, number>();
  private windowStart: { changes: number; calls: Map<SimCloudAgent, number> } | undefined;
  private movesFromMs = Infinity;
  /** Hosts that were cut off from the API in the episode before this quiet window. */
  private returned = new Set<string>();

  constructor(
    private readonly cloud: SimCloud,
    private readonly hosts: readonly SimHost[],
    private readonly vrids: readonly number[],
    private readonly targetsOf: (vrid: number) => readonly CloudTarget[],
    private readonly violate: Violate,
  ) {}

  private count(id: CloudInvariantId): void {
    this.checked.set(id, (this.checked.get(id) ?? 0) + 1);
  }

  /** (h) when a claim leaves an agent. */
  onClaim(agent: SimCloudAgent, target: CloudTarget): void {
    this.count('h-claim-only-as-master');
    const host = this.hosts.find((h) => h.id === agent.caller.hostId);
    const state = host?.stateOf(agent.vrid);
    const index = agent.targets.indexOf(target);
    if (state !== 'master' || agent.role !== 'master' || agent.isFenced(index)) {
      this.violate(
        'h-claim-only-as-master',
        `${agent.caller.hostId} vrid ${agent.vrid} claimed ${targetName(target)} as ${state ?? 'a stopped host'}${agent.isFenced(index) ? ' (fenced)' : ''}`,
      );
    }
  }

  /** A quiet window starts: the API heals, counting starts. */
  startWindow(settleAtMs: number, cutOff: ReadonlySet<string>): void {
    for (const id of cutOff) this.cloud.setReachable(id, true);
    this.returned = new Set(cutOff);
    this.movesFromMs = settleAtMs + SIM_CALL_TIMEOUT_MS + MAX_LATENCY_MS;
    const calls = new Map<SimCloudAgent, number>();
    for (const agent of this.agents()) calls.set(agent, agent.callsSent);
    this.windowStart = { changes: this.cloud.changes.length, calls };
  }

  /** (j) and (l), from `CLOUD_SETTLE_MS` after VRRP settled to the window's end. */
  checkConverged(partitioned: (vrid: number) => boolean): void {
    for (const vrid of this.vrids) {
      const targets = this.targetsOf(vrid);
      if (targets.length === 0 || partitioned(vrid)) continue;
      const masters = this.hosts.filter((h) => h.stateOf(vrid) === 'master');
      if (masters.length !== 1) continue;
      const master = masters[0] as SimHost;
      if (master.cloudAgent(vrid) === undefined || !this.cloud.reachable(master.id)) continue;
      const id = this.returned.has(master.id) ? 'l-api-return' : 'j-cloud-follows-master';
      for (const target of targets) {
        this.count(id);
        const owner = this.cloud.ownerOf(target);
        if (owner !== master.eni) {
          this.violate(
            id,
            `${targetName(target)} is on ${owner ?? 'nobody'}, not on MASTER ${master.id} (vrid ${vrid}) ${CLOUD_SETTLE_MS} ms after VRRP settled${id === 'l-api-return' ? ', the MASTER having been cut off from the API' : ''}`,
          );
        }
      }
    }
  }

  /** (i) and (k) at the end of a quiet window. */
  endWindow(windowMs: number, split: boolean): void {
    const start = this.windowStart;
    if (start === undefined) return;
    this.windowStart = undefined;
    if (split) {
      const moves = new Map<string, number>();
      for (const change of this.cloud.changes.slice(start.changes)) {
        if (change.atMs < this.movesFromMs) continue;
        moves.set(change.target, (moves.get(change.target) ?? 0) + 1);
      }
      for (const vrid of this.vrids) {
        for (const target of this.targetsOf(vrid)) {
          this.count('i-split-moves-once');
          const n = moves.get(targetName(target)) ?? 0;
          if (n > 1) {
            this.violate(
              'i-split-moves-once',
              `${targetName(target)} changed owner ${n} times while the agents were split`,
            );
          }
        }
      }
    }
    for (const agent of this.agents()) {
      this.count('k-api-call-bound');
      const calls = agent.callsSent - (start.calls.get(agent) ?? 0);
      const bound = callBound(windowMs, agent.targets.length);
      if (calls > bound) {
        this.violate(
          'k-api-call-bound',
          `${agent.caller.hostId} vrid ${agent.vrid} made ${calls} API calls in a quiet window of ${windowMs.toFixed(0)} ms (bound ${bound})`,
        );
      }
    }
  }

  private agents(): SimCloudAgent[] {
    return this.hosts.flatMap((h) =>
      this.vrids.map((v) => h.cloudAgent(v)).filter((a): a is SimCloudAgent => a !== undefined),
    );
  }
}

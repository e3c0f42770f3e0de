// The cloud side of one simulated router: the real reconciler machine (src/cloud/reconcile), run
// on the simulated clock against SimCloud, as src/cloud/reconciler.ts runs it on real time
// against EC2. Every claim it sends is checked at the moment it leaves: only a MASTER that is not
// fenced may send one (invariant h).
import type { TimerHandle } from '../../src/agent/clock.js';
import { InstanceMachine } from '../../src/cloud/reconcile/instance-machine.js';
import type { ReconcilerSettings } from '../../src/cloud/reconcile/settings.js';
import { DEFAULT_BACKOFF } from '../../src/cloud/reconcile/backoff.js';
import type { CallOutcome, MachineCommand, MachineInput } from '../../src/cloud/reconcile/types.js';
import type { CloudTarget } from '../../src/cloud/target.js';
import type { Prng } from './prng.js';
import type { SimClock } from './sim-clock.js';
import { SIM_CALL_TIMEOUT_MS, type ApiCaller, type SimCloud } from './sim-cloud.js';

/**
 * The simulation's reconciler timings: EC2's defaults scaled down so that a run of a few
 * simulated minutes sees many re-checks and leases. The invariants' bounds derive from these.
 */
export const SIM_RECONCILER_SETTINGS: ReconcilerSettings = {
  recheckIntervalMs: 500,
  verifyTimeoutMs: 1_000,
  fenceLeaseMs: 1_500,
  // As the daemon sets it: a competitor's record may take a few timed-out calls to show.
  driftConfirmMs: Math.max(1_000, 3 * SIM_CALL_TIMEOUT_MS),
  verifyPollMaxMs: 200,
  backoff: { ...DEFAULT_BACKOFF, baseMs: 25, maxMs: 500 },
};

/**
 * Deliberate cloud defects (each trips one invariant; sim.test.ts): 'cloud-deaf' never tells its
 * machine it became MASTER; 'claim-as-backup' tells it MASTER also when VRRP leaves MASTER;
 * 'blind-fences' hides every fence record from its machine; 'busy-recheck' re-checks every
 * 20 ms; 'lost-timeouts' never hears that a call timed out (it waits for it forever).
 */
export type CloudSabotage =
  'cloud-deaf' | 'claim-as-backup' | 'blind-fences' | 'busy-recheck' | 'lost-timeouts';

export interface CloudAgentObserver {
  /** A claim leaves the agent. */
  claim(agent: SimCloudAgent, target: CloudTarget): void;
  note(agent: SimCloudAgent, event: string): void;
}

export class SimCloudAgent {
  private readonly machine: InstanceMachine;
  private timer: TimerHandle | undefined;
  private armedAtMs: number | undefined;
  private busy = false;
  private readonly queue: MachineInput[] = [];
  /** Calls in flight, and whether they were cancelled (their answer is then an abort). */
  private readonly calls = new Map<number, { cancelled: boolean }>();
  private dead = false;
  /** Calls this agent made (API calls per failover: invariant k). */
  callsSent = 0;

  constructor(
    readonly caller: ApiCaller,
    readonly vrid: number,
    readonly targets: readonly CloudTarget[],
    private readonly cloud: SimCloud,
    private readonly clock: SimClock,
    prng: Prng,
    private readonly observer: CloudAgentObserver,
    private readonly sabotage?: CloudSabotage,
  ) {
    const settings =
      sabotage === 'busy-recheck'
        ? { ...SIM_RECONCILER_SETTINGS, recheckIntervalMs: 20 }
        : SIM_RECONCILER_SETTINGS;
    this.machine = new InstanceMachine({ targets, settings, random: () => prng.float() });
    // Discovery is instant here: IMDS is not what the simulation is about.
    this.feed({
      type: 'ready',
      nowMs: clock.nowMs(),
      identity: { instanceId: caller.instanceId, networkInterfaceId: caller.eni },
    });
  }

  /** The VRRP core's cloud-claim action. */
  becomeMaster(): void {
    if (this.sabotage === 'cloud-deaf') return;
    const nowMs = this.clock.nowMs();
    this.feed({ type: 'master', nowMs, atMs: nowMs });
  }

  /** The VRRP core's cloud-release action. */
  becomeBackup(): void {
    const nowMs = this.clock.nowMs();
    if (this.sabotage === 'claim-as-backup') this.feed({ type: 'master', nowMs, atMs: nowMs });
    else this.feed({ type: 'backup', nowMs });
  }

  /** VRRP settled the group in our favour (a lower priority went quiet: see SimHost). */
  settled(atMs: number): void {
    this.feed({ type: 'settled', nowMs: this.clock.nowMs(), atMs });
  }

  /** SIGKILL: the machine is gone; requests already sent still land at the API. */
  kill(): void {
    this.dead = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  get role(): 'master' | 'backup' {
    return this.machine.currentRole;
  }

  isFenced(target: number): boolean {
    return this.machine.status()[target]?.phase === 'fenced';
  }

  private feed(input: MachineInput): void {
    if (this.dead) return;
    this.queue.push(input);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        this.execute(this.machine.step(next));
      }
    } finally {
      this.busy = false;
    }
    this.rearm();
  }

  private execute(commands: readonly MachineCommand[]): void {
    for (const command of commands) {
      switch (command.type) {
        case 'note':
          this.observer.note(this, command.note.event);
          break;
        case 'cancel':
          for (const id of command.callIds) {
            const call = this.calls.get(id);
            if (call !== undefined) call.cancelled = true;
          }
          break;
        case 'call': {
          const target = this.targets[command.target] as CloudTarget;
          if (command.call.kind === 'claim') this.observer.claim(this, target);
          this.calls.set(command.callId, { cancelled: false });
          this.callsSent++;
          this.cloud.request(this.caller, target, command.call, (outcome) =>
            this.answer(command.callId, outcome),
          );
          break;
        }
      }
    }
  }

  private answer(callId: number, outcome: CallOutcome): void {
    const call = this.calls.get(callId);
    if (call === undefined) return;
    this.calls.delete(callId);
    let seen = outcome;
    if (
      this.sabotage === 'lost-timeouts' &&
      !outcome.ok &&
      outcome.failure.code === 'CLOUD_TIMEOUT'
    ) {
      return;
    }
    if (call.cancelled) {
      seen = {
        ok: false,
        failure: {
          call: 'cancelled',
          code: 'CLOUD_ABORTED',
          message: 'cancelled',
          retryable: true,
        },
      };
    } else if (this.sabotage === 'blind-fences' && outcome.ok && outcome.kind === 'readFences') {
      seen = { ...outcome, records: [] };
    }
    this.feed({ type: 'result', nowMs: this.clock.nowMs(), callId, outcome: seen });
  }

  private rearm(): void {
    if (this.dead) return;
    const deadlineMs = this.machine.nextDeadlineMs();
    if (deadlineMs === this.armedAtMs) return;
    this.timer?.cancel();
    this.armedAtMs = deadlineMs;
    this.timer = undefined;
    if (deadlineMs === undefined) return;
    this.timer = this.clock.setUncheckedTimer(deadlineMs, () => {
      this.timer = undefined;
      this.armedAtMs = undefined;
      this.feed({ type: 'timer', nowMs: this.clock.nowMs() });
    });
  }
}

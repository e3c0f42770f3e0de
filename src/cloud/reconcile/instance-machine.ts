// The cloud side of one VRRP instance as one pure machine (etcd-io/raft's single Step): a
// TargetMachine per target, the claim order between them, and one next deadline. The agent's
// cloud-claim/cloud-release actions and the API's answers go in; calls and log notes come out.
import type { CloudTarget } from '../target.js';
import { claimDependencies } from './claim-order.js';
import type { ReconcilerSettings } from './settings.js';
import type { TargetStatus } from './status.js';
import { TargetMachine } from './target-machine.js';
import type { MachineCommand, MachineInput } from './types.js';

export type CloudRole = 'master' | 'backup';

export interface InstanceMachineOptions {
  readonly targets: readonly CloudTarget[];
  readonly settings: ReconcilerSettings;
  readonly random: () => number;
}

export class InstanceMachine {
  private role: CloudRole = 'backup';
  private ready = false;
  private lastCallId = 0;
  readonly machines: readonly TargetMachine[];
  /** callId → the target machine that made the call. */
  private readonly owners = new Map<number, number>();
  /** Some claim waits for another's (claim-order.ts). */
  private readonly ordered: boolean;

  constructor(options: InstanceMachineOptions) {
    const after = claimDependencies(options.targets);
    const machines: TargetMachine[] = [];
    // Dependencies point backwards or forwards: build the machines they point at first.
    const build = (i: number): TargetMachine => {
      const existing = machines[i];
      if (existing !== undefined) return existing;
      const dependency = after[i];
      const target = options.targets[i] as CloudTarget;
      const machine = new TargetMachine({
        target,
        index: i,
        settings: options.settings,
        random: options.random,
        nextCallId: () => ++this.lastCallId,
        after: dependency === undefined ? undefined : build(dependency),
      });
      machines[i] = machine;
      return machine;
    };
    options.targets.forEach((_, i) => build(i));
    this.machines = machines;
    this.ordered = after.some((a) => a !== undefined);
  }

  get currentRole(): CloudRole {
    return this.role;
  }

  get isReady(): boolean {
    return this.ready;
  }

  step(input: MachineInput): MachineCommand[] {
    // No closures, no copies: it runs at every input (millions in the simulation).
    const out: MachineCommand[] = [];
    const machines = this.machines;
    switch (input.type) {
      case 'ready':
        this.ready = true;
        for (const m of machines) this.collect(out, m.ready(input.identity, input.nowMs));
        break;
      case 'master':
        this.role = 'master';
        for (const m of machines) {
          this.collect(out, m.becomeMaster('became-master', input.atMs, input.nowMs));
        }
        break;
      case 'backup':
        this.role = 'backup';
        for (const m of machines) this.collect(out, m.becomeBackup());
        break;
      case 'settled':
        if (this.role !== 'master') break;
        for (const m of machines) this.collect(out, m.settle(input.atMs, input.nowMs));
        break;
      case 'result': {
        const index = this.owners.get(input.callId);
        if (index === undefined) break;
        this.owners.delete(input.callId);
        const machine = machines[index];
        if (machine !== undefined) {
          this.collect(out, machine.result(input.callId, input.outcome, input.nowMs));
        }
        break;
      }
      case 'timer':
        for (const m of machines) {
          const deadline = m.nextDeadlineMs();
          if (deadline !== undefined && deadline <= input.nowMs) {
            this.collect(out, m.timer(input.nowMs));
          }
        }
        break;
    }
    // A claim accepted above may free one that follows it.
    if (this.role === 'master' && this.ordered) {
      for (const m of machines) this.collect(out, m.unblock(input.nowMs));
    }
    return out;
  }

  private collect(out: MachineCommand[], commands: readonly MachineCommand[]): void {
    for (const command of commands) {
      if (command.type === 'call') this.owners.set(command.callId, command.target);
      out.push(command);
    }
  }

  nextDeadlineMs(): number | undefined {
    let next: number | undefined;
    for (const machine of this.machines) {
      const deadline = machine.nextDeadlineMs();
      if (deadline !== undefined && (next === undefined || deadline < next)) next = deadline;
    }
    return next;
  }

  /** No call in flight and no release owed anywhere. */
  get quiescent(): boolean {
    return this.machines.every((m) => m.quiescent);
  }

  get fenced(): boolean {
    return this.machines.some((m) => m.isFenced);
  }

  status(): TargetStatus[] {
    return this.machines.map((m) => m.status());
  }
}

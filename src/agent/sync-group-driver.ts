// The thin driver of the sync-group machine (vrrp/sync-groups.ts), as InstanceDriver is the
// core's: it hands the machine its inputs and executes the commands in order. A member fed by a
// command may answer at once (its transition); the commands that causes queue behind the ones
// under way, so the machine's order holds and no feed runs inside another. The daemon and the
// simulation both run it.
import type { SyncGroupCommand, SyncGroupInput, SyncGroupSet } from './vrrp/sync-groups.js';

export class SyncGroupDriver {
  private readonly queue: SyncGroupCommand[] = [];
  private draining = false;

  constructor(
    private readonly machine: SyncGroupSet,
    private readonly execute: (command: SyncGroupCommand) => void,
    /** A command that threw: the rest still run (the machine has moved on already). */
    private readonly failed: (error: unknown, command: SyncGroupCommand) => void,
  ) {}

  /** Wires the groups: membership, their FAULT, a takeover now due. */
  start(): void {
    this.run(this.machine.start());
  }

  tell(input: SyncGroupInput): void {
    this.run(this.machine.step(input));
  }

  private run(commands: readonly SyncGroupCommand[]): void {
    this.queue.push(...commands);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        try {
          this.execute(next);
        } catch (error) {
          this.failed(error, next);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

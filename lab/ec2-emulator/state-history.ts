// Versioned snapshots of the emulated state: each committed write is kept with its time, so
// a lagged read can see the state as it was (EC2 API reference, "Eventual consistency").

import type { Ec2Data } from './model.js';

interface Snapshot {
  readonly atMs: number;
  readonly data: Ec2Data;
}

const maxSnapshots = 100_000;

export class StateHistory {
  private snapshots: Snapshot[] = [];

  constructor(
    private readonly nowMs: () => number,
    /** How far back reads may look; older snapshots are dropped. */
    private readonly retentionMs: () => number,
  ) {}

  /** Forgets the past: `data` is what every read, however lagged, sees from now on. */
  reset(data: Ec2Data): void {
    this.snapshots = [{ atMs: -Infinity, data: structuredClone(data) }];
  }

  commit(data: Ec2Data): void {
    const nowMs = this.nowMs();
    this.snapshots.push({ atMs: nowMs, data: structuredClone(data) });
    // Keep the newest snapshot at or before the oldest instant a lagged read may ask for.
    const horizonMs = nowMs - Math.max(0, this.retentionMs());
    while (this.snapshots.length > 1) {
      const second = this.snapshots[1];
      if (!second || (second.atMs > horizonMs && this.snapshots.length <= maxSnapshots)) break;
      this.snapshots.shift();
    }
  }

  /** A fresh copy of the last committed state (to roll a failed write back). */
  lastCommitted(): Ec2Data | undefined {
    const last = this.snapshots[this.snapshots.length - 1];
    return last && structuredClone(last.data);
  }

  /** The state as it was at `atMs` (the oldest kept snapshot if none is that old). Read only. */
  at(atMs: number): Ec2Data | undefined {
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      const snapshot = this.snapshots[i];
      if (snapshot && snapshot.atMs <= atMs) return snapshot.data;
    }
    return this.snapshots[0]?.data;
  }
}

// One instance's view of its `track:` list: folds tracker states and link states into a
// TrackingStatus and reports it only when it changes.
import type { TrackingStatus } from '../vrrp/types.js';
import { UnknownTrackerError } from './errors.js';
import { computeTrackingStatus, type TrackedItem } from './tracking-status.js';
import type { TrackEntry, TrackerConfig, TrackerState } from './types.js';

export type TrackingListener = (status: TrackingStatus) => void;

interface Slot {
  readonly name: string;
  readonly kind: 'check' | 'file' | 'interface';
  readonly weight: number;
}

export class TrackerSet {
  private readonly slots: readonly Slot[];
  private readonly trackerStates = new Map<string, TrackerState>();
  /** Links are assumed up until the daemon says otherwise. */
  private readonly links = new Map<string, boolean>();
  private readonly listeners = new Set<TrackingListener>();
  private current: TrackingStatus;

  constructor(track: readonly TrackEntry[], trackers: readonly TrackerConfig[]) {
    const byName = new Map(trackers.map((t) => [t.name, t]));
    this.slots = track.map((entry): Slot => {
      if ('interface' in entry)
        return { name: entry.interface, kind: 'interface', weight: entry.weight ?? 0 };
      const config = byName.get(entry.tracker);
      if (config === undefined) throw new UnknownTrackerError(entry.tracker);
      // keepalived: a weight in the instance's track list overrides the tracker's.
      const weight = entry.weight ?? config.weight;
      return { name: entry.tracker, kind: config.type === 'file' ? 'file' : 'check', weight };
    });
    this.current = this.compute();
  }

  get status(): TrackingStatus {
    return this.current;
  }

  /** Tracker names this set depends on (the scheduler need only run these). */
  get trackerNames(): readonly string[] {
    return this.slots.filter((s) => s.kind !== 'interface').map((s) => s.name);
  }

  get interfaceNames(): readonly string[] {
    return this.slots.filter((s) => s.kind === 'interface').map((s) => s.name);
  }

  setTrackerState(name: string, state: TrackerState): void {
    this.trackerStates.set(name, state);
    this.update();
  }

  setInterface(name: string, up: boolean): void {
    this.links.set(name, up);
    this.update();
  }

  /** Called with the new status whenever it changes; returns an unsubscribe function. */
  onChange(listener: TrackingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(): void {
    const next = this.compute();
    if (next.weightDelta === this.current.weightDelta && next.fault === this.current.fault) return;
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  private compute(): TrackingStatus {
    return computeTrackingStatus(this.slots.map((slot) => this.itemOf(slot)));
  }

  private itemOf(slot: Slot): TrackedItem {
    if (slot.kind === 'interface') {
      return { kind: 'interface', weight: slot.weight, up: this.links.get(slot.name) ?? true };
    }
    const state = this.trackerStates.get(slot.name);
    if (slot.kind === 'file') return { kind: 'file', weight: slot.weight, value: state?.value };
    return { kind: 'check', weight: slot.weight, health: state?.health ?? 'init' };
  }
}

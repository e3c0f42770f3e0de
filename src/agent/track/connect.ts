// Wires an instance's TrackerSet to the shared scheduler and the interface trackers.
import type { InterfaceTracker } from './interface-tracker.js';
import type { TrackerScheduler } from './scheduler.js';
import type { TrackerSet } from './tracker-set.js';

/** Seeds the set with current states and follows changes; returns a disconnect function. */
export function connectTrackerSet(
  set: TrackerSet,
  scheduler: TrackerScheduler,
  interfaces: ReadonlyMap<string, InterfaceTracker>,
): () => void {
  const unsubscribers: (() => void)[] = [];
  for (const name of set.trackerNames) {
    const state = scheduler.state(name);
    if (state !== undefined) set.setTrackerState(name, state);
  }
  const wanted = new Set(set.trackerNames);
  unsubscribers.push(
    scheduler.onChange((name, state) => {
      if (wanted.has(name)) set.setTrackerState(name, state);
    }),
  );
  for (const name of set.interfaceNames) {
    const tracker = interfaces.get(name);
    if (tracker === undefined) continue;
    set.setInterface(name, tracker.up);
    unsubscribers.push(tracker.onChange((up) => set.setInterface(name, up)));
  }
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

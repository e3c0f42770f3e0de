// Public surface of the tracker adapters.
export { connectTrackerSet } from './connect.js';
export { ScriptInsecureError, ScriptUserError, UnknownTrackerError } from './errors.js';
export { InterfaceTracker, type LinkListener } from './interface-tracker.js';
export { RiseFall } from './rise-fall.js';
export { runCheck, type CheckRunner } from './run-check.js';
export {
  TrackerScheduler,
  type TrackerSchedulerOptions,
  type TrackerStateListener,
} from './scheduler.js';
export { computeTrackingStatus, type TrackedItem } from './tracking-status.js';
export { TrackerSet, type TrackingListener } from './tracker-set.js';
export type * from './types.js';

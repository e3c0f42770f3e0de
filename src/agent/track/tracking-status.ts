// keepalived's rules for turning tracked health into an instance's priority delta and FAULT
// (keepalived.conf(5) "VRRP script(s)", "track_interface", "Track files"; vrrp_track.c
// initialise_tracking_priorities). Pure: no I/O.
import type { TrackingStatus } from '../vrrp/types.js';
import type { TrackerHealth } from './types.js';

export type TrackedItem =
  | { readonly kind: 'check'; readonly weight: number; readonly health: TrackerHealth }
  | { readonly kind: 'file'; readonly weight: number; readonly value: number | undefined }
  | { readonly kind: 'interface'; readonly weight: number; readonly up: boolean };

/** keepalived: a track_file result "less than -253" puts the instance in FAULT. */
const FILE_FAULT_BELOW = -253;

export function computeTrackingStatus(items: readonly TrackedItem[]): TrackingStatus {
  let weightDelta = 0;
  let fault = false;
  for (const item of items) {
    const contribution = contributionOf(item);
    if (contribution === 'fault') fault = true;
    else weightDelta += contribution;
  }
  return { weightDelta, fault };
}

function contributionOf(item: TrackedItem): number | 'fault' {
  switch (item.kind) {
    case 'check': {
      // An undecided script (INIT) neither faults nor moves the priority (vrrp_track.c:
      // weighted scripts are skipped while last_status is NOT_SET).
      if (item.health === 'init') return 0;
      return healthContribution(item.weight, item.health === 'ok');
    }
    case 'interface':
      return healthContribution(item.weight, item.up);
    case 'file': {
      if (item.value === undefined) return 0;
      // "If the weight configured against the track_file is 0, a non-zero value in the file
      // will be treated as a failure status ... otherwise the value will be multiplied by the
      // weight".
      if (item.weight === 0) return item.value === 0 ? 0 : 'fault';
      const result = item.value * item.weight;
      return result < FILE_FAULT_BELOW ? 'fault' : result;
    }
  }
}

// "The default weight equals 0, which means that any VRRP instance monitoring the script will
// transition to the fault state after <fall> consecutive failures ... A positive weight means
// that <rise> successes will add <weight> to the priority ... a negative weight will be
// subtracted from the initial priority in case of <fall> failures."
function healthContribution(weight: number, healthy: boolean): number | 'fault' {
  if (weight === 0) return healthy ? 0 : 'fault';
  if (weight > 0) return healthy ? weight : 0;
  return healthy ? 0 : weight;
}

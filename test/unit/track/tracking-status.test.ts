// keepalived's weight rules, table-driven. Wording from keepalived.conf(5) (v2.2.7):
//  - VRRP script(s): "The default weight equals 0, which means that any VRRP instance monitoring
//    the script will transition to the fault state after <fall> consecutive failures ... A
//    positive weight means that <rise> successes will add <weight> to the priority of all VRRP
//    instances which monitor it. On the opposite, a negative weight will be subtracted from the
//    initial priority in case of <fall> failures."
//  - track_interface: "go to FAULT state if any of these go down if unweighted ... its priority
//    will be increased by the weight when the interface is up (for positive weights), or
//    decreased by the weight's absolute value when the interface is down (for negative weights)"
//  - Track files: "If the weight configured against the track_file is 0, a non-zero value in the
//    file will be treated as a failure status ... otherwise the value will be multiplied by the
//    weight ... if the result is less than -253 anything monitoring the script will transition
//    to the fault state".
import { describe, expect, it } from 'vitest';
import {
  computeTrackingStatus,
  type TrackedItem,
} from '../../../src/agent/track/tracking-status.js';

const cases: [string, TrackedItem, { weightDelta: number; fault: boolean }][] = [
  ['weight 0, ok', { kind: 'check', weight: 0, health: 'ok' }, { weightDelta: 0, fault: false }],
  [
    'weight 0, failed → fault',
    { kind: 'check', weight: 0, health: 'failed' },
    { weightDelta: 0, fault: true },
  ],
  [
    'weight 0, init → neither',
    { kind: 'check', weight: 0, health: 'init' },
    { weightDelta: 0, fault: false },
  ],
  [
    'weight +10, ok → added',
    { kind: 'check', weight: 10, health: 'ok' },
    { weightDelta: 10, fault: false },
  ],
  [
    'weight +10, failed → nothing',
    { kind: 'check', weight: 10, health: 'failed' },
    { weightDelta: 0, fault: false },
  ],
  [
    'weight -20, ok → nothing',
    { kind: 'check', weight: -20, health: 'ok' },
    { weightDelta: 0, fault: false },
  ],
  [
    'weight -20, failed → added',
    { kind: 'check', weight: -20, health: 'failed' },
    { weightDelta: -20, fault: false },
  ],
  [
    'weight -20, init → nothing',
    { kind: 'check', weight: -20, health: 'init' },
    { weightDelta: 0, fault: false },
  ],
  [
    'interface weight 0, down → fault',
    { kind: 'interface', weight: 0, up: false },
    { weightDelta: 0, fault: true },
  ],
  [
    'interface weight 0, up',
    { kind: 'interface', weight: 0, up: true },
    { weightDelta: 0, fault: false },
  ],
  [
    'interface +5, up → added',
    { kind: 'interface', weight: 5, up: true },
    { weightDelta: 5, fault: false },
  ],
  [
    'interface +5, down → nothing',
    { kind: 'interface', weight: 5, up: false },
    { weightDelta: 0, fault: false },
  ],
  [
    'interface -5, down → added',
    { kind: 'interface', weight: -5, up: false },
    { weightDelta: -5, fault: false },
  ],
  [
    'interface -5, up → nothing',
    { kind: 'interface', weight: -5, up: true },
    { weightDelta: 0, fault: false },
  ],
  [
    'file weight 0, value 0 → ok',
    { kind: 'file', weight: 0, value: 0 },
    { weightDelta: 0, fault: false },
  ],
  [
    'file weight 0, value 3 → fault',
    { kind: 'file', weight: 0, value: 3 },
    { weightDelta: 0, fault: true },
  ],
  [
    'file weight 2, value 7 → 14',
    { kind: 'file', weight: 2, value: 7 },
    { weightDelta: 14, fault: false },
  ],
  [
    'file weight 1, value -30 → -30',
    { kind: 'file', weight: 1, value: -30 },
    { weightDelta: -30, fault: false },
  ],
  [
    'file weight -3, value 10 → -30',
    { kind: 'file', weight: -3, value: 10 },
    { weightDelta: -30, fault: false },
  ],
  [
    'file result -253 → added',
    { kind: 'file', weight: 1, value: -253 },
    { weightDelta: -253, fault: false },
  ],
  [
    'file result -254 → fault',
    { kind: 'file', weight: 254, value: -1 },
    { weightDelta: 0, fault: true },
  ],
  [
    'file not read yet → nothing',
    { kind: 'file', weight: 5, value: undefined },
    { weightDelta: 0, fault: false },
  ],
];

describe('computeTrackingStatus', () => {
  it.each(cases)('%s', (_name, item, expected) => {
    expect(computeTrackingStatus([item])).toEqual(expected);
  });

  it('sums weights over entries and any weight-0 failure faults', () => {
    const items: TrackedItem[] = [
      { kind: 'check', weight: 10, health: 'ok' },
      { kind: 'check', weight: -20, health: 'failed' },
      { kind: 'interface', weight: -5, up: false },
      { kind: 'file', weight: 2, value: 3 },
    ];
    expect(computeTrackingStatus(items)).toEqual({ weightDelta: -9, fault: false });
    expect(computeTrackingStatus([...items, { kind: 'interface', weight: 0, up: false }])).toEqual({
      weightDelta: -9,
      fault: true,
    });
  });

  it('nothing tracked: no delta, no fault', () => {
    expect(computeTrackingStatus([])).toEqual({ weightDelta: 0, fault: false });
  });
});

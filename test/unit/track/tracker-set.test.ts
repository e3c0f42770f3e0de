// An instance's TrackerSet: weight overrides, change-only notifications, wiring to the
// scheduler and interface trackers.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { TrackingStatus } from '../../../src/agent/vrrp/types.js';
import { connectTrackerSet } from '../../../src/agent/track/connect.js';
import { UnknownTrackerError } from '../../../src/agent/track/errors.js';
import { InterfaceTracker } from '../../../src/agent/track/interface-tracker.js';
import { TrackerScheduler } from '../../../src/agent/track/scheduler.js';
import { TrackerSet } from '../../../src/agent/track/tracker-set.js';
import type { TrackerConfig } from '../../../src/agent/track/types.js';

const common = { intervalMs: 1000, timeoutMs: 500, rise: 1, fall: 1 };
const trackers: TrackerConfig[] = [
  { ...common, name: 'chk', type: 'script', script: '/bin/true', weight: -20 },
  { ...common, name: 'web', type: 'tcp', host: '127.0.0.1', port: 1, weight: 0 },
  { ...common, name: 'wfile', type: 'file', path: '/nonexistent', weight: 1 },
];

describe('TrackerSet', () => {
  it('uses the instance weight over the tracker weight and emits only on change', () => {
    const set = new TrackerSet(
      [{ tracker: 'chk', weight: -30 }, { tracker: 'web' }, { interface: 'eth1', weight: 0 }],
      trackers,
    );
    const seen: TrackingStatus[] = [];
    set.onChange((s) => seen.push(s));
    expect(set.status).toEqual({ weightDelta: 0, fault: false });

    set.setTrackerState('chk', { health: 'failed' });
    set.setTrackerState('chk', { health: 'failed' }); // no change, no event
    set.setTrackerState('web', { health: 'ok' }); // no change in status
    set.setInterface('eth1', false);
    set.setInterface('eth1', true);
    set.setTrackerState('chk', { health: 'ok' });

    expect(seen).toEqual([
      { weightDelta: -30, fault: false },
      { weightDelta: -30, fault: true },
      { weightDelta: -30, fault: false },
      { weightDelta: 0, fault: false },
    ]);
  });

  it('multiplies a file value by the weight', () => {
    const set = new TrackerSet([{ tracker: 'wfile', weight: 3 }], trackers);
    set.setTrackerState('wfile', { health: 'ok', value: -4 });
    expect(set.status).toEqual({ weightDelta: -12, fault: false });
  });

  it('rejects a reference to an unknown tracker', () => {
    expect(() => new TrackerSet([{ tracker: 'nope' }], trackers)).toThrow(UnknownTrackerError);
  });

  it('follows a shared scheduler and interface trackers once connected', async () => {
    const scheduler = new TrackerScheduler({
      trackers: [trackers[0]!],
      logger: pino({ level: 'silent' }),
      runCheck: async () => ({ ok: false }),
      clock: { nowMs: () => 0, epochMs: () => 0, setTimer: () => ({ cancel: () => undefined }) },
    });
    const a = new TrackerSet([{ tracker: 'chk' }, { interface: 'eth1', weight: -5 }], trackers);
    const b = new TrackerSet([{ tracker: 'chk', weight: 0 }], trackers);
    const eth1 = new InterfaceTracker('eth1', false);
    connectTrackerSet(a, scheduler, new Map([['eth1', eth1]]));
    connectTrackerSet(b, scheduler, new Map());
    expect(a.status).toEqual({ weightDelta: -5, fault: false });

    scheduler.start();
    await new Promise((r) => setImmediate(r));
    expect(a.status).toEqual({ weightDelta: -25, fault: false });
    expect(b.status).toEqual({ weightDelta: 0, fault: true });

    eth1.setLink(true);
    expect(a.status).toEqual({ weightDelta: -20, fault: false });
    scheduler.stop();
  });
});

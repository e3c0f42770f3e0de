// The driver stamps each input with the clock; an input that happened a moment before it was
// read (an advert, by the kernel's receive time) is stamped then, never before the last input.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/agent/clock.js';
import { InstanceDriver } from '../../../src/agent/instance-driver.js';
import { VirtualRouter } from '../../../src/agent/vrrp/router.js';
import { makeConfig, PEER } from '../core/helpers.js';

function manualClock(startMs: number): Clock & { nowMsValue: number } {
  const clock = {
    nowMsValue: startMs,
    nowMs: () => clock.nowMsValue,
    epochMs: () => clock.nowMsValue,
    setTimer: () => ({ cancel: () => undefined }),
  };
  return clock;
}

const advert = {
  version: 3,
  family: 'ipv4',
  vrid: 51,
  priority: 200,
  maxAdvertIntervalCs: 100,
  addresses: ['10.0.0.100'],
} as const;

describe('InstanceDriver', () => {
  it('starts the Master_Down timer at the advert’s receipt, not at its reading', () => {
    const clock = manualClock(1000);
    const router = new VirtualRouter(makeConfig());
    const driver = new InstanceDriver(router, clock, () => undefined);
    driver.feed({ type: 'startup' });
    clock.nowMsValue = 2000;
    driver.feed({ type: 'advert', src: PEER, advert }, 1.5);
    // Master_Down_Interval at priority 100, 1 s: 3 s + Skew_Time (609.375 ms), from 1998.5.
    expect(router.snapshot().masterDownDeadlineMs).toBeCloseTo(1998.5 + 3609.375, 6);
  });

  it('never stamps an input before the one the core saw last', () => {
    const clock = manualClock(1000);
    const router = new VirtualRouter(makeConfig());
    const driver = new InstanceDriver(router, clock, () => undefined);
    driver.feed({ type: 'startup' });
    clock.nowMsValue = 1000.5;
    driver.feed({ type: 'advert', src: PEER, advert }, 3);
    expect(router.snapshot().masterDownDeadlineMs).toBeCloseTo(1000 + 3609.375, 6);
  });
});

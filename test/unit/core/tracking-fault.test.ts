// Tracking (effective priority), FAULT (interface down or a tracker demands it), Accept_Mode on
// add-vips, and the driver contract: a timer handled twice or early is harmless.
import { describe, expect, it } from 'vitest';

import { effectivePriority } from '../../../src/agent/vrrp/priority.js';
import type { VirtualRouterConfig } from '../../../src/agent/vrrp/types.js';
import {
  advertFrom,
  makeRouter,
  PEER,
  receive,
  runUntil,
  startAsMaster,
  startRouter,
  types,
  VIP,
} from './helpers.js';

const MASTER_DOWN_MS = 3609.375;

describe('effective priority = base + tracker weights, clamped to 1..254; the owner stays 255', () => {
  it.each([
    { base: 100, delta: 0, expected: 100 },
    { base: 100, delta: 50, expected: 150 },
    { base: 100, delta: 154, expected: 254 },
    { base: 100, delta: 155, expected: 254 },
    { base: 100, delta: 500, expected: 254 },
    { base: 100, delta: -99, expected: 1 },
    { base: 100, delta: -100, expected: 1 },
    { base: 100, delta: -500, expected: 1 },
    { base: 254, delta: 1, expected: 254 },
    { base: 1, delta: -1, expected: 1 },
    { base: 255, delta: -100, expected: 255 },
    { base: 255, delta: 10, expected: 255 },
  ])('base $base, weights $delta -> $expected', ({ base, delta, expected }) => {
    expect(effectivePriority(base, delta)).toBe(expected);
    const { router } = startRouter({ priority: base });
    router.handle({ type: 'tracking', nowMs: 100, status: { weightDelta: delta, fault: false } });
    expect(router.snapshot().effectivePriority).toBe(expected);
    expect(router.snapshot().basePriority).toBe(base);
    expect(router.effectivePriority).toBe(expected);
  });

  it('a backup uses its effective priority for Master_Down_Interval (priority 200: 3000 + 56*1000/256)', () => {
    const { router } = startRouter();
    router.handle({ type: 'tracking', nowMs: 100, status: { weightDelta: 100, fault: false } });
    receive(router, 1000, PEER, { priority: 250 });
    expect(router.nextDeadlineMs()).toBe(1000 + 3218.75);
  });

  it('a backup compares adverts with its effective priority (150 after +50 preempts a 120 master)', () => {
    const { router } = startRouter();
    receive(router, 0, PEER, { priority: 120 }); // the master we follow
    router.handle({ type: 'tracking', nowMs: 100, status: { weightDelta: 50, fault: false } });
    receive(router, 1000, PEER, { priority: 120 });
    // Discarded (not reset to 1000 + Master_Down_Interval): preemption within Skew_Time (106/256 s).
    expect(router.nextDeadlineMs()).toBe(1000 + 414.0625);
  });
});

// Skew_Time depends on our priority (RFC 5798 §6.1: (256 - Priority) * Master_Adver_Interval / 256),
// so a tracking change in BACKUP recomputes the running Master_Down_Timer from when it started:
// after silence start + 3 * interval + Skew_Time(new), after a priority-0 (or a preempted lower)
// advert start + Skew_Time(new). Numbers are written out: 256 - 150 = 106, 256 - 50 = 206, ...
describe('a tracking change in BACKUP moves the running Master_Down_Timer', () => {
  const track = (weightDelta: number, nowMs: number) =>
    ({ type: 'tracking', nowMs, status: { weightDelta, fault: false } }) as const;

  it.each([
    {
      rule: 'silence since an advert at 1000, +50 (150): 1000 + 3000 + 106*1000/256',
      setup: { priority: 200 },
      delta: 50,
      deadlineMs: 1000 + 3000 + 414.0625,
      reason: 'master-down',
    },
    {
      rule: 'silence since an advert at 1000, -50 (50): 1000 + 3000 + 206*1000/256',
      setup: { priority: 200 },
      delta: -50,
      deadlineMs: 1000 + 3000 + 804.6875,
      reason: 'master-down',
    },
    {
      rule: 'silence since an advert at 1000 with a learned 200 cs, +50 (150): 1000 + 6000 + 106*2000/256',
      setup: { priority: 200, intervalCs: 200 },
      delta: 50,
      deadlineMs: 1000 + 6000 + 828.125,
      reason: 'master-down',
    },
    {
      rule: 'priority-0 advert at 1000, +100 (200): 1000 + 56*1000/256',
      setup: { priority: 0 },
      delta: 100,
      deadlineMs: 1000 + 218.75,
      reason: 'master-released',
    },
    {
      rule: 'priority-0 advert at 1000, -50 (50): 1000 + 206*1000/256',
      setup: { priority: 0 },
      delta: -50,
      deadlineMs: 1000 + 804.6875,
      reason: 'master-released',
    },
    {
      rule: 'a lower master (50) preempted at 1000, +100 (200): 1000 + 56*1000/256',
      setup: { priority: 50 },
      delta: 100,
      deadlineMs: 1000 + 218.75,
      reason: 'preempting',
    },
  ] as const)('$rule', ({ setup, delta, deadlineMs, reason }) => {
    const { router } = startRouter();
    // Followed since 0: its lower advert at 1000 comes when its next one is due (no extra wait).
    expect(receive(router, 0, PEER, { priority: 254 })).toEqual([]);
    expect(receive(router, 1000, PEER, setup)).toEqual([]);
    expect(router.handle(track(delta, 1100))).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(deadlineMs);
    expect(router.snapshot().masterDownDeadlineMs).toBe(deadlineMs);
    expect(runUntil(router, deadlineMs - 0.001)).toEqual([]);
    const fired = runUntil(router, deadlineMs);
    expect(fired[0]).toEqual({
      atMs: deadlineMs,
      action: {
        type: 'transition',
        from: 'backup',
        to: 'master',
        reason,
        priority: 100 + delta,
        nowMs: deadlineMs,
      },
    });
  });

  it('the timer started at startup: +100 (200) at 500 -> 3000 + 56*1000/256 from 0', () => {
    const { router } = startRouter();
    router.handle(track(100, 500));
    expect(router.nextDeadlineMs()).toBe(3218.75);
  });

  it('v2: Skew_Time is (256 - priority)/256 s whatever the interval (300 cs, +100 -> 200)', () => {
    const { router } = startRouter({ version: 2, advertIntervalCs: 300 });
    receive(router, 1000, PEER, { priority: 250 });
    router.handle(track(100, 2000));
    expect(router.nextDeadlineMs()).toBe(1000 + 9000 + 218.75);
  });

  it('two changes in a row both count from the same start, not from the change', () => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 200 });
    router.handle(track(50, 2000));
    router.handle(track(-50, 3000));
    expect(router.nextDeadlineMs()).toBe(1000 + 3000 + 804.6875);
    router.handle(track(0, 3500));
    expect(router.nextDeadlineMs()).toBe(1000 + MASTER_DOWN_MS);
  });

  it('a deadline moved into the past fires at the next timer input', () => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 0 });
    // 254: Skew_Time 2*1000/256 = 7.8125 ms from 1000, already gone at 1500.
    router.handle(track(154, 1500));
    expect(router.nextDeadlineMs()).toBe(1007.8125);
    expect(router.handle({ type: 'timer', nowMs: 1500 })[0]).toMatchObject({
      type: 'transition',
      to: 'master',
      reason: 'master-released',
      nowMs: 1500,
    });
  });

  it('weights that do not move the effective priority do not move the timer', () => {
    const { router } = startRouter({ priority: 250 });
    receive(router, 1000, PEER, { priority: 254 });
    router.handle(track(10, 1100)); // 254
    const deadline = router.nextDeadlineMs();
    expect(deadline).toBe(1000 + 3000 + 7.8125);
    expect(router.handle(track(20, 1200))).toEqual([]); // still 254
    expect(router.nextDeadlineMs()).toBe(deadline);
  });
});

describe('a Master whose effective priority changes advertises at once', () => {
  it.each([
    { base: 100, delta: -30, advertised: 70 },
    { base: 100, delta: 30, advertised: 130 },
    { base: 100, delta: -300, advertised: 1 },
  ])(
    'base $base, weights $delta -> send-advert priority $advertised, Adver_Timer rearmed',
    (row) => {
      const { router, masterSinceMs: t0 } = startAsMaster({ priority: row.base });
      const now = t0 + 250;
      expect(
        router.handle({
          type: 'tracking',
          nowMs: now,
          status: { weightDelta: row.delta, fault: false },
        }),
      ).toEqual([{ type: 'send-advert', advert: advertFrom({ priority: row.advertised }) }]);
      expect(router.nextDeadlineMs()).toBe(now + 1000);
      // Later adverts carry the new priority too.
      expect(runUntil(router, now + 1000)).toEqual([
        {
          atMs: now + 1000,
          action: { type: 'send-advert', advert: advertFrom({ priority: row.advertised }) },
        },
      ]);
    },
  );

  it.each([
    { rule: 'the same weights again', base: 100, first: -30, second: -30 },
    { rule: 'clamped at 254 both times', base: 250, first: 10, second: 20 },
  ])('no advert when the effective priority does not move: $rule', ({ base, first, second }) => {
    const { router, masterSinceMs: t0 } = startAsMaster({ priority: base });
    router.handle({
      type: 'tracking',
      nowMs: t0 + 100,
      status: { weightDelta: first, fault: false },
    });
    const deadline = router.nextDeadlineMs();
    expect(
      router.handle({
        type: 'tracking',
        nowMs: t0 + 200,
        status: { weightDelta: second, fault: false },
      }),
    ).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(deadline);
  });

  it('the owner ignores weights: no advert, still 255', () => {
    const { router } = startRouter({ priority: 255 });
    expect(
      router.handle({ type: 'tracking', nowMs: 100, status: { weightDelta: -100, fault: false } }),
    ).toEqual([]);
    expect(runUntil(router, 1000)).toEqual([
      { atMs: 1000, action: { type: 'send-advert', advert: advertFrom({ priority: 255 }) } },
    ]);
  });
});

describe('FAULT', () => {
  it('interface down in MASTER -> FAULT, no advert (no link to send it on), del-vips, cloud-release', () => {
    const { router, masterSinceMs: t0 } = startAsMaster();
    expect(router.handle({ type: 'interface', nowMs: t0 + 10, up: false })).toEqual([
      // First, for its sync group (if any): a FAULT of its own.
      { type: 'own-fault', fault: true },
      {
        type: 'transition',
        from: 'master',
        to: 'fault',
        reason: 'fault',
        priority: 100,
        nowMs: t0 + 10,
      },
      { type: 'del-vips', vips: [VIP] },
      { type: 'cloud-release' },
    ]);
    expect(router.nextDeadlineMs()).toBeUndefined();
  });

  it('a tracker fault in MASTER with the link up -> FAULT, priority-0 advert, del-vips, cloud-release', () => {
    const { router, masterSinceMs: t0 } = startAsMaster();
    const out = router.handle({
      type: 'tracking',
      nowMs: t0 + 10,
      status: { weightDelta: 0, fault: true },
    });
    expect(out).toEqual([
      { type: 'own-fault', fault: true },
      {
        type: 'transition',
        from: 'master',
        to: 'fault',
        reason: 'fault',
        priority: 100,
        nowMs: t0 + 10,
      },
      { type: 'send-advert', advert: advertFrom({ priority: 0 }) },
      { type: 'del-vips', vips: [VIP] },
      { type: 'cloud-release' },
    ]);
    expect(router.nextDeadlineMs()).toBeUndefined();
  });

  it.each([
    { rule: 'interface down', input: { type: 'interface', up: false } },
    { rule: 'tracker fault', input: { type: 'tracking', status: { weightDelta: 0, fault: true } } },
  ] as const)(
    '$rule in BACKUP -> FAULT with only the transition (no VIPs to remove)',
    ({ input }) => {
      const { router } = startRouter();
      expect(router.handle({ ...input, nowMs: 500 })).toEqual([
        { type: 'own-fault', fault: true },
        {
          type: 'transition',
          from: 'backup',
          to: 'fault',
          reason: 'fault',
          priority: 100,
          nowMs: 500,
        },
      ]);
      expect(router.nextDeadlineMs()).toBeUndefined();
    },
  );

  it('FAULT ignores adverts and timers and has no deadline', () => {
    const { router } = startRouter();
    router.handle({ type: 'interface', nowMs: 500, up: false });
    for (const priority of [0, 50, 100, 200]) {
      expect(receive(router, 1000, PEER, { priority })).toEqual([]);
    }
    expect(router.handle({ type: 'timer', nowMs: 100_000 })).toEqual([]);
    expect(router.nextDeadlineMs()).toBeUndefined();
    expect(router.snapshot().state).toBe('fault');
  });

  it.each([
    { rule: 'interface back up', clear: { type: 'interface', up: true } },
    {
      rule: 'tracker fault cleared',
      clear: { type: 'tracking', status: { weightDelta: 0, fault: false } },
    },
  ] as const)(
    "leaving FAULT ($rule) -> BACKUP with reason 'fault-cleared' and a fresh Master_Down_Timer",
    ({ clear }) => {
      const { router } = startRouter();
      if (clear.type === 'interface') router.handle({ type: 'interface', nowMs: 500, up: false });
      else router.handle({ type: 'tracking', nowMs: 500, status: { weightDelta: 0, fault: true } });
      expect(router.handle({ ...clear, nowMs: 2000 })).toEqual([
        { type: 'own-fault', fault: false },
        {
          type: 'transition',
          from: 'fault',
          to: 'backup',
          reason: 'fault-cleared',
          priority: 100,
          nowMs: 2000,
        },
      ]);
      expect(router.nextDeadlineMs()).toBe(2000 + MASTER_DOWN_MS);
    },
  );

  it("the owner leaving FAULT -> MASTER with reason 'fault-cleared' (advert, claim, VIPs, GARP)", () => {
    const { router } = startRouter({ priority: 255 });
    router.handle({ type: 'interface', nowMs: 100, up: false });
    const out = router.handle({ type: 'interface', nowMs: 200, up: true });
    expect(types(out)).toEqual([
      'own-fault',
      'transition',
      'send-advert',
      'cloud-claim',
      'add-vips',
      'send-garp',
    ]);
    expect(out[1]).toMatchObject({ from: 'fault', to: 'master', reason: 'fault-cleared' });
    expect(out[2]).toEqual({ type: 'send-advert', advert: advertFrom({ priority: 255 }) });
    expect(router.nextDeadlineMs()).toBe(1200);
  });

  it('FAULT stays while any cause remains: tracker cleared but interface still down', () => {
    const { router } = startRouter();
    router.handle({ type: 'interface', nowMs: 100, up: false });
    router.handle({ type: 'tracking', nowMs: 200, status: { weightDelta: 0, fault: true } });
    expect(
      router.handle({ type: 'tracking', nowMs: 300, status: { weightDelta: 0, fault: false } }),
    ).toEqual([]);
    expect(router.snapshot()).toMatchObject({ state: 'fault', ownFault: true });
    expect(types(router.handle({ type: 'interface', nowMs: 400, up: true }))).toEqual([
      'own-fault',
      'transition',
    ]);
    expect(router.snapshot().state).toBe('backup');
  });

  it('startup while the interface is down -> FAULT (not BACKUP, not MASTER even for the owner)', () => {
    for (const priority of [100, 255]) {
      const router = makeRouter({ priority });
      // Before startup nothing moves; its sync group still hears of the FAULT of its own.
      expect(router.handle({ type: 'interface', nowMs: 0, up: false })).toEqual([
        { type: 'own-fault', fault: true },
      ]);
      expect(router.handle({ type: 'startup', nowMs: 10 })).toEqual([
        {
          type: 'transition',
          from: 'initialize',
          to: 'fault',
          reason: 'fault',
          priority,
          nowMs: 10,
        },
      ]);
      expect(router.nextDeadlineMs()).toBeUndefined();
    }
  });

  it('shutdown in FAULT -> Initialize, nothing sent', () => {
    const { router } = startRouter();
    router.handle({ type: 'interface', nowMs: 100, up: false });
    expect(types(router.handle({ type: 'shutdown', nowMs: 200 }))).toEqual(['transition']);
    expect(router.snapshot().state).toBe('initialize');
  });
});

describe('Accept_Mode (RFC 5798 §6.1): add-vips carries it; the owner always accepts', () => {
  it.each([
    { acceptMode: false, priority: 100, expected: false },
    { acceptMode: true, priority: 100, expected: true },
    { acceptMode: false, priority: 255, expected: true },
    { acceptMode: true, priority: 255, expected: true },
  ] satisfies (Pick<VirtualRouterConfig, 'acceptMode' | 'priority'> & { expected: boolean })[])(
    'acceptMode $acceptMode, priority $priority -> add-vips acceptMode $expected',
    ({ acceptMode, priority, expected }) => {
      const { router, actions } = startRouter({ acceptMode, priority });
      const fired = priority === 255 ? actions : runUntil(router, 10_000).map((t) => t.action);
      const addVips = fired.filter((a) => a.type === 'add-vips');
      expect(addVips).toEqual([{ type: 'add-vips', vips: [VIP], acceptMode: expected }]);
    },
  );
});

describe('the driver contract: timers handled twice or early are harmless', () => {
  it('BACKUP: an early timer does nothing; the due one takes over once; a repeat does nothing', () => {
    const { router } = startRouter();
    expect(router.handle({ type: 'timer', nowMs: 0 })).toEqual([]);
    expect(router.handle({ type: 'timer', nowMs: MASTER_DOWN_MS - 1 })).toEqual([]);
    expect(router.snapshot().state).toBe('backup');
    expect(types(router.handle({ type: 'timer', nowMs: MASTER_DOWN_MS }))).toEqual([
      'transition',
      'send-advert',
      'cloud-claim',
      'add-vips',
      'send-garp',
    ]);
    expect(router.handle({ type: 'timer', nowMs: MASTER_DOWN_MS })).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(MASTER_DOWN_MS + 1000);
  });

  it('MASTER: one advert per due Adver_Timer however many timer inputs arrive', () => {
    const { router, masterSinceMs: t0 } = startAsMaster();
    expect(router.handle({ type: 'timer', nowMs: t0 + 999 })).toEqual([]);
    expect(types(router.handle({ type: 'timer', nowMs: t0 + 1000 }))).toEqual(['send-advert']);
    expect(router.handle({ type: 'timer', nowMs: t0 + 1000 })).toEqual([]);
    expect(router.handle({ type: 'timer', nowMs: t0 + 1500 })).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(t0 + 2000);
  });

  it('a late timer sends one advert and rearms from now (no burst of catch-up adverts)', () => {
    const { router, masterSinceMs: t0 } = startAsMaster();
    expect(types(router.handle({ type: 'timer', nowMs: t0 + 3500 }))).toEqual(['send-advert']);
    expect(router.nextDeadlineMs()).toBe(t0 + 4500);
  });

  it('nextDeadlineMs is undefined in Initialize (before startup and after shutdown) and in FAULT', () => {
    const router = makeRouter();
    expect(router.nextDeadlineMs()).toBeUndefined();
    expect(router.handle({ type: 'timer', nowMs: 5000 })).toEqual([]);
    router.handle({ type: 'startup', nowMs: 0 });
    expect(router.nextDeadlineMs()).toBe(MASTER_DOWN_MS);
    router.handle({ type: 'interface', nowMs: 10, up: false });
    expect(router.nextDeadlineMs()).toBeUndefined();
    router.handle({ type: 'interface', nowMs: 20, up: true });
    expect(router.nextDeadlineMs()).toBe(20 + MASTER_DOWN_MS);
    router.handle({ type: 'shutdown', nowMs: 30 });
    expect(router.nextDeadlineMs()).toBeUndefined();
  });
});

describe('a pending preemption and a tracking change (RFC 5798 §6.4.2)', () => {
  it('a backup that no longer outranks the master drops its preemption: Master_Down_Interval again', () => {
    // 150 follows a master heard at 0 (200), whose advert at 1000 says 120: preempt at
    // 1000 + Skew_Time(150) = 1000 + 414.0625.
    const { router } = startRouter({ priority: 150 });
    receive(router, 0, PEER, { priority: 200 });
    receive(router, 1000, PEER, { priority: 120 });
    expect(router.nextDeadlineMs()).toBe(1000 + ((256 - 150) * 1000) / 256);
    // Tracking takes us to 100: the 120 master outranks us, so it is a live master again and
    // the timer runs Master_Down_Interval(100), not Skew_Time, from the last advert §6.4.2 let
    // reset it (at 0: the lower one was discarded).
    router.handle({ type: 'tracking', nowMs: 1100, status: { weightDelta: -50, fault: false } });
    expect(router.nextDeadlineMs()).toBe(0 + 3000 + ((256 - 100) * 1000) / 256);
    // Its next advert is accepted (>= ours) and keeps us BACKUP.
    receive(router, 2000, PEER, { priority: 120 });
    expect(router.snapshot()).toMatchObject({ state: 'backup', masterAddress: PEER });
    expect(runUntil(router, 2500).map((t) => t.action.type)).toEqual([]);
  });

  it('a backup that still outranks the master keeps its preemption, at the new Skew_Time', () => {
    const { router } = startRouter({ priority: 150 });
    receive(router, 0, PEER, { priority: 200 });
    receive(router, 1000, PEER, { priority: 120 });
    router.handle({ type: 'tracking', nowMs: 1100, status: { weightDelta: -20, fault: false } });
    expect(router.nextDeadlineMs()).toBe(1000 + ((256 - 130) * 1000) / 256);
    const takeover = runUntil(router, 2000).find((t) => t.action.type === 'transition');
    expect(takeover?.action).toMatchObject({ to: 'master', reason: 'preempting', priority: 130 });
  });
});

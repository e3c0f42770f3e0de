// RFC 5798 §6.4.1-§6.4.3 (and RFC 3768 §6.4 for v2), one table row per rule of the state machine.
// Timer values are written out as numbers (not computed with src/agent/vrrp/intervals.ts) so a
// wrong formula fails here. Defaults: priority 100, Advertisement_Interval 100 cs = 1000 ms, so
// Skew_Time = (256 - 100) * 1000 / 256 = 609.375 ms and Master_Down_Interval = 3609.375 ms.
import { describe, expect, it } from 'vitest';

import type { VirtualRouter } from '../../../src/agent/vrrp/router.js';
import type { VirtualRouterConfig, VrrpAction } from '../../../src/agent/vrrp/types.js';
import {
  advertFrom,
  makeConfig,
  PEER,
  receive,
  runUntil,
  startAsMaster,
  startRouter,
  types,
  VIP,
} from './helpers.js';

const SKEW_MS = 609.375;
const MASTER_DOWN_MS = 3609.375;
const BECOME_MASTER = ['transition', 'send-advert', 'cloud-claim', 'add-vips', 'send-garp'];

describe('RFC 5798 §6.4.1 Initialize', () => {
  it.each([
    { rule: 'v3 IPv4', overrides: {} },
    { rule: 'v2 (RFC 3768 §6.4.1)', overrides: { version: 2 } },
    {
      rule: 'v3 IPv6 (unsolicited NA through send-garp)',
      overrides: { family: 'ipv6', primaryAddress: 'fe80::1', vips: ['2001:db8::100'] },
    },
  ] satisfies { rule: string; overrides: Partial<VirtualRouterConfig> }[])(
    '§6.4.1 Startup with Priority = 255 -> send ADVERTISEMENT, GARP, Adver_Timer, go MASTER at once: $rule',
    ({ overrides }) => {
      const config = makeConfig({ ...overrides, priority: 255 });
      const { router, actions } = startRouter(config, 500);
      expect(actions).toEqual([
        {
          type: 'transition',
          from: 'initialize',
          to: 'master',
          reason: 'startup-owner',
          priority: 255,
          nowMs: 500,
        },
        { type: 'send-advert', advert: advertFrom({ priority: 255 }, router.config) },
        { type: 'cloud-claim' },
        { type: 'add-vips', vips: config.vips, acceptMode: true },
        { type: 'send-garp', vips: config.vips },
      ]);
      // "Set the Adver_Timer to Advertisement_Interval"
      expect(router.nextDeadlineMs()).toBe(1500);
      expect(router.snapshot().masterAddress).toBe(router.config.primaryAddress);
    },
  );

  it.each([
    { priority: 100, version: 3, intervalCs: 100, masterDownMs: 3609.375 },
    { priority: 254, version: 3, intervalCs: 100, masterDownMs: 3007.8125 },
    { priority: 1, version: 3, intervalCs: 100, masterDownMs: 3996.09375 },
    { priority: 100, version: 3, intervalCs: 50, masterDownMs: 1804.6875 },
    { priority: 100, version: 3, intervalCs: 4095, masterDownMs: 147803.90625 },
    { priority: 100, version: 2, intervalCs: 100, masterDownMs: 3609.375 },
    { priority: 200, version: 2, intervalCs: 300, masterDownMs: 9218.75 },
  ] as const)(
    '§6.4.1 Startup with Priority $priority (v$version, $intervalCs cs) -> BACKUP, Master_Down_Timer = $masterDownMs ms',
    ({ priority, version, intervalCs, masterDownMs }) => {
      const { router, actions } = startRouter(
        { priority, version, advertIntervalCs: intervalCs },
        1000,
      );
      // "Set Master_Adver_Interval to Advertisement_Interval; Set the Master_Down_Timer to
      // Master_Down_Interval; Transition to the {Backup} state" -- nothing is sent.
      expect(actions).toEqual([
        {
          type: 'transition',
          from: 'initialize',
          to: 'backup',
          reason: 'startup',
          priority,
          nowMs: 1000,
        },
      ]);
      expect(router.nextDeadlineMs()).toBe(1000 + masterDownMs);
      expect(router.snapshot().masterAdvertIntervalCs).toBe(intervalCs);
      expect(router.snapshot().state).toBe('backup');
    },
  );

  it('a second Startup event is ignored (no second transition)', () => {
    const { router } = startRouter();
    expect(router.handle({ type: 'startup', nowMs: 10 })).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(MASTER_DOWN_MS);
  });
});

describe('RFC 5798 §6.4.2 Backup', () => {
  // Each row: start at 0 (Master_Down_Timer at 3609.375), receive one advert from PEER at `atMs`.
  // None of these produces an action; what changes is the timer.
  it.each([
    {
      rule: '§6.4.2 Backup: "If the Priority in the ADVERTISEMENT is zero ... Set the Master_Down_Timer to Skew_Time"',
      overrides: {},
      atMs: 1000,
      advert: { priority: 0 },
      deadlineMs: 1000 + SKEW_MS,
      masterAddress: undefined,
      intervalCs: 100,
    },
    {
      rule: '§6.4.2 Backup: priority 0 from a master that advertised 200 cs -> Skew_Time uses the learned Master_Adver_Interval',
      overrides: {},
      atMs: 1000,
      advert: { priority: 0 },
      learnFirst: { priority: 150, intervalCs: 200 },
      deadlineMs: 1000 + 1218.75,
      masterAddress: undefined,
      intervalCs: 200,
    },
    {
      rule: '§6.4.2 Backup: "Priority in the ADVERTISEMENT is greater than ... the local Priority" -> reset Master_Down_Timer to Master_Down_Interval',
      overrides: {},
      atMs: 1000,
      advert: { priority: 150 },
      deadlineMs: 1000 + MASTER_DOWN_MS,
      masterAddress: PEER,
      intervalCs: 100,
    },
    {
      rule: '§6.4.2 Backup: "... or equal to the local Priority" -> reset Master_Down_Timer (no preemption on a tie)',
      overrides: {},
      atMs: 1000,
      advert: { priority: 100 },
      deadlineMs: 1000 + MASTER_DOWN_MS,
      masterAddress: PEER,
      intervalCs: 100,
    },
    {
      rule: '§6.4.2 Backup (v3): "Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT" (200 cs: 3*2000 + 156*2000/256)',
      overrides: {},
      atMs: 1000,
      advert: { priority: 150, intervalCs: 200 },
      deadlineMs: 1000 + 7218.75,
      masterAddress: PEER,
      intervalCs: 200,
    },
    {
      rule: '§6.4.2 Backup (v3): a shorter advertised interval (50 cs) shortens Master_Down_Interval to 1804.6875 ms',
      overrides: {},
      atMs: 1000,
      advert: { priority: 150, intervalCs: 50 },
      deadlineMs: 1000 + 1804.6875,
      masterAddress: PEER,
      intervalCs: 50,
    },
    {
      rule: '§6.4.2 Backup: "If Preempt_Mode is False" a lower priority resets the timer (and learns the interval)',
      overrides: { preempt: false },
      atMs: 1000,
      advert: { priority: 50, intervalCs: 200 },
      deadlineMs: 1000 + 7218.75,
      masterAddress: PEER,
      intervalCs: 200,
    },
  ] satisfies {
    rule: string;
    overrides: Partial<VirtualRouterConfig>;
    atMs: number;
    advert: { priority: number; intervalCs?: number };
    learnFirst?: { priority: number; intervalCs: number };
    deadlineMs: number;
    masterAddress: string | undefined;
    intervalCs: number;
  }[])(
    '$rule',
    ({ overrides, atMs, advert, learnFirst, deadlineMs, masterAddress, intervalCs }) => {
      const { router } = startRouter(overrides);
      if (learnFirst !== undefined) expect(receive(router, 500, PEER, learnFirst)).toEqual([]);
      expect(receive(router, atMs, PEER, advert)).toEqual([]);
      const snap = router.snapshot();
      expect(snap.state).toBe('backup');
      expect(router.nextDeadlineMs()).toBe(deadlineMs);
      expect(snap.masterDownDeadlineMs).toBe(deadlineMs);
      expect(snap.masterAddress).toBe(masterAddress);
      expect(snap.masterAdvertIntervalCs).toBe(intervalCs);
    },
  );

  it("§6.4.2 Backup: priority-0 advert -> takeover exactly at Skew_Time with reason 'master-released'", () => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 150 });
    expect(receive(router, 2000, PEER, { priority: 0 })).toEqual([]);
    expect(runUntil(router, 2000 + SKEW_MS - 0.001)).toEqual([]);
    const fired = runUntil(router, 2000 + SKEW_MS);
    expect(types(fired.map((t) => t.action))).toEqual(BECOME_MASTER);
    expect(fired[0]).toEqual({
      atMs: 2000 + SKEW_MS,
      action: {
        type: 'transition',
        from: 'backup',
        to: 'master',
        reason: 'master-released',
        priority: 100,
        nowMs: 2000 + SKEW_MS,
      },
    });
  });

  it('§6.4.2 Backup: a normal advert after a priority-0 one restores Master_Down_Interval and the reason master-down', () => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 0 });
    receive(router, 1200, PEER, { priority: 150 });
    expect(router.nextDeadlineMs()).toBe(1200 + MASTER_DOWN_MS);
    const fired = runUntil(router, 1200 + MASTER_DOWN_MS);
    expect(fired[0]?.action).toMatchObject({ type: 'transition', reason: 'master-down' });
  });

  it('§6.4.2 Backup: adverts with priority >= local keep arriving -> never Master; silence -> Master after Master_Down_Interval', () => {
    const { router } = startRouter();
    const seen: VrrpAction[] = [];
    for (let t = 1000; t <= 20_000; t += 1000) {
      seen.push(...runUntil(router, t).map((x) => x.action));
      seen.push(...receive(router, t, PEER, { priority: 200 }));
    }
    expect(seen).toEqual([]);
    const fired = runUntil(router, 30_000);
    expect(fired[0]?.atMs).toBe(20_000 + MASTER_DOWN_MS);
    expect(fired[0]?.action).toMatchObject({ to: 'master', reason: 'master-down' });
  });

  it('§6.4.2 Backup, Preempt_Mode False: a lower-priority incumbent keeps resetting the timer -> never Master while its adverts come', () => {
    const { router } = startRouter({ preempt: false, priority: 200 });
    const seen: VrrpAction[] = [];
    for (let t = 1000; t <= 30_000; t += 1000) {
      seen.push(...runUntil(router, t).map((x) => x.action));
      seen.push(...receive(router, t, PEER, { priority: 10 }));
      expect(router.nextDeadlineMs()).toBe(t + 3000 + (56 * 1000) / 256);
    }
    expect(seen).toEqual([]);
    expect(router.snapshot()).toMatchObject({ state: 'backup', masterAddress: PEER });
    const fired = runUntil(router, 40_000);
    expect(fired[0]?.atMs).toBe(30_000 + 3218.75);
    expect(fired[0]?.action).toMatchObject({ to: 'master', reason: 'master-down' });
  });

  it('§6.4.2 Backup, preempt with a delay D = 5000 ms (keepalived preempt_delay): the lower master is accepted until D after its first advert, then preemption in Skew_Time', () => {
    const { router } = startRouter({ preemptDelayMs: 5000 });
    const fired: { atMs: number; action: VrrpAction }[] = [];
    // Lower-priority adverts every 1000 ms from t = 1000: the hold runs until 6000.
    for (let t = 1000; t <= 5000; t += 1000) {
      fired.push(...runUntil(router, t));
      expect(receive(router, t, PEER, { priority: 50 })).toEqual([]);
      // Accepted: the timer is reset to Master_Down_Interval, as for a higher master.
      expect(router.nextDeadlineMs()).toBe(t + MASTER_DOWN_MS);
      expect(router.snapshot().preemptHoldUntilMs).toBe(6000);
      expect(router.snapshot().masterAddress).toBe(PEER);
    }
    fired.push(...runUntil(router, 6000));
    expect(receive(router, 6000, PEER, { priority: 50 })).toEqual([]);
    // Hold over: discarded, and the takeover is due Skew_Time later.
    expect(router.nextDeadlineMs()).toBe(6000 + SKEW_MS);
    expect(fired).toEqual([]);
    expect(router.snapshot().state).toBe('backup');
    const after = runUntil(router, 6000 + SKEW_MS);
    expect(after[0]).toMatchObject({
      atMs: 6000 + SKEW_MS,
      action: { to: 'master', reason: 'preempting' },
    });
  });

  it('§6.4.2 Backup, preempt delay: an advert with priority >= local cancels the hold', () => {
    const { router } = startRouter({ preemptDelayMs: 5000 });
    receive(router, 1000, PEER, { priority: 50 });
    expect(router.snapshot().preemptHoldUntilMs).toBe(6000);
    receive(router, 2000, PEER, { priority: 150 });
    expect(router.snapshot().preemptHoldUntilMs).toBeUndefined();
    // A new lower master later starts a new hold from its first advert.
    receive(router, 3000, PEER, { priority: 50 });
    expect(router.snapshot().preemptHoldUntilMs).toBe(8000);
    expect(router.nextDeadlineMs()).toBe(3000 + MASTER_DOWN_MS);
  });

  it("§6.4.2 Backup, Preempt_Mode: a higher master first, then it is lowered by its tracker -> 'preempting'", () => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 150 });
    expect(receive(router, 2000, PEER, { priority: 60 })).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(2000 + SKEW_MS);
    expect(runUntil(router, 2000 + SKEW_MS)[0]?.action).toMatchObject({
      to: 'master',
      reason: 'preempting',
    });
  });

  it("§6.4.2 Backup, preempt delay: the takeover once the hold has run out is 'preempting'", () => {
    const { router } = startRouter({ preemptDelayMs: 2000 });
    receive(router, 1000, PEER, { priority: 50 });
    receive(router, 2000, PEER, { priority: 50 });
    receive(router, 3000, PEER, { priority: 50 });
    expect(router.nextDeadlineMs()).toBe(3000 + SKEW_MS);
    expect(runUntil(router, 3000 + SKEW_MS)[0]?.action).toMatchObject({
      to: 'master',
      reason: 'preempting',
    });
  });

  it.each([
    {
      rule: "a priority-0 advert after the lower one -> 'master-released' (Skew_Time from the priority-0 advert)",
      then: { priority: 0 },
      dueMs: 1200 + SKEW_MS,
      reason: 'master-released',
    },
    {
      rule: "an advert with priority >= ours after the lower one -> Master_Down_Interval and 'master-down'",
      then: { priority: 150 },
      dueMs: 1200 + MASTER_DOWN_MS,
      reason: 'master-down',
    },
  ])('§6.4.2 Backup, Preempt_Mode: $rule', ({ then, dueMs, reason }) => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 50 });
    receive(router, 1200, PEER, then);
    expect(router.nextDeadlineMs()).toBe(dueMs);
    expect(runUntil(router, dueMs - 0.001)).toEqual([]);
    expect(runUntil(router, dueMs)[0]?.action).toMatchObject({ to: 'master', reason });
  });

  it("§6.4.2 Backup: a lower master's advert that does not pull the timer nearer leaves the reason 'master-down'", () => {
    const { router } = startRouter();
    receive(router, 0, PEER, { priority: 150 });
    receive(router, 3500, PEER, { priority: 50 });
    expect(runUntil(router, MASTER_DOWN_MS)[0]).toMatchObject({
      atMs: MASTER_DOWN_MS,
      action: { to: 'master', reason: 'master-down' },
    });
  });

  it("§6.4.2 Backup, Preempt_Mode False: a lower master that goes silent -> 'master-down', never 'preempting'", () => {
    const { router } = startRouter({ preempt: false });
    receive(router, 1000, PEER, { priority: 50 });
    expect(router.nextDeadlineMs()).toBe(1000 + MASTER_DOWN_MS);
    expect(runUntil(router, 1000 + MASTER_DOWN_MS)[0]?.action).toMatchObject({
      to: 'master',
      reason: 'master-down',
    });
  });
});

// Issue 10: §6.4.2 discards a lower-priority advert. floatd keeps one faster path, only for the
// master it follows (the source of the last advert it accepted) whose priority fell below ours:
// Skew_Time after that advert, but not before the master's next advert was due plus Skew_Time,
// so a forged copy from any host is answered by the live master's next real advert.
const OTHER = '10.0.0.3';
describe('RFC 5798 §6.4.2 Backup, Preempt_Mode: lower-priority adverts', () => {
  interface Row {
    rule: string;
    /** An advert accepted first (priority >= ours): the master we follow from then on. */
    follow?: { atMs: number; priority: number };
    advert: { atMs: number; src: string; priority: number };
    actions: string[];
    deadlineMs: number;
    masterAddress: string | undefined;
    reason: string;
  }
  it.each<Row>([
    {
      rule: "no master known yet (startup): discarded, counted; Master_Down_Timer untouched (then 'preempting' that lower master)",
      advert: { atMs: 1000, src: PEER, priority: 50 },
      actions: ['advert-dropped'],
      deadlineMs: MASTER_DOWN_MS,
      masterAddress: undefined,
      reason: 'preempting',
    },
    {
      rule: 'from a router other than our master: discarded, counted; the timer keeps running from our master',
      follow: { atMs: 500, priority: 150 },
      advert: { atMs: 1000, src: OTHER, priority: 50 },
      actions: ['advert-dropped'],
      deadlineMs: 500 + MASTER_DOWN_MS,
      masterAddress: PEER,
      reason: 'master-down',
    },
    {
      rule: 'from our master, when its next advert was due: Skew_Time from this advert',
      follow: { atMs: 0, priority: 150 },
      advert: { atMs: 1000, src: PEER, priority: 50 },
      actions: [],
      deadlineMs: 1000 + SKEW_MS,
      masterAddress: PEER,
      reason: 'preempting',
    },
    {
      rule: 'from our master, early (a forged copy looks the same): Skew_Time after its next advert was due',
      follow: { atMs: 500, priority: 150 },
      advert: { atMs: 700, src: PEER, priority: 50 },
      actions: [],
      deadlineMs: 500 + 1000 + SKEW_MS,
      masterAddress: PEER,
      reason: 'preempting',
    },
    {
      rule: 'from our master, late: never pushes a nearer Master_Down_Timer later',
      follow: { atMs: 0, priority: 150 },
      advert: { atMs: 3500, src: PEER, priority: 50 },
      actions: [],
      deadlineMs: MASTER_DOWN_MS,
      masterAddress: PEER,
      reason: 'master-down',
    },
  ])('$rule', ({ follow, advert, actions, deadlineMs, masterAddress, reason }) => {
    const { router } = startRouter();
    if (follow !== undefined) {
      expect(receive(router, follow.atMs, PEER, { priority: follow.priority })).toEqual([]);
    }
    const out = receive(router, advert.atMs, advert.src, { priority: advert.priority });
    expect(types(out)).toEqual(actions);
    if (actions.length > 0) {
      expect(out[0]).toEqual({ type: 'advert-dropped', reason: 'lower-priority', src: advert.src });
    }
    expect(router.nextDeadlineMs()).toBe(deadlineMs);
    expect(router.snapshot().masterAddress).toBe(masterAddress);
    expect(runUntil(router, deadlineMs - 0.001)).toEqual([]);
    expect(runUntil(router, deadlineMs)[0]?.action).toMatchObject({ to: 'master', reason });
  });

  it('a forged lower advert from our master is cancelled by its next real advert: still BACKUP', () => {
    const { router } = startRouter();
    receive(router, 500, PEER, { priority: 150 });
    receive(router, 700, PEER, { priority: 50 }); // forged: due at 1500 + Skew_Time
    expect(receive(router, 1500, PEER, { priority: 150 })).toEqual([]); // the real one
    expect(router.nextDeadlineMs()).toBe(1500 + MASTER_DOWN_MS);
    expect(runUntil(router, 1500 + SKEW_MS + 1)).toEqual([]);
  });

  it("20 forged or foreign lower adverts (50-60) at random phases between a live master's adverts: never MASTER", () => {
    const { router } = startRouter();
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const forged = Array.from({ length: 20 }, (_, i) => ({
      atMs: 1000 * (i + 1) + 1 + Math.floor(random() * 998),
      src: i % 2 === 0 ? PEER : OTHER,
      priority: 50 + Math.floor(random() * 11),
    }));
    const seen: VrrpAction[] = [];
    for (let t = 0; t <= 21_000; t += 1000) {
      seen.push(...runUntil(router, t).map((x) => x.action));
      receive(router, t, PEER, { priority: 150 });
      for (const f of forged.filter((x) => x.atMs > t && x.atMs < t + 1000)) {
        seen.push(...runUntil(router, f.atMs).map((x) => x.action));
        seen.push(...receive(router, f.atMs, f.src, { priority: f.priority }));
      }
    }
    expect(seen.filter((a) => a.type === 'transition')).toEqual([]);
    // The foreign ones are counted; the forged copies of our master's are not told apart.
    expect(seen.filter((a) => a.type === 'advert-dropped')).toHaveLength(10);
    expect(router.snapshot()).toMatchObject({ state: 'backup', masterAddress: PEER });
  });

  it.each([
    {
      rule: 'from a router other than our master: discarded (a forged or second master leaving), counted',
      src: OTHER,
      actions: ['advert-dropped'],
      deadlineMs: 500 + MASTER_DOWN_MS,
    },
    { rule: 'from our master: Skew_Time', src: PEER, actions: [], deadlineMs: 1000 + SKEW_MS },
  ])(
    '§6.4.2 Backup: a priority-0 advert while following a master, $rule',
    ({ src, actions, deadlineMs }) => {
      const { router } = startRouter();
      receive(router, 500, PEER, { priority: 150 });
      const out = receive(router, 1000, src, { priority: 0 });
      expect(types(out)).toEqual(actions);
      if (actions.length > 0) {
        expect(out[0]).toEqual({ type: 'advert-dropped', reason: 'foreign-release', src });
      }
      expect(router.nextDeadlineMs()).toBe(deadlineMs);
    },
  );
});

// Timers and Shutdown, in Backup (started at 0) and in Master (became Master at t0 = 3609.375).
interface Started {
  readonly router: VirtualRouter;
  readonly t0: number;
}
function backupAt0(overrides: Partial<VirtualRouterConfig> = {}): Started {
  return { router: startRouter(overrides).router, t0: 0 };
}
function masterAtT0(overrides: Partial<VirtualRouterConfig> = {}): Started {
  const { router, masterSinceMs } = startAsMaster(overrides);
  return { router, t0: masterSinceMs };
}

describe('RFC 5798 §6.4.2 / §6.4.3 timers', () => {
  it.each([
    {
      rule: '§6.4.2 Backup: "If the Master_Down_Timer fires, then: Send an ADVERTISEMENT; ... gratuitous ARP ...; Set the Adver_Timer to Advertisement_Interval; Transition to the {Master} state" (order: transition, send-advert, cloud-claim, add-vips, send-garp)',
      start: () => backupAt0(),
      dueAfterMs: MASTER_DOWN_MS,
      expected: (due: number): VrrpAction[] => [
        {
          type: 'transition',
          from: 'backup',
          to: 'master',
          reason: 'master-down',
          priority: 100,
          nowMs: due,
        },
        { type: 'send-advert', advert: advertFrom({ priority: 100 }) },
        { type: 'cloud-claim' },
        { type: 'add-vips', vips: [VIP], acceptMode: false },
        { type: 'send-garp', vips: [VIP] },
      ],
      intervalMs: 1000,
    },
    {
      rule: '§6.4.3 Master: "If the Adver_Timer fires, then: Send an ADVERTISEMENT; Reset the Adver_Timer to Advertisement_Interval"',
      start: () => masterAtT0(),
      dueAfterMs: 1000,
      expected: (): VrrpAction[] => [
        { type: 'send-advert', advert: advertFrom({ priority: 100 }) },
      ],
      intervalMs: 1000,
    },
    {
      rule: '§6.4.3 Master at 35 cs: the Adver_Timer is rearmed exactly 350 ms later',
      start: () => masterAtT0({ advertIntervalCs: 35 }),
      dueAfterMs: 350,
      expected: (): VrrpAction[] => [
        {
          type: 'send-advert',
          advert: advertFrom({ priority: 100 }, makeConfig({ advertIntervalCs: 35 })),
        },
      ],
      intervalMs: 350,
    },
  ])('$rule', ({ start, dueAfterMs, expected, intervalMs }) => {
    const { router, t0 } = start();
    const due = t0 + dueAfterMs;
    expect(router.nextDeadlineMs()).toBe(due);
    expect(runUntil(router, due - 0.001)).toEqual([]);
    expect(runUntil(router, due)).toEqual(expected(due).map((action) => ({ atMs: due, action })));
    expect(router.nextDeadlineMs()).toBe(due + intervalMs);
    // And again one interval later: now the Adver_Timer, with exactly one advert.
    expect(runUntil(router, due + intervalMs).map((t) => [t.atMs, t.action.type])).toEqual([
      [due + intervalMs, 'send-advert'],
    ]);
    expect(router.nextDeadlineMs()).toBe(due + 2 * intervalMs);
  });
});

describe('§6.4.3 Adver_Timer cadence', () => {
  it('a timer handled late resets from when it was due: the adverts keep their interval', () => {
    const { router } = masterAtT0();
    const due = router.nextDeadlineMs() as number;
    expect(router.handle({ type: 'timer', nowMs: due + 1.3 }).map((a) => a.type)).toEqual([
      'send-advert',
    ]);
    expect(router.nextDeadlineMs()).toBe(due + 1000);
  });

  it('after a stall longer than an interval, from now: no burst of adverts to catch up', () => {
    const { router } = masterAtT0();
    const due = router.nextDeadlineMs() as number;
    router.handle({ type: 'timer', nowMs: due + 2500 });
    expect(router.nextDeadlineMs()).toBe(due + 2500 + 1000);
  });
});

describe('RFC 5798 §6.4.2 / §6.4.3 Shutdown', () => {
  it.each([
    {
      rule: '§6.4.2 Backup: "If a Shutdown event is received, then: Cancel the Master_Down_Timer; Transition to the {Initialize} state" (no advert)',
      start: () => backupAt0(),
      expected: (now: number): VrrpAction[] => [
        {
          type: 'transition',
          from: 'backup',
          to: 'initialize',
          reason: 'shutdown',
          priority: 100,
          nowMs: now,
        },
      ],
    },
    {
      rule: '§6.4.3 Master: "If a Shutdown event is received, then: Cancel the Adver_Timer; Send an ADVERTISEMENT with Priority = 0; Transition to the {Initialize} state" (+ del-vips, cloud-release)',
      start: () => masterAtT0(),
      expected: (now: number): VrrpAction[] => [
        {
          type: 'transition',
          from: 'master',
          to: 'initialize',
          reason: 'shutdown',
          priority: 100,
          nowMs: now,
        },
        { type: 'send-advert', advert: advertFrom({ priority: 0 }) },
        { type: 'del-vips', vips: [VIP] },
        { type: 'cloud-release' },
      ],
    },
  ])('$rule', ({ start, expected }) => {
    const { router, t0 } = start();
    const now = t0 + 10;
    expect(router.handle({ type: 'shutdown', nowMs: now })).toEqual(expected(now));
    const snap = router.snapshot();
    expect(snap.state).toBe('initialize');
    expect(router.nextDeadlineMs()).toBeUndefined();
    expect(snap.masterDownDeadlineMs).toBeUndefined();
    expect(snap.advertDeadlineMs).toBeUndefined();
    // Initialize hears nothing and has no timer work; a second Shutdown is a no-op.
    expect(router.handle({ type: 'timer', nowMs: now + 100_000 })).toEqual([]);
    expect(receive(router, now + 20, PEER, { priority: 0 })).toEqual([]);
    expect(router.handle({ type: 'shutdown', nowMs: now + 30 })).toEqual([]);
  });
});

describe('a shutdown advert sent ahead of the Shutdown event (from the SIGTERM handler)', () => {
  it('releaseAdvert() is what a MASTER would send at shutdown; nothing for a BACKUP or once stopped', () => {
    const { router: master, t0 } = masterAtT0();
    expect(master.releaseAdvert()).toEqual(advertFrom({ priority: 0 }));
    const { router: backup } = backupAt0();
    expect(backup.releaseAdvert()).toBeUndefined();
    master.handle({ type: 'shutdown', nowMs: t0 + 10 });
    expect(master.releaseAdvert()).toBeUndefined();
  });

  it('releaseSent: the MASTER goes to Initialize as always, without a second priority-0 advert', () => {
    const { router, t0 } = masterAtT0();
    const now = t0 + 10;
    const actions = router.handle({ type: 'shutdown', nowMs: now, releaseSent: true });
    // A second priority 0 would restart the backup's Skew_Time (§6.4.2).
    expect(actions.map((a) => a.type)).toEqual(['transition', 'del-vips', 'cloud-release']);
    expect(router.snapshot().state).toBe('initialize');
  });

  it('releaseSent from a BACKUP changes nothing: it never had one to send', () => {
    const { router } = backupAt0();
    expect(
      router.handle({ type: 'shutdown', nowMs: 10, releaseSent: true }).map((a) => a.type),
    ).toEqual(['transition']);
  });
});

describe('RFC 5798 §6.4.3 Master', () => {
  const OURS = '10.0.0.5';
  // Each row: a non-owner (priority 100, primary 10.0.0.5) that is Master receives one advert 200 ms
  // after it became Master (its Adver_Timer is due 800 ms later). 200 ms is past the answer gap
  // (1/8 of the 1000 ms interval since our last advert, see answer-gap.test.ts), so a competing
  // master's advert is answered at once.
  it.each([
    {
      rule: '§6.4.3 Master: "If the Priority in the ADVERTISEMENT is zero, then: Send an ADVERTISEMENT; Reset the Adver_Timer to Advertisement_Interval"',
      src: '10.0.0.9',
      advert: { priority: 0 },
      actions: ['send-advert'],
      state: 'master',
      reason: undefined,
      deadlineDeltaMs: 1000,
    },
    {
      rule: '§6.4.3 Master: "Priority in the ADVERTISEMENT is greater than the local Priority" -> Backup (preempted), Master_Down_Timer from the advert\'s interval (200 cs)',
      src: '10.0.0.2',
      advert: { priority: 150, intervalCs: 200 },
      actions: ['transition', 'del-vips', 'cloud-release'],
      state: 'backup',
      reason: 'preempted',
      deadlineDeltaMs: 7218.75,
    },
    {
      rule: '§6.4.3 Master: higher priority at our own interval -> Backup with Master_Down_Interval 3609.375 ms',
      src: '10.0.0.2',
      advert: { priority: 101 },
      actions: ['transition', 'del-vips', 'cloud-release'],
      state: 'backup',
      reason: 'preempted',
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: '§6.4.3 Master: "equal to the local Priority and the primary IPvX Address of the sender is greater" -> Backup (preempted-by-address)',
      src: '10.0.0.9',
      advert: { priority: 100 },
      actions: ['transition', 'del-vips', 'cloud-release'],
      state: 'backup',
      reason: 'preempted-by-address',
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: '§6.4.3 Master: equal priority from a LOWER primary address -> Discard, stays Master; floatd answers with an advert at once ("forcing new election")',
      src: '10.0.0.2',
      advert: { priority: 100 },
      actions: ['send-advert'],
      state: 'master',
      reason: undefined,
      deadlineDeltaMs: 1000,
    },
    {
      rule: '§6.4.3 Master: lower priority -> "Discard ADVERTISEMENT", stays Master; floatd answers with an advert at once',
      src: '10.0.0.9',
      advert: { priority: 99 },
      actions: ['send-advert'],
      state: 'master',
      reason: undefined,
      deadlineDeltaMs: 1000,
    },
  ] as const)('$rule', ({ src, advert, actions, state, reason, deadlineDeltaMs }) => {
    const { router, masterSinceMs: t0 } = startAsMaster({ primaryAddress: OURS });
    const now = t0 + 200;
    const out = receive(router, now, src, advert);
    expect(types(out)).toEqual(actions);
    expect(router.snapshot().state).toBe(state);
    expect(router.nextDeadlineMs()).toBe(now + deadlineDeltaMs);
    if (state === 'master') {
      expect(out[0]).toEqual({
        type: 'send-advert',
        advert: advertFrom({ priority: 100 }, router.config),
      });
      expect(router.snapshot().advertDeadlineMs).toBe(now + 1000);
    } else {
      expect(out).toEqual([
        {
          type: 'transition',
          from: 'master',
          to: 'backup',
          reason,
          priority: 100,
          nowMs: now,
        },
        { type: 'del-vips', vips: [VIP] },
        { type: 'cloud-release' },
      ]);
      // "Cancel Adver_Timer"
      expect(router.snapshot().advertDeadlineMs).toBeUndefined();
      expect(router.snapshot().masterAddress).toBe(src);
      expect(router.snapshot().masterAdvertIntervalCs).toBe(
        'intervalCs' in advert ? advert.intervalCs : 100,
      );
    }
  });
});

describe('RFC 5798 §7.1: the address owner (priority 255) never leaves MASTER for an advert', () => {
  it.each([
    { priority: 0, src: '10.0.0.9' },
    { priority: 1, src: '10.0.0.9' },
    { priority: 100, src: '10.0.0.9' },
    { priority: 254, src: '10.0.0.9' },
    { priority: 255, src: '10.0.0.9' },
    { priority: 255, src: '10.0.0.0' },
  ])(
    '§7.1 "the local router is not the IPvX address owner": advert priority $priority from $src -> advert-dropped local-owner',
    ({ priority, src }) => {
      const { router } = startRouter({ priority: 255 }, 0);
      const before = router.snapshot();
      expect(receive(router, 300, src, { priority })).toEqual([
        { type: 'advert-dropped', reason: 'local-owner', src },
      ]);
      expect(router.snapshot()).toEqual(before);
      expect(router.nextDeadlineMs()).toBe(1000);
    },
  );
});

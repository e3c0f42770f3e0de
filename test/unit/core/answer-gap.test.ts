// A master answers a competing master's advert (lower priority, or an equal priority from a lower
// address) at once (keepalived's "forcing new election" and RFC 9568 §6.4.3), but never sooner
// than 1/8 of its own Advertisement_Interval after the last advert it SENT, of any kind
// (takeover, Adver_Timer, tracking, an earlier answer). A priority-0 advert (RFC 5798 §6.4.3) is
// answered at once whatever we sent before, but once per interval per sender. Two peers that each think they outrank the other must not
// ping-pong adverts at wire speed. Defaults: priority 100, 100 cs = 1000 ms, so the gap is 125 ms.
import { describe, expect, it } from 'vitest';

import type { VrrpAdvert } from '../../../src/agent/vrrp/codec/types.js';
import type { VirtualRouter } from '../../../src/agent/vrrp/router.js';
import type { VirtualRouterConfig, VrrpAction } from '../../../src/agent/vrrp/types.js';
import {
  advertFrom,
  makeRouter,
  receive,
  runUntil,
  startAsMaster,
  type AdvertFields,
} from './helpers.js';

const GAP_MS = 125;
/** Our primary address is 10.0.0.5: 10.0.0.2 loses a priority tie, 10.0.0.9 wins it. */
const OURS = '10.0.0.5';
const LOWER_ADDRESS = '10.0.0.2';
const OTHER = '10.0.0.9';

const COMPETING: { rule: string; src: string; advert: AdvertFields }[] = [
  { rule: 'lower priority', src: OTHER, advert: { priority: 99 } },
  { rule: 'equal priority from a lower address', src: LOWER_ADDRESS, advert: { priority: 100 } },
];

function master(overrides: Partial<VirtualRouterConfig> = {}): {
  router: VirtualRouter;
  t0: number;
} {
  const { router, masterSinceMs } = startAsMaster({ primaryAddress: OURS, ...overrides });
  return { router, t0: masterSinceMs };
}

function sent(actions: readonly VrrpAction[]): VrrpAction[] {
  return actions.filter((action) => action.type === 'send-advert');
}

/** The most entries of sorted `times` inside any half-open window [t, t + widthMs). */
function maxInWindow(times: readonly number[], widthMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] ?? 0) - (times[lo] ?? 0) >= widthMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

function minSpacing(times: readonly number[]): number {
  let min = Infinity;
  for (let i = 1; i < times.length; i++) min = Math.min(min, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return min;
}

describe('the answer gap: 1/8 of our Advertisement_Interval since the last advert we sent', () => {
  it.each(COMPETING)(
    '$rule within the gap after becoming Master -> no answer, Adver_Timer not reset',
    ({ src, advert }) => {
      const { router, t0 } = master();
      for (const dt of [0, 1, 100, GAP_MS - 0.001]) {
        expect(receive(router, t0 + dt, src, advert)).toEqual([]);
        expect(router.nextDeadlineMs()).toBe(t0 + 1000);
        expect(router.snapshot()).toMatchObject({ state: 'master', advertDeadlineMs: t0 + 1000 });
      }
      // The Adver_Timer still fires on its own schedule, once.
      expect(runUntil(router, t0 + 1000).map((t) => [t.atMs, t.action.type])).toEqual([
        [t0 + 1000, 'send-advert'],
      ]);
    },
  );

  it.each(COMPETING)(
    '$rule exactly at the gap -> answered at once with our priority, Adver_Timer reset',
    ({ src, advert }) => {
      const { router, t0 } = master();
      const now = t0 + GAP_MS;
      expect(receive(router, now, src, advert)).toEqual([
        { type: 'send-advert', advert: advertFrom({ priority: 100 }, router.config) },
      ]);
      expect(router.nextDeadlineMs()).toBe(now + 1000);
    },
  );

  it.each([
    {
      rule: 'the regular Adver_Timer advert',
      lastSentAfterT0: 1000,
      send: (router: VirtualRouter, t: number) => runUntil(router, t).map((x) => x.action),
    },
    {
      rule: 'an advert sent because tracking moved our priority',
      lastSentAfterT0: 300,
      send: (router: VirtualRouter, t: number) =>
        router.handle({ type: 'tracking', nowMs: t, status: { weightDelta: 5, fault: false } }),
    },
    {
      rule: 'an earlier answer',
      lastSentAfterT0: 300,
      send: (router: VirtualRouter, t: number) => receive(router, t, OTHER, { priority: 50 }),
    },
  ])('the gap counts from $rule', ({ lastSentAfterT0, send }) => {
    const { router, t0 } = master();
    const last = t0 + lastSentAfterT0;
    expect(sent(send(router, last))).toHaveLength(1);
    expect(router.nextDeadlineMs()).toBe(last + 1000);
    // Within the gap: nothing, and the Adver_Timer stays where that advert put it.
    expect(receive(router, last + 100, OTHER, { priority: 50 })).toEqual([]);
    expect(receive(router, last + GAP_MS - 0.001, OTHER, { priority: 60 })).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(last + 1000);
    // At the gap: answered.
    expect(sent(receive(router, last + GAP_MS, OTHER, { priority: 50 }))).toHaveLength(1);
    expect(router.nextDeadlineMs()).toBe(last + GAP_MS + 1000);
  });

  it("the gap is 1/8 of OUR interval (400 cs -> 500 ms), whatever the sender's interval", () => {
    const { router, t0 } = master({ advertIntervalCs: 400 });
    expect(receive(router, t0 + 499, OTHER, { priority: 50, intervalCs: 100 })).toEqual([]);
    expect(router.nextDeadlineMs()).toBe(t0 + 4000);
    expect(sent(receive(router, t0 + 500, OTHER, { priority: 50, intervalCs: 100 }))).toHaveLength(
      1,
    );
    expect(router.nextDeadlineMs()).toBe(t0 + 500 + 4000);
  });

  it('a sender with a long interval (4000 cs) does not widen our 125 ms gap', () => {
    const { router, t0 } = master();
    expect(
      sent(receive(router, t0 + GAP_MS, OTHER, { priority: 50, intervalCs: 4000 })),
    ).toHaveLength(1);
  });

  it('a higher-priority advert within the gap is not held back: the Master steps down at once', () => {
    const { router, t0 } = master();
    const out = receive(router, t0 + 1, OTHER, { priority: 150 });
    expect(out[0]).toMatchObject({ type: 'transition', to: 'backup', reason: 'preempted' });
    expect(router.snapshot().state).toBe('backup');
  });

  it('§6.4.3 priority 0 is answered at once, even right after our own advert', () => {
    const { router, t0 } = master();
    expect(receive(router, t0 + 1, OTHER, { priority: 0 })).toEqual([
      { type: 'send-advert', advert: advertFrom({ priority: 100 }, router.config) },
    ]);
    expect(router.nextDeadlineMs()).toBe(t0 + 1 + 1000);
    // Another sender leaving is answered too, one answer gap later.
    expect(sent(receive(router, t0 + 2, LOWER_ADDRESS, { priority: 0 }))).toHaveLength(0);
    expect(sent(receive(router, t0 + 1 + GAP_MS, LOWER_ADDRESS, { priority: 0 }))).toHaveLength(1);
  });

  it('priority 0 from 1,000 cycling sources in one interval: at most 8 answers (no reflection)', () => {
    const { router, t0 } = master();
    let answers = 0;
    for (let i = 0; i < 1000; i++) {
      const now = t0 + 1 + i;
      runUntil(router, now);
      const src = `10.0.${Math.floor(i / 250) + 1}.${(i % 250) + 3}`;
      answers += sent(receive(router, now, src, { priority: 0 })).length;
    }
    expect(answers).toBeLessThanOrEqual(1000 / GAP_MS);
    expect(answers).toBeGreaterThan(0);
  });

  it('priority 0 from one sender is answered once per interval, not at its rate', () => {
    const { router, t0 } = master();
    const answers: number[] = [];
    for (let i = 0; i < 300; i++) {
      const now = t0 + 1 + 10 * i;
      runUntil(router, now);
      if (sent(receive(router, now, OTHER, { priority: 0 })).length > 0) answers.push(now);
    }
    expect(answers).toEqual([1, 1001, 2001].map((dt) => t0 + dt));
  });

  it.each([{ rule: 'lower priority (50)', advert: { priority: 50 } }])(
    'a burst of 100 adverts ($rule), one every 10 ms over one interval -> 8 answers, 130 ms apart',
    ({ advert }) => {
      const { router, t0 } = master();
      const sends: number[] = [t0];
      const answers: number[] = [];
      for (let i = 0; i < 100; i++) {
        const now = t0 + 200 + 10 * i;
        for (const t of runUntil(router, now))
          if (t.action.type === 'send-advert') sends.push(t.atMs);
        if (sent(receive(router, now, OTHER, advert)).length > 0) {
          answers.push(now);
          sends.push(now);
        }
      }
      // The first advert after the gap is answered, then the next one at least 125 ms later.
      expect(answers).toEqual([200, 330, 460, 590, 720, 850, 980, 1110].map((dt) => t0 + dt));
      expect(answers.length).toBeLessThanOrEqual(1000 / GAP_MS);
      // Every answer reset the Adver_Timer, so it never fired in between.
      expect(sends).toEqual([t0, ...answers]);
      expect(maxInWindow(sends, 1000)).toBeLessThanOrEqual(8);
      expect(router.nextDeadlineMs()).toBe(t0 + 1110 + 1000);
    },
  );
});

// Two routers whose adverts reach each other through a fake exchange that rewrites the priority:
// each sees the other as a lower master (priority 1) or as a master leaving (priority 0), a model
// of a broken peer. Every advert is answered if the gap allows. Without the gap this loops at wire
// speed (or forever at one instant with zero latency); with it, a router sends at most one advert
// per gap: 8 in any interval-long window, 9 if the window is closed.
interface StormRow {
  readonly rule: string;
  readonly latencyMs: number;
  readonly deliveredPriority: number;
  readonly intervalsCs: readonly [number, number];
}

interface Delivery {
  readonly atMs: number;
  readonly seq: number;
  readonly to: number;
  readonly src: string;
  readonly advert: VrrpAdvert;
}

function storm(row: StormRow, durationMs: number): number[][] {
  const routers = [
    makeRouter({ primaryAddress: '10.0.0.1', advertIntervalCs: row.intervalsCs[0] }),
    makeRouter({ primaryAddress: '10.0.0.2', advertIntervalCs: row.intervalsCs[1] }),
  ];
  const sends: number[][] = [[], []];
  let queue: Delivery[] = [];
  let seq = 0;
  const emit = (from: number, nowMs: number, actions: readonly VrrpAction[]): void => {
    const router = routers[from];
    if (router === undefined) throw new Error('no router');
    for (const action of actions) {
      if (action.type !== 'send-advert') continue;
      sends[from]?.push(nowMs);
      queue.push({
        atMs: nowMs + row.latencyMs,
        seq: seq++,
        to: 1 - from,
        src: router.config.primaryAddress,
        advert: { ...action.advert, priority: row.deliveredPriority },
      });
    }
  };
  // B starts 250 ms later, so the two do not become Master in the same instant (in step, each
  // would only ever see the other's advert within its own gap).
  routers.forEach((router, i) => {
    const nowMs = i * 250;
    emit(i, nowMs, router.handle({ type: 'startup', nowMs }));
  });
  for (let guard = 0; guard < 200_000; guard++) {
    queue.sort((x, y) => x.atMs - y.atMs || x.seq - y.seq);
    const delivery = queue[0];
    let timerAt = Infinity;
    let timerOf = -1;
    routers.forEach((router, i) => {
      const deadline = router.nextDeadlineMs();
      if (deadline !== undefined && deadline < timerAt) {
        timerAt = deadline;
        timerOf = i;
      }
    });
    // Deliveries first on a tie: the harder case (an answer before our own timer).
    if (delivery !== undefined && delivery.atMs <= timerAt) {
      if (delivery.atMs > durationMs) return sends;
      queue = queue.slice(1);
      const router = routers[delivery.to];
      if (router === undefined) throw new Error('no router');
      const input = { type: 'advert', nowMs: delivery.atMs, src: delivery.src } as const;
      emit(delivery.to, delivery.atMs, router.handle({ ...input, advert: delivery.advert }));
    } else {
      if (timerAt > durationMs) return sends;
      const router = routers[timerOf];
      if (router === undefined) throw new Error('no router');
      emit(timerOf, timerAt, router.handle({ type: 'timer', nowMs: timerAt }));
    }
  }
  throw new Error('storm: too many events (adverts at wire speed?)');
}

describe('two routers that each outrank the other, fed each other’s adverts in a loop', () => {
  const DURATION_MS = 60_000;
  it.each(
    [
      { rule: 'lower priority, zero latency', latencyMs: 0, deliveredPriority: 1 },
      { rule: 'lower priority, 1 ms latency', latencyMs: 1, deliveredPriority: 1 },
      {
        rule: 'lower priority, 62.5 ms latency (answers line up with the gap)',
        latencyMs: 62.5,
        deliveredPriority: 1,
      },
      { rule: 'lower priority, 63 ms latency', latencyMs: 63, deliveredPriority: 1 },
      { rule: 'lower priority, 130 ms latency', latencyMs: 130, deliveredPriority: 1 },
      { rule: 'priority 0, 1 ms latency', latencyMs: 1, deliveredPriority: 0 },
      { rule: 'priority 0, 63 ms latency', latencyMs: 63, deliveredPriority: 0 },
    ].flatMap((row) => [
      { ...row, intervalsCs: [100, 100] as const },
      // Not for priority 0: a priority-0 advert every 350 ms restarts the 100 cs router's
      // Skew_Time (609 ms, §6.4.2) each time, so it rightly stays BACKUP: there is no loop.
      ...(row.deliveredPriority === 0
        ? []
        : [{ ...row, rule: `${row.rule}, 100 cs and 35 cs`, intervalsCs: [100, 35] as const }]),
    ]) satisfies StormRow[],
  )('$rule: at most 9 adverts per interval per router', (row) => {
    const sends = storm(row, DURATION_MS);
    row.intervalsCs.forEach((intervalCs, i) => {
      const times = sends[i] ?? [];
      const intervalMs = intervalCs * 10;
      // Priority-0 answers are not held to the gap (they are rate-limited per sender instead).
      if (row.deliveredPriority !== 0) {
        expect(minSpacing(times)).toBeGreaterThanOrEqual(intervalMs / 8);
      }
      expect(maxInWindow(times, intervalMs)).toBeLessThanOrEqual(8);
      // Per aligned interval (closed windows could hold 9).
      const perInterval = new Map<number, number>();
      for (const t of times) {
        const bucket = Math.floor(t / intervalMs);
        perInterval.set(bucket, (perInterval.get(bucket) ?? 0) + 1);
      }
      expect(Math.max(...perInterval.values())).toBeLessThanOrEqual(9);
      // Still a master that keeps advertising: the gap limits answers, it does not silence us.
      expect(times.length).toBeGreaterThanOrEqual((DURATION_MS - 4000) / intervalMs);
    });
  });

  it('the loop is real: at 63 ms latency both routers answer each other near the gap limit', () => {
    const sends = storm(
      { rule: '', latencyMs: 63, deliveredPriority: 1, intervalsCs: [100, 100] },
      20_000,
    );
    for (const times of sends) {
      const late = times.filter((t) => t >= 10_000);
      // Far above the 1 advert per interval of the Adver_Timer alone, at the 8-per-interval cap.
      expect(late.length).toBeGreaterThanOrEqual(70);
      expect(late.length).toBeLessThanOrEqual(80);
    }
  });
});

// keepalived's MASTER announcement schedule (garp_master_delay / _repeat / _refresh /
// _refresh_repeat, garp_interval), on fake timers with recording senders.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnnounceSettingsError } from '../../../src/agent/net/errors.js';
import {
  GarpScheduler,
  type AnnounceSender,
  type GarpSettings,
} from '../../../src/agent/net/garp.js';
import type { Vip } from '../../../src/agent/net/vip.js';

const logger = pino({ level: 'silent' });
const A: Vip = { address: '10.0.0.100', prefixLength: 24, device: 'eth0' };
const B: Vip = { address: '10.0.0.101', prefixLength: 24, device: 'eth0' };
const V6: Vip = { address: 'fd00::100', prefixLength: 64, device: 'eth0' };

const KEEPALIVED_DEFAULTS: GarpSettings = {
  masterDelayMs: 5000,
  masterRepeat: 5,
  masterRefreshMs: 0,
  masterRefreshRepeat: 1,
  intervalMs: 0,
};

interface Sent {
  readonly atMs: number;
  readonly address: string;
}

function recorder(): AnnounceSender & { sent: Sent[]; closed: number } {
  const r = {
    sent: [] as Sent[],
    closed: 0,
    send: (vip: Vip) => r.sent.push({ atMs: performance.now() - t0, address: vip.address }),
    close: () => void r.closed++,
  };
  return r;
}

let t0 = 0;
beforeEach(() => {
  vi.useFakeTimers();
  t0 = performance.now();
});
afterEach(() => {
  vi.useRealTimers();
});

const times = (sent: Sent[]): number[] => sent.map((s) => s.atMs);

describe('GarpScheduler', () => {
  it('sends the first burst synchronously and the second masterDelayMs later (keepalived defaults)', () => {
    const v4 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 } });
    scheduler.becameMaster('vi1', [A], KEEPALIVED_DEFAULTS);
    // On the hot path: all five before any timer runs.
    expect(times(v4.sent)).toEqual([0, 0, 0, 0, 0]);
    vi.advanceTimersByTime(4999);
    expect(v4.sent).toHaveLength(5);
    vi.advanceTimersByTime(1);
    expect(times(v4.sent)).toEqual([0, 0, 0, 0, 0, 5000, 5000, 5000, 5000, 5000]);
    vi.advanceTimersByTime(600_000);
    expect(v4.sent).toHaveLength(10);
    expect(scheduler.activeKeys).toEqual(['vi1']);
  });

  it('spaces rounds by intervalMs, every VIP once per round', () => {
    const v4 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 } });
    scheduler.becameMaster('vi1', [A, B], {
      ...KEEPALIVED_DEFAULTS,
      masterRepeat: 3,
      intervalMs: 100,
      masterDelayMs: 0,
    });
    vi.advanceTimersByTime(10_000);
    expect(v4.sent).toEqual([
      { atMs: 0, address: A.address },
      { atMs: 0, address: B.address },
      { atMs: 100, address: A.address },
      { atMs: 100, address: B.address },
      { atMs: 200, address: A.address },
      { atMs: 200, address: B.address },
    ]);
  });

  it('refreshes every masterRefreshMs with masterRefreshRepeat rounds while MASTER', () => {
    const v4 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 } });
    scheduler.becameMaster('vi1', [A], {
      masterDelayMs: 0,
      masterRepeat: 1,
      masterRefreshMs: 1000,
      masterRefreshRepeat: 2,
      intervalMs: 10,
    });
    vi.advanceTimersByTime(3500);
    expect(times(v4.sent)).toEqual([0, 1000, 1010, 2000, 2010, 3000, 3010]);
  });

  it('keeps the refresh period when a timer fires late', () => {
    const v4 = recorder();
    // A clock whose timers fire 30 ms late: the period is counted from the scheduled times.
    const lateClock = {
      nowMs: () => performance.now(),
      epochMs: () => performance.timeOrigin + performance.now(),
      setTimer(atMs: number, fire: () => void) {
        const h = setTimeout(fire, Math.max(0, atMs - performance.now()) + 30);
        return { cancel: () => clearTimeout(h) };
      },
    };
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 }, clock: lateClock });
    scheduler.becameMaster('vi1', [A], {
      ...KEEPALIVED_DEFAULTS,
      masterRepeat: 1,
      masterDelayMs: 0,
      masterRefreshMs: 1000,
    });
    vi.advanceTimersByTime(3100);
    expect(times(v4.sent)).toEqual([0, 1030, 2030, 3030]);
  });

  it('stopped(key) cancels that instance only', () => {
    const v4 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 } });
    const settings = { ...KEEPALIVED_DEFAULTS, masterRepeat: 1, masterRefreshMs: 1000 };
    scheduler.becameMaster('vi1', [A], settings);
    scheduler.becameMaster('vi2', [B], settings);
    scheduler.stopped('vi1');
    scheduler.stopped('unknown'); // harmless
    vi.advanceTimersByTime(2500);
    expect(v4.sent.filter((s) => s.address === A.address)).toHaveLength(1);
    expect(times(v4.sent.filter((s) => s.address === B.address))).toEqual([0, 1000, 2000]);
    expect(scheduler.activeKeys).toEqual(['vi2']);
    expect(vi.getTimerCount()).toBe(2); // vi2: the second burst (5000) and the next refresh
  });

  it('stopped(key) leaves nothing pending for it: no timer, no later send (leaving MASTER)', () => {
    const v4 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 } });
    // Every kind of pending work at once: spaced rounds, a second burst, refreshes.
    scheduler.becameMaster('vi1', [A, B], {
      masterDelayMs: 5000,
      masterRepeat: 5,
      masterRefreshMs: 1000,
      masterRefreshRepeat: 2,
      intervalMs: 10,
    });
    expect(v4.sent).toHaveLength(2); // the first round, synchronously: nothing of it is queued
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    scheduler.stopped('vi1');
    expect(vi.getTimerCount()).toBe(0);
    expect(scheduler.activeKeys).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(v4.sent).toHaveLength(2);
  });

  it('restarts the schedule when the same instance becomes MASTER again', () => {
    const v4 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4 } });
    const settings = { ...KEEPALIVED_DEFAULTS, masterRepeat: 1, masterDelayMs: 1000 };
    scheduler.becameMaster('vi1', [A], settings);
    vi.advanceTimersByTime(500);
    scheduler.becameMaster('vi1', [A], settings);
    vi.advanceTimersByTime(5000);
    // One schedule (0, 500, then 1500), not two (no second burst at 1000).
    expect(times(v4.sent)).toEqual([0, 500, 1500]);
  });

  it('sends IPv6 VIPs with the IPv6 sender and skips a family without one', () => {
    const v4 = recorder();
    const v6 = recorder();
    const settings = { ...KEEPALIVED_DEFAULTS, masterRepeat: 1, masterDelayMs: 0 };
    new GarpScheduler({ logger, senders: { ipv4: v4, ipv6: v6 } }).becameMaster(
      'vi1',
      [A, V6],
      settings,
    );
    expect(v4.sent.map((s) => s.address)).toEqual([A.address]);
    expect(v6.sent.map((s) => s.address)).toEqual([V6.address]);
    const only4 = recorder();
    new GarpScheduler({ logger, senders: { ipv4: only4 } }).becameMaster('vi1', [V6, A], settings);
    expect(only4.sent.map((s) => s.address)).toEqual([A.address]);
  });

  it('keeps going when a sender throws', () => {
    let calls = 0;
    const throwing: AnnounceSender = {
      send: () => {
        calls++;
        throw new Error('boom');
      },
      close: () => undefined,
    };
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: throwing } });
    expect(() => scheduler.becameMaster('vi1', [A, B], KEEPALIVED_DEFAULTS)).not.toThrow();
    vi.advanceTimersByTime(5000);
    expect(calls).toBe(20);
  });

  it('close() cancels everything, closes the senders and ignores later transitions', () => {
    const v4 = recorder();
    const v6 = recorder();
    const scheduler = new GarpScheduler({ logger, senders: { ipv4: v4, ipv6: v6 } });
    scheduler.becameMaster('vi1', [A], { ...KEEPALIVED_DEFAULTS, masterRefreshMs: 1000 });
    scheduler.close();
    expect(vi.getTimerCount()).toBe(0);
    expect([v4.closed, v6.closed]).toEqual([1, 1]);
    scheduler.becameMaster('vi2', [A], KEEPALIVED_DEFAULTS);
    vi.advanceTimersByTime(10_000);
    expect(v4.sent).toHaveLength(5);
  });

  it('rejects settings out of range with a stable code', () => {
    const scheduler = new GarpScheduler({ logger, senders: {} });
    const bad = [
      { ...KEEPALIVED_DEFAULTS, masterRepeat: -1 },
      { ...KEEPALIVED_DEFAULTS, masterRepeat: 1.5 },
      { ...KEEPALIVED_DEFAULTS, intervalMs: Number.NaN },
    ];
    for (const settings of bad) {
      expect(() => scheduler.becameMaster('vi1', [A], settings)).toThrow(AnnounceSettingsError);
    }
    expect(() => scheduler.becameMaster('vi1', [A], bad[0] as GarpSettings)).toThrow(
      expect.objectContaining({ code: 'FLOATD_ERR_NET_ANNOUNCE_SETTINGS' }),
    );
  });
});

// Time for the driver: real (monotonic) in the daemon, simulated in the simulation.

export interface TimerHandle {
  cancel(): void;
}

export interface TimerOptions {
  /**
   * Fire as close to `atMs` as the host allows (tenths of a millisecond), for a deadline whose
   * lateness is measured, like the Master_Down timer. Costs up to ~2 ms of a blocked event
   * loop when it fires; clocks without the distinction ignore it.
   */
  readonly precise?: boolean;
}

export interface Clock {
  /** Monotonic milliseconds; only differences matter. Deadlines and durations use it. */
  nowMs(): number;
  /**
   * Wall-clock milliseconds since the Unix epoch, for what is compared outside this process:
   * times shown to people (status, logs) and cloud fence terms. Never for a deadline.
   */
  epochMs(): number;
  /** Call `fire` once at or after the absolute time `atMs`. */
  setTimer(atMs: number, fire: () => void, options?: TimerOptions): TimerHandle;
}

/*
 * Node's setTimeout counts whole milliseconds of the event loop's clock (libuv's monotonic time,
 * floored to the millisecond) from when it is armed, and truncates the delay: a timer for
 * 999.7 ms from now fires anywhere from ~2 ms early to ~1 ms late (measured here: 89 of 100
 * fired early; the driver then re-armed for at least 1 ms more). deadlineClock aims at a
 * millisecond boundary of that same clock instead: the one at or after the deadline (never
 * early, under 1 ms late), or for a precise timer one a millisecond or two before it, and then
 * waits out the rest with Atomics.wait (the event loop is blocked for that part only). A precise
 * timer is a BACKUP's Master_Down timer, re-armed by every advert: it only comes near its
 * deadline when the MASTER is gone, so that wait happens once per takeover.
 */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** libuv's clock in ms (CLOCK_MONOTONIC, as process.hrtime) minus performance.now(). */
const loopClockOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/** A precise timer's remainder is waited out synchronously only below this. */
const MAX_SYNC_WAIT_MS = 2.5;
/** How much earlier than its deadline a precise timer's last sleep ends (wake-up latency). */
const PRECISE_WAKE_MS = 1;

/** A timer further away than this first wakes LEAD_MS and twice the kernel's slack before. */
const FAR_MS = 20;
const LEAD_MS = 2;

class DeadlineTimer implements TimerHandle {
  private timeout: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private cancelled = false;

  constructor(
    private readonly atMs: number,
    private readonly fire: () => void,
    private readonly precise: boolean,
  ) {
    this.arm(false);
  }

  cancel(): void {
    this.cancelled = true;
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
  }

  /** `fromTimer`: called back by Node; never fire inside setTimer() itself (callers re-arm). */
  private arm(fromTimer: boolean): void {
    this.timeout = undefined;
    this.immediate = undefined;
    if (this.cancelled) return;
    const nowMs = performance.now();
    const remainingMs = this.atMs - nowMs;
    if (remainingMs <= 0 || (this.precise && remainingMs < MAX_SYNC_WAIT_MS)) {
      if (!fromTimer) {
        this.immediate = setImmediate(() => this.arm(true));
        return;
      }
      if (remainingMs > 0) Atomics.wait(sleeper, 0, 0, remainingMs);
      // Fire after the I/O already waiting: libuv runs expired timers before it polls, so after
      // a stalled event loop (startup work, GC, a loaded host) a Master_Down timer would fire
      // before the adverts that arrived meanwhile are read, and a BACKUP would take over from
      // a live MASTER. The check phase comes after that poll; with nothing waiting it costs a
      // loop turn (tens of microseconds).
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        if (!this.cancelled) this.fire();
      });
      return;
    }
    // Whole milliseconds on the loop's clock from its current millisecond to the target one.
    const loopNowMs = Math.floor(nowMs + loopClockOffsetMs);
    const loopAtMs = this.atMs + loopClockOffsetMs;
    // The kernel lets a sleep of T end up to T/1000 late (epoll_wait's timer slack, at least
    // 50 µs): 3.6 ms on a 3.6 s Master_Down_Interval. A timer that far away wakes early enough
    // for that first, then sleeps the last few milliseconds, where the slack is 50 µs.
    // A precise timer's last sleep ends a millisecond ahead (waking from a long idle takes up to
    // a millisecond here); the rest is waited out with Atomics.wait, a short sleep.
    const target =
      remainingMs > FAR_MS
        ? Math.floor(loopAtMs - LEAD_MS - remainingMs / 500)
        : this.precise
          ? Math.floor(loopAtMs - PRECISE_WAKE_MS)
          : Math.ceil(loopAtMs);
    // Woken early anyway (a coarse loop clock elsewhere): arm() checks again.
    this.timeout = setTimeout(() => this.arm(true), Math.max(1, target - loopNowMs));
  }
}

/**
 * The process's monotonic clock: never jumps with NTP or an operator's `date`. Its timers are
 * Node's, up to ~2 ms early: fine for trackers, GARP rounds and link retries.
 */
export const systemClock: Clock = {
  nowMs: () => performance.now(),
  // The epoch as of process start plus the monotonic clock: steady (NTP does not step it), and
  // the same reading the cloud side takes (src/cloud/timing.ts epochNowMs).
  epochMs: () => performance.timeOrigin + performance.now(),
  setTimer(atMs, fire) {
    const handle = setTimeout(fire, Math.max(0, atMs - performance.now()));
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * The same monotonic clock with timers for VRRP deadlines: never early, under a millisecond
 * late, and precise (tenths of a millisecond) on request. The agent's instances run on it;
 * adapters whose timers are not measured in milliseconds keep systemClock.
 */
export const deadlineClock: Clock = {
  nowMs: () => performance.now(),
  epochMs: () => performance.timeOrigin + performance.now(),
  setTimer: (atMs, fire, options) => new DeadlineTimer(atMs, fire, options?.precise === true),
};

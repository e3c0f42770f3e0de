// A manual clock for scheduler tests: timers fire only when the test advances time.
import type { Clock, TimerHandle } from '../../../src/agent/clock.js';

export class FakeClock implements Clock {
  private now = 0;
  private timers: { atMs: number; fire: () => void; cancelled: boolean }[] = [];

  nowMs(): number {
    return this.now;
  }
  epochMs(): number {
    return 1_750_000_000_000 + this.now;
  }

  setTimer(atMs: number, fire: () => void): TimerHandle {
    const timer = { atMs, fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.atMs <= this.now)
        .sort((a, b) => a.atMs - b.atMs)[0];
      if (due === undefined) return;
      due.cancelled = true;
      due.fire();
    }
  }
}

/** Lets resolved check promises run their continuations. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Simulated time: a priority queue of callbacks, run in (time, insertion) order.
import type { Clock, TimerHandle } from '../../src/agent/clock.js';

interface Scheduled {
  readonly atMs: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

export class SimClock implements Clock {
  private now = 0;
  private seq = 0;
  private readonly heap: Scheduled[] = [];
  eventsRun = 0;

  nowMs(): number {
    return this.now;
  }

  setTimer(atMs: number, fire: () => void): TimerHandle {
    const item: Scheduled = {
      atMs: Math.max(atMs, this.now),
      seq: this.seq++,
      run: fire,
      cancelled: false,
    };
    this.push(item);
    return {
      cancel: () => {
        item.cancelled = true;
      },
    };
  }

  /** Run every callback due at or before `untilMs`, calling `afterEach` after each one. */
  runUntil(untilMs: number, afterEach: () => void): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.atMs > untilMs) break;
      this.pop();
      if (top.cancelled) continue;
      this.now = top.atMs;
      this.eventsRun++;
      top.run();
      afterEach();
    }
    this.now = Math.max(this.now, untilMs);
  }

  private before(x: Scheduled, y: Scheduled): boolean {
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
  }

  private push(item: Scheduled): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Scheduled;
      if (!this.before(item, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = item;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && this.before(h[r] as Scheduled, h[l] as Scheduled) ? r : l;
      if (!this.before(h[child] as Scheduled, last)) break;
      h[i] = h[child] as Scheduled;
      i = child;
    }
    h[i] = last;
  }
}

// Simulated time: a priority queue of callbacks, run in (time, insertion) order.
import type { Clock, TimerHandle } from '../../src/agent/clock.js';

/** A scheduled callback, and its own handle (no closure per timer: millions are set per run). */
class Scheduled implements TimerHandle {
  cancelled = false;

  constructor(
    readonly atMs: number,
    readonly seq: number,
    readonly run: () => void,
    /** Changes nothing the per-step checks look at (the simulated EC2 and its agents' calls). */
    readonly unchecked: boolean,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

/** 2025-06-15T12:00:00Z: where simulated wall-clock time starts (status timestamps). */
export const SIM_EPOCH_MS = 1_750_000_000_000;

export class SimClock implements Clock {
  private now = 0;
  private seq = 0;
  private readonly heap: Scheduled[] = [];
  eventsRun = 0;

  nowMs(): number {
    return this.now;
  }

  /** Simulated time starts at SIM_EPOCH_MS on the wall clock. */
  epochMs(): number {
    return SIM_EPOCH_MS + this.now;
  }

  setTimer(atMs: number, fire: () => void): TimerHandle {
    return this.schedule(atMs, fire, false);
  }

  /** A timer whose callback changes nothing the per-step checks look at (see runUntil). */
  setUncheckedTimer(atMs: number, fire: () => void): TimerHandle {
    return this.schedule(atMs, fire, true);
  }

  private schedule(atMs: number, fire: () => void, unchecked: boolean): TimerHandle {
    const item = new Scheduled(Math.max(atMs, this.now), this.seq++, fire, unchecked);
    this.push(item);
    return item;
  }

  /**
   * Run every callback due at or before `untilMs`, calling `afterEach` after each one but those
   * set as unchecked.
   */
  runUntil(untilMs: number, afterEach: () => void): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.atMs > untilMs) break;
      this.pop();
      if (top.cancelled) continue;
      this.now = top.atMs;
      this.eventsRun++;
      top.run();
      if (!top.unchecked) afterEach();
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

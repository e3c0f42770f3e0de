// The thin driver of one virtual router: stamps inputs with the clock, executes the actions in
// order, and keeps exactly one timer armed at the core's next deadline.
import type { Clock, TimerHandle } from './clock.js';
import type { VirtualRouter } from './vrrp/router.js';
import type { VrrpAction, VrrpInput } from './vrrp/types.js';

/** Inputs as adapters produce them: the driver adds nowMs. */
export type DriverInput = VrrpInput extends infer I
  ? I extends { nowMs: number }
    ? Omit<I, 'nowMs'>
    : never
  : never;

export type ActionExecutor = (action: VrrpAction) => void;

export class InstanceDriver {
  private timer: TimerHandle | undefined;
  private armedAtMs: number | undefined;
  private busy = false;
  private readonly queue: { input: DriverInput; atMs: number | undefined }[] = [];
  /** The last input's nowMs: inputs never go back in time. */
  private lastNowMs = -Infinity;

  constructor(
    readonly router: VirtualRouter,
    private readonly clock: Clock,
    private readonly execute: ActionExecutor,
    /** Called after the actions of each input have run (e.g. bookkeeping kept off the wire). */
    private readonly afterActions?: () => void,
  ) {}

  /**
   * Feed one input. Inputs that arrive while actions run (an executor that synchronously
   * produces input, as a loopback network does) are queued, so the core sees them in order.
   */
  feed(input: DriverInput, happenedAgoMs = 0): void {
    // An advert read a moment after the kernel received it happened then (RFC 5798 §6.4.2 starts
    // the Master_Down timer on receipt), yet never before the input the core saw last.
    this.queue.push({
      input,
      atMs: happenedAgoMs > 0 ? this.clock.nowMs() - happenedAgoMs : undefined,
    });
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const nowMs = Math.max(this.lastNowMs, next.atMs ?? this.clock.nowMs());
        this.lastNowMs = nowMs;
        const actions = this.router.handle({ ...next.input, nowMs } as VrrpInput);
        for (const action of actions) this.execute(action);
        this.afterActions?.();
      }
    } finally {
      this.busy = false;
      this.rearm();
    }
  }

  /** Stop the timer (after a shutdown, or when the simulation kills the host). */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAtMs = undefined;
    this.queue.length = 0;
  }

  private rearm(): void {
    const deadlineMs = this.router.nextDeadlineMs();
    if (deadlineMs === this.armedAtMs) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAtMs = deadlineMs;
    if (deadlineMs === undefined) return;
    // A BACKUP's deadline is its Master_Down timer: its lateness is the takeover's lateness.
    const precise = this.router.snapshot().masterDownDeadlineMs === deadlineMs;
    this.timer = this.clock.setTimer(
      deadlineMs,
      () => {
        this.timer = undefined;
        this.armedAtMs = undefined;
        this.feed({ type: 'timer' });
      },
      { precise },
    );
  }
}

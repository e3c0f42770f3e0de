// Which dropped packets are worth a warning: the first of each key (a reason and the packet's
// source) within a window, and no more than a budget of them per window. Whatever a sender
// does, cycling source addresses included, the memory held and the lines logged stay bounded;
// the counters in /status and /metrics still count every packet.
import type { Logger } from 'pino';

/** 'note': the budget is spent; say once that further sources are not logged separately. */
export type WarnVerdict = 'warn' | 'note' | 'quiet';

export interface WarnLimits {
  /** A key warned about is quiet this long, then warned about again if it repeats. */
  readonly windowMs: number;
  /** Warnings per window over all keys; the next new key gets the note, then silence. */
  readonly warningsPerWindow: number;
}

/**
 * A peer that keeps sending the same wrong advert is named every 10 minutes (6 lines an hour,
 * not one per advert interval), and at most 20 sources are named per window.
 */
export const DEFAULT_WARN_LIMITS: WarnLimits = { windowMs: 10 * 60_000, warningsPerWindow: 20 };

export class WarnLimiter {
  /** Key -> when it was last warned about, oldest first (a key is re-inserted when warned). */
  private readonly warnedAtMs = new Map<string, number>();
  private budgetStartMs = Number.NEGATIVE_INFINITY;
  private warningsInBudget = 0;
  private noted = false;

  constructor(private readonly limits: WarnLimits = DEFAULT_WARN_LIMITS) {}

  get windowMs(): number {
    return this.limits.windowMs;
  }

  /** Keys remembered now: at most 2 × warningsPerWindow (those warned in the last window). */
  get size(): number {
    return this.warnedAtMs.size;
  }

  check(key: string, nowMs: number): WarnVerdict {
    const { windowMs, warningsPerWindow } = this.limits;
    this.forgetWarnedBefore(nowMs - windowMs);
    if (this.warnedAtMs.has(key)) return 'quiet';
    if (nowMs - this.budgetStartMs >= windowMs) {
      this.budgetStartMs = nowMs;
      this.warningsInBudget = 0;
      this.noted = false;
    }
    if (this.warningsInBudget >= warningsPerWindow) {
      if (this.noted) return 'quiet';
      this.noted = true;
      return 'note';
    }
    this.warningsInBudget++;
    this.warnedAtMs.set(key, nowMs);
    return 'warn';
  }

  /** When the current budget window ends (for the note's text). */
  budgetEndsInMs(nowMs: number): number {
    return Math.max(0, this.budgetStartMs + this.limits.windowMs - nowMs);
  }

  private forgetWarnedBefore(cutoffMs: number): void {
    for (const [key, atMs] of this.warnedAtMs) {
      if (atMs > cutoffMs) return;
      this.warnedAtMs.delete(key);
    }
  }
}

/**
 * Log one dropped packet as `limiter` allows: named if its key was not named within the window,
 * else nothing; once the window's budget is spent, one line says so.
 */
export function logLimited(
  limiter: WarnLimiter,
  log: Logger,
  level: 'warn' | 'info' | 'debug',
  nowMs: number,
  key: string,
  fields: Record<string, unknown>,
  msg: string,
): void {
  const verdict = limiter.check(key, nowMs);
  if (verdict === 'warn') {
    const minutes = Math.ceil(limiter.windowMs / 60_000);
    log[level](fields, `${msg} (repeats within ${minutes} min are counted, not logged)`);
  } else if (verdict === 'note') {
    const minutes = Math.ceil(limiter.budgetEndsInMs(nowMs) / 60_000);
    log[level](
      { event: 'log-limited' },
      `${msg}: more sources, not logged separately for ${minutes} min (counted in /status and /metrics)`,
    );
  }
}

// Rise and fall over a candidate's probe results (as HAProxy's and keepalived's checkers count
// them): healthy after `rise` successes in a row, unhealthy after `fall` failures in a row, and
// unknown before either, so a controller that just started moves nothing on one probe. Pure:
// times are the caller's (epoch ms, as EventBridge stamps its events).
import type { Health } from './types.js';

export class HealthCounter {
  private state: Health = 'unknown';
  private successes = 0;
  private failures = 0;
  private lastSuccessAtMs = -Infinity;

  constructor(
    private readonly rise: number,
    private readonly fall: number,
  ) {}

  get health(): Health {
    return this.state;
  }

  /** One probe's result, started at `atMs`; returns the health after it. */
  record(ok: boolean, atMs: number): Health {
    if (ok) {
      this.successes++;
      this.failures = 0;
      this.lastSuccessAtMs = Math.max(this.lastSuccessAtMs, atMs);
      if (this.successes >= this.rise) this.state = 'healthy';
    } else {
      this.failures++;
      this.successes = 0;
      if (this.failures >= this.fall) this.state = 'unhealthy';
    }
    return this.state;
  }

  /**
   * The cloud says the host was stopping or gone at `atMs`: unhealthy without waiting for
   * probes. EventBridge delivers at least once and out of order: an event older than a probe
   * that succeeded since is stale and changes nothing. Returns whether it applied.
   */
  down(atMs: number): boolean {
    if (atMs <= this.lastSuccessAtMs) return false;
    this.state = 'unhealthy';
    this.successes = 0;
    this.failures = this.fall;
    return true;
  }
}

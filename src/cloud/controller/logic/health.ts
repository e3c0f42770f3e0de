// Rise and fall over a candidate's probe results (as HAProxy's and keepalived's checkers count
// them): healthy after `rise` successes in a row, unhealthy after `fall` failures in a row, and
// unknown before either, so a controller that just started moves nothing on one probe. Pure.
import type { Health } from './types.js';

export class HealthCounter {
  private state: Health = 'unknown';
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly rise: number,
    private readonly fall: number,
  ) {}

  get health(): Health {
    return this.state;
  }

  /** One probe's result; returns the health after it. */
  record(ok: boolean): Health {
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (this.successes >= this.rise) this.state = 'healthy';
    } else {
      this.failures++;
      this.successes = 0;
      if (this.failures >= this.fall) this.state = 'unhealthy';
    }
    return this.state;
  }

  /** The cloud says the host is stopping or gone: no probe needs to confirm it. */
  down(): void {
    this.state = 'unhealthy';
    this.successes = 0;
    this.failures = this.fall;
  }
}

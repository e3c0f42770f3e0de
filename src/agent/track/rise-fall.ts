// Debounces check outcomes into a health state, as keepalived's vrrp_script does.
// keepalived (vrrp_scheduler.c): an undecided script ("INIT") is set to result = rise - 1,
// so "one success is enough" and one failure is enough; `init_fail` starts it FAILED (result
// 0) so it needs `rise` successes. After that, `rise` consecutive successes go OK and `fall`
// consecutive failures go FAILED (keepalived.conf(5), "VRRP script(s)").
import type { TrackerHealth } from './types.js';

export class RiseFall {
  private healthNow: TrackerHealth;
  private streak = 0;

  /** `initial`: true (init_fail) starts FAILED; a health carries one over (a reload). */
  constructor(
    private readonly rise: number,
    private readonly fall: number,
    initial: boolean | TrackerHealth = false,
  ) {
    this.healthNow = typeof initial === 'string' ? initial : initial ? 'failed' : 'init';
  }

  get health(): TrackerHealth {
    return this.healthNow;
  }

  /** Records one outcome; returns true when the health changed. */
  record(ok: boolean): boolean {
    const before = this.healthNow;
    if (before === 'init') {
      this.healthNow = ok ? 'ok' : 'failed';
      this.streak = 0;
      return true;
    }
    const towards: TrackerHealth = ok ? 'ok' : 'failed';
    if (towards === before) {
      this.streak = 0;
      return false;
    }
    this.streak += 1;
    if (this.streak < (ok ? this.rise : this.fall)) return false;
    this.healthNow = towards;
    this.streak = 0;
    return true;
  }
}

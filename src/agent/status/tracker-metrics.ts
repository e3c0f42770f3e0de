// Prometheus metrics of the health trackers (prom-client), read from the scheduler's samples at
// scrape time: the scheduler already keeps the totals, so nothing here is incremented as checks
// run, and a tracker dropped on reload disappears from the output at the next scrape.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TrackerHealth } from '../track/types.js';

export interface TrackerSample {
  readonly name: string;
  readonly type: string;
  readonly health: TrackerHealth;
  /** File trackers: the last value read. */
  readonly value?: number | undefined;
  /** Totals since the tracker's job started; `timeouts` are also counted in `failed`. */
  readonly ok: number;
  readonly failed: number;
  readonly timeouts: number;
}

export class TrackerMetrics {
  constructor(registry: Registry, trackers: () => readonly TrackerSample[]) {
    const registers = [registry];
    new Counter({
      name: 'floatd_tracker_checks_total',
      help:
        'Tracker check runs, by tracker and result: ok, failed (every failure, timeouts ' +
        'included) and timeout (the failures that timed out, a subset of failed).',
      labelNames: ['tracker', 'result'],
      registers,
      collect() {
        // Setting the counter to the sampled totals keeps it monotonic as long as the totals
        // are; a tracker replaced on reload restarts at 0, which Prometheus reads as a reset.
        this.reset();
        for (const t of trackers()) {
          this.inc({ tracker: t.name, result: 'ok' }, t.ok);
          this.inc({ tracker: t.name, result: 'failed' }, t.failed);
          this.inc({ tracker: t.name, result: 'timeout' }, t.timeouts);
        }
      },
    });
    new Gauge({
      name: 'floatd_tracker_up',
      help: '1 when the tracker is ok, 0 when it is failed or not yet decided (init).',
      labelNames: ['tracker', 'type'],
      registers,
      collect() {
        this.reset();
        for (const t of trackers())
          this.set({ tracker: t.name, type: t.type }, t.health === 'ok' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'floatd_tracker_value',
      help: 'The last integer a file tracker read (0 when unreadable).',
      labelNames: ['tracker'],
      registers,
      collect() {
        this.reset();
        for (const t of trackers())
          if (t.value !== undefined) this.set({ tracker: t.name }, t.value);
      },
    });
  }
}

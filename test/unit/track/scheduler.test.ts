// The scheduler on a manual clock with a scripted check runner: intervals, no overlapping runs,
// rise/fall, counters, and stop().
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CheckRunner } from '../../../src/agent/track/run-check.js';
import { TrackerScheduler } from '../../../src/agent/track/scheduler.js';
import type { CheckOutcome, TrackerConfig, TrackerState } from '../../../src/agent/track/types.js';
import { FakeClock, settle } from './fake-clock.js';

const logger = pino({ level: 'silent' });
const chk: TrackerConfig = {
  name: 'chk',
  type: 'script',
  script: '/bin/true',
  intervalMs: 1000,
  timeoutMs: 500,
  weight: 0,
  rise: 2,
  fall: 2,
};

/** A runner whose checks complete only when the test resolves them. */
function manualRunner(): {
  run: CheckRunner;
  pending: ((o: CheckOutcome) => void)[];
  calls: number;
} {
  const state = {
    pending: [] as ((o: CheckOutcome) => void)[],
    calls: 0,
    run: (() => {
      state.calls += 1;
      return new Promise<CheckOutcome>((resolve) => state.pending.push(resolve));
    }) as CheckRunner,
  };
  return state;
}

describe('TrackerScheduler', () => {
  it('runs every intervalMs and never overlaps a slow run', async () => {
    const clock = new FakeClock();
    const runner = manualRunner();
    const scheduler = new TrackerScheduler({
      trackers: [chk],
      logger,
      clock,
      runCheck: runner.run,
    });
    scheduler.start();
    expect(runner.calls).toBe(1);

    clock.advance(5000); // the first run is still going: nothing else starts
    expect(runner.calls).toBe(1);

    runner.pending.shift()!({ ok: true }); // finished late: next run due at once
    await settle();
    clock.advance(0);
    expect(runner.calls).toBe(2);

    runner.pending.shift()!({ ok: true }); // finished on time: next at start + interval
    await settle();
    clock.advance(999);
    expect(runner.calls).toBe(2);
    clock.advance(1);
    expect(runner.calls).toBe(3);
    scheduler.stop();
  });

  it('reports state changes after rise/fall and counts results', async () => {
    const clock = new FakeClock();
    const outcomes: CheckOutcome[] = [
      { ok: true },
      { ok: false, timedOut: true },
      { ok: false },
      { ok: true },
      { ok: true },
    ];
    const scheduler = new TrackerScheduler({
      trackers: [chk],
      logger,
      clock,
      runCheck: async () => outcomes.shift() ?? { ok: true },
    });
    const changes: TrackerState[] = [];
    scheduler.onChange((_name, state) => changes.push(state));
    expect(scheduler.state('chk')).toEqual({ health: 'init' });

    scheduler.start();
    for (let i = 0; i < 4; i += 1) {
      await settle();
      clock.advance(1000);
    }
    await settle();
    expect(changes).toEqual([{ health: 'ok' }, { health: 'failed' }, { health: 'ok' }]);
    expect(scheduler.counters().get('chk')).toEqual({ ok: 3, failed: 2, timeouts: 1 });
    scheduler.stop();
  });

  it('reports file values as they change', async () => {
    const clock = new FakeClock();
    const values = [5, 5, -2];
    const wfile: TrackerConfig = { ...chk, name: 'wfile', type: 'file', path: '/x', weight: 1 };
    const scheduler = new TrackerScheduler({
      trackers: [wfile],
      logger,
      clock,
      runCheck: async () => ({ ok: true, value: values.shift() ?? 0 }),
    });
    const changes: TrackerState[] = [];
    scheduler.onChange((_name, state) => changes.push(state));
    scheduler.start();
    for (let i = 0; i < 2; i += 1) {
      await settle();
      clock.advance(1000);
    }
    await settle();
    expect(changes).toEqual([
      { health: 'ok', value: 5 },
      { health: 'ok', value: -2 },
    ]);
    scheduler.stop();
  });

  it('stop() aborts the in-flight check, cancels timers and reports nothing more', async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    let finish: ((o: CheckOutcome) => void) | undefined;
    const scheduler = new TrackerScheduler({
      trackers: [chk],
      logger,
      clock,
      runCheck: (_config, s) => {
        signal = s;
        return new Promise((resolve) => (finish = resolve));
      },
    });
    const changes: string[] = [];
    scheduler.onChange((name) => changes.push(name));
    scheduler.start();
    scheduler.stop();
    expect(signal?.aborted).toBe(true);
    finish!({ ok: true });
    await settle();
    expect(changes).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('a check that throws counts as a failure', async () => {
    const scheduler = new TrackerScheduler({
      trackers: [{ ...chk, rise: 1, fall: 1 }],
      logger,
      clock: new FakeClock(),
      runCheck: async () => {
        throw new Error('boom');
      },
    });
    scheduler.start();
    await settle();
    expect(scheduler.state('chk')).toEqual({ health: 'failed' });
    expect(scheduler.counters().get('chk')).toEqual({ ok: 0, failed: 1, timeouts: 0 });
    scheduler.stop();
  });
});

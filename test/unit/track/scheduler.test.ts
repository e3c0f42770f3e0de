// The scheduler on a manual clock with a scripted check runner: intervals, no overlapping runs,
// rise/fall, counters, stop(), and update() (configuration reload).
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

interface PendingCheck {
  readonly name: string;
  readonly signal: AbortSignal;
  readonly finish: (o: CheckOutcome) => void;
}

/** Like manualRunner, but keeps which tracker each pending check belongs to. */
function namedRunner(): { run: CheckRunner; pending: PendingCheck[]; calls: string[] } {
  const state = {
    pending: [] as PendingCheck[],
    calls: [] as string[],
    run: ((config, signal) => {
      state.calls.push(config.name);
      return new Promise<CheckOutcome>((finish) =>
        state.pending.push({ name: config.name, signal, finish }),
      );
    }) as CheckRunner,
  };
  return state;
}

/** Completes the oldest pending check of `name`. */
function finish(pending: PendingCheck[], name: string, outcome: CheckOutcome): PendingCheck {
  const index = pending.findIndex((p) => p.name === name);
  const check = pending.splice(index, 1)[0];
  if (index < 0 || check === undefined) throw new Error(`no pending check of ${name}`);
  check.finish(outcome);
  return check;
}

/** A scheduler on the test's clock and runner, logging nowhere. */
function schedulerOn(
  clock: FakeClock,
  runCheck: CheckRunner,
  trackers: TrackerConfig[],
): TrackerScheduler {
  return new TrackerScheduler({ trackers, logger, clock, runCheck });
}

describe('TrackerScheduler', () => {
  it('runs every intervalMs and never overlaps a slow run', async () => {
    const clock = new FakeClock();
    const runner = manualRunner();
    const scheduler = schedulerOn(clock, runner.run, [chk]);
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

  describe('update()', () => {
    const other: TrackerConfig = { ...chk, name: 'other' };

    it('keeps an unchanged tracker: state, counters and timer, no early run, no event', async () => {
      const clock = new FakeClock();
      const runner = namedRunner();
      const scheduler = schedulerOn(clock, runner.run, [chk]);
      const changes: string[] = [];
      scheduler.onChange((name, state) => changes.push(`${name}:${state.health}`));
      scheduler.start();
      finish(runner.pending, 'chk', { ok: true });
      await settle();
      expect(changes).toEqual(['chk:ok']);

      clock.advance(400);
      scheduler.update([{ ...chk }, other]); // an equal copy, not the same object
      expect(runner.calls).toEqual(['chk', 'other']);
      expect(scheduler.state('chk')).toEqual({ health: 'ok' });
      expect(scheduler.counters().get('chk')).toEqual({ ok: 1, failed: 0, timeouts: 0 });

      clock.advance(599); // still on the old timer: due at 1000
      expect(runner.calls).toEqual(['chk', 'other']);
      clock.advance(1);
      expect(runner.calls).toEqual(['chk', 'other', 'chk']);
      expect(changes).toEqual(['chk:ok']);
      scheduler.stop();
    });

    it('retires a removed tracker: in-flight result ignored, check aborted, never runs again', async () => {
      const clock = new FakeClock();
      const runner = namedRunner();
      const scheduler = schedulerOn(clock, runner.run, [chk, other]);
      const changes: string[] = [];
      scheduler.onChange((name) => changes.push(name));
      scheduler.start();
      expect(runner.calls).toEqual(['chk', 'other']);

      scheduler.update([other]);
      const late = finish(runner.pending, 'chk', { ok: true });
      expect(late.signal.aborted).toBe(true);
      expect(runner.pending[0]?.signal.aborted).toBe(false); // other's check is untouched
      await settle();
      expect(changes).toEqual([]);
      expect(scheduler.state('chk')).toBeUndefined();
      expect([...scheduler.counters().keys()]).toEqual(['other']);

      finish(runner.pending, 'other', { ok: true });
      await settle();
      clock.advance(10_000);
      await settle();
      expect(runner.calls.filter((n) => n === 'chk')).toEqual(['chk']);
      expect(changes).toEqual(['other']);
      scheduler.stop();
    });

    it('gives a changed tracker a fresh job that runs at once; the old result is ignored', async () => {
      const clock = new FakeClock();
      const runner = namedRunner();
      const scheduler = schedulerOn(clock, runner.run, [{ ...chk, rise: 1, fall: 1 }]);
      const changes: string[] = [];
      scheduler.onChange((name, state) => changes.push(`${name}:${state.health}`));
      scheduler.start();
      finish(runner.pending, 'chk', { ok: true });
      await settle();
      clock.advance(1000); // second run in flight
      expect(scheduler.counters().get('chk')).toEqual({ ok: 1, failed: 0, timeouts: 0 });

      scheduler.update([{ ...chk, initFail: true }]);
      expect(runner.calls).toEqual(['chk', 'chk', 'chk']);
      // The old verdict carries over (not INIT, not initFail): a reload moves no priority.
      expect(scheduler.state('chk')).toEqual({ health: 'ok' });
      expect(scheduler.counters().get('chk')).toEqual({ ok: 0, failed: 0, timeouts: 0 });

      finish(runner.pending, 'chk', { ok: false }); // the old job's run: ignored
      await settle();
      expect(scheduler.counters().get('chk')).toEqual({ ok: 0, failed: 0, timeouts: 0 });

      finish(runner.pending, 'chk', { ok: false }); // the fresh job: fall 2 from ok
      await settle();
      expect(scheduler.counters().get('chk')).toEqual({ ok: 0, failed: 1, timeouts: 0 });
      expect(scheduler.state('chk')).toEqual({ health: 'ok' });
      expect(changes).toEqual(['chk:ok']);

      clock.advance(1000);
      expect(runner.calls).toHaveLength(4); // only the fresh job re-armed
      finish(runner.pending, 'chk', { ok: false });
      await settle();
      expect(changes).toEqual(['chk:ok', 'chk:failed']);
      expect(clock.pending).toBe(1);
      scheduler.stop();
    });

    it('runs a new tracker at once', async () => {
      const clock = new FakeClock();
      const runner = namedRunner();
      const scheduler = schedulerOn(clock, runner.run, [chk]);
      scheduler.start();
      scheduler.update([chk, other]);
      expect(runner.calls).toEqual(['chk', 'other']);
      finish(runner.pending, 'other', { ok: false });
      await settle();
      expect(scheduler.state('other')).toEqual({ health: 'failed' });
      expect(scheduler.counters().get('other')).toEqual({ ok: 0, failed: 1, timeouts: 0 });
      scheduler.stop();
    });

    it('before start() runs nothing until start()', () => {
      const clock = new FakeClock();
      const runner = namedRunner();
      const scheduler = schedulerOn(clock, runner.run, [chk]);
      scheduler.update([{ ...chk, intervalMs: 2000 }, other]);
      clock.advance(10_000);
      expect(runner.calls).toEqual([]);
      expect(scheduler.state('other')).toEqual({ health: 'init' });
      scheduler.start();
      expect(runner.calls).toEqual(['chk', 'other']);
      scheduler.stop();
    });

    it('after stop() runs nothing', () => {
      const runner = namedRunner();
      const scheduler = new TrackerScheduler({
        trackers: [chk],
        logger,
        clock: new FakeClock(),
        runCheck: runner.run,
      });
      scheduler.start();
      scheduler.stop();
      scheduler.update([other]);
      expect(runner.calls).toEqual(['chk']);
    });
  });
});

// Runs each tracker every intervalMs. One tracker serves every instance that references it
// (keepalived records a script's result "for all VRRP instances which monitor it"); a run never
// overlaps the previous run of the same tracker: the next one is armed only when it finishes.
// update() swaps the tracker set on a configuration reload without disturbing unchanged ones.
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { RiseFall } from './rise-fall.js';
import { runCheck as defaultRunCheck, type CheckRunner } from './run-check.js';
import type { CheckOutcome, TrackerConfig, TrackerCounters, TrackerState } from './types.js';

export type TrackerStateListener = (name: string, state: TrackerState) => void;

export interface TrackerSchedulerOptions {
  /** Pass only trackers some instance references (keepalived runs only monitored scripts). */
  readonly trackers: readonly TrackerConfig[];
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly runCheck?: CheckRunner;
}

interface Job {
  readonly config: TrackerConfig;
  readonly logger: Logger;
  readonly riseFall: RiseFall;
  readonly counters: TrackerCounters;
  state: TrackerState;
  timer: TimerHandle | undefined;
  lastDetail: string | undefined;
  /** Set when update() drops or replaces the job: a late result of it is ignored. */
  retired: boolean;
  /** Aborted on retirement, so an in-flight check (a script) is killed rather than awaited. */
  readonly retire: AbortController;
  /** Scheduler-wide stop() or this job's retirement. */
  readonly signal: AbortSignal;
}

export class TrackerScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<TrackerStateListener>();
  private readonly clock: Clock;
  private readonly run: CheckRunner;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private started = false;

  constructor(opts: TrackerSchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.run = opts.runCheck ?? defaultRunCheck;
    this.logger = opts.logger;
    for (const config of opts.trackers) this.jobs.set(config.name, this.newJob(config));
  }

  /** Starts every tracker now. */
  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    for (const job of this.jobs.values()) void this.runJob(job);
  }

  /** Cancels pending runs and kills in-flight checks; no state changes are reported after. */
  stop(): void {
    this.abort.abort();
    for (const job of this.jobs.values()) {
      job.timer?.cancel();
      job.timer = undefined;
    }
  }

  /**
   * Replaces the tracker set (configuration reload). A tracker whose config is deep-equal to
   * its current one keeps its job untouched: state, rise/fall progress, counters and timer. A
   * removed tracker is retired: its timer is cancelled and an in-flight check is aborted and its
   * result ignored. A new or changed tracker gets a fresh job (counters zero) that runs at once
   * if the scheduler is running; a changed tracker's old job is retired, and its state (health,
   * file value) carries over to the fresh job, so a reload does not move priorities by itself.
   *
   * No state-change event is emitted for added, replaced or removed trackers, even when the
   * fresh initial health differs from the old one: the caller re-reads state() of every tracker
   * after update() and recomputes. Later results of the fresh jobs are reported as usual.
   */
  update(trackers: readonly TrackerConfig[]): void {
    const wanted = new Map(trackers.map((config) => [config.name, config]));
    const running = this.started && !this.abort.signal.aborted;
    const next = new Map<string, Job>();
    const fresh: Job[] = [];
    for (const [name, config] of wanted) {
      const current = this.jobs.get(name);
      if (current !== undefined && isDeepStrictEqual(current.config, config)) {
        next.set(name, current);
        continue;
      }
      // A changed definition starts from the old one's verdict, not from INIT: until the new
      // check has spoken, the instances keep their priority (no flap on reload).
      const job = this.newJob(config, current?.state);
      next.set(name, job);
      fresh.push(job);
      job.logger.info(current === undefined ? 'tracker added' : 'tracker configuration changed');
    }
    for (const [name, job] of this.jobs) {
      if (next.get(name) === job) continue;
      this.retireJob(job);
      if (!wanted.has(name)) job.logger.info('tracker removed');
    }
    this.jobs.clear();
    for (const [name, job] of next) this.jobs.set(name, job);
    if (running) for (const job of fresh) void this.runJob(job);
  }

  state(name: string): TrackerState | undefined {
    return this.jobs.get(name)?.state;
  }

  /** Per-tracker result counts for metrics; `timeouts` are also counted in `failed`. */
  counters(): ReadonlyMap<string, Readonly<TrackerCounters>> {
    return new Map([...this.jobs].map(([name, job]) => [name, { ...job.counters }]));
  }

  /** Called when a tracker's state changes; returns an unsubscribe function. */
  onChange(listener: TrackerStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private newJob(config: TrackerConfig, carried?: TrackerState): Job {
    const riseFall = new RiseFall(
      config.rise,
      config.fall,
      carried?.health ?? config.initFail ?? false,
    );
    const retire = new AbortController();
    return {
      config,
      logger: this.logger.child({ component: 'track', tracker: config.name }),
      riseFall,
      counters: { ok: 0, failed: 0, timeouts: 0 },
      state: carried ?? { health: riseFall.health },
      timer: undefined,
      lastDetail: undefined,
      retired: false,
      retire,
      // One combined signal per job, not per run: cheap, and nothing accumulates on the sources.
      signal: AbortSignal.any([this.abort.signal, retire.signal]),
    };
  }

  private retireJob(job: Job): void {
    job.retired = true;
    job.timer?.cancel();
    job.timer = undefined;
    job.retire.abort();
  }

  private async runJob(job: Job): Promise<void> {
    const startedMs = this.clock.nowMs();
    let outcome: CheckOutcome;
    try {
      outcome = await this.run(job.config, job.signal);
    } catch (error) {
      outcome = { ok: false, detail: `check threw: ${(error as Error).message}` };
    }
    // Stopped, or retired by update() while the check ran: the result belongs to no one.
    if (job.signal.aborted || job.retired) return;
    this.record(job, outcome);
    const dueMs = Math.max(startedMs + job.config.intervalMs, this.clock.nowMs());
    job.timer = this.clock.setTimer(dueMs, () => {
      job.timer = undefined;
      void this.runJob(job);
    });
  }

  private record(job: Job, outcome: CheckOutcome): void {
    if (outcome.ok) job.counters.ok += 1;
    else job.counters.failed += 1;
    if (outcome.timedOut === true) job.counters.timeouts += 1;
    this.logDetail(job, outcome);

    let next: TrackerState;
    if (job.config.type === 'file') {
      next = { health: 'ok', value: outcome.value ?? 0 };
      if (next.value === job.state.value && job.state.health === 'ok') return;
    } else {
      if (!job.riseFall.record(outcome.ok)) return;
      next = { health: job.riseFall.health };
      job.logger.info({ health: next.health }, `tracker is now ${next.health}`);
    }
    job.state = next;
    for (const listener of this.listeners) listener(job.config.name, next);
  }

  /** Warns once per distinct problem, so a tracker failing every second does not flood the log. */
  private logDetail(job: Job, outcome: CheckOutcome): void {
    if (outcome.detail === job.lastDetail) return;
    job.lastDetail = outcome.detail;
    if (outcome.detail !== undefined)
      job.logger.warn({ timedOut: outcome.timedOut === true }, outcome.detail);
  }
}

// Tracking wired to the instances: one scheduler runs every tracker once per interval (a tracker
// shared by instances runs once), each instance's TrackerSet turns results into its priority
// delta or FAULT and feeds the core, and interface entries follow the link watcher. A reload
// re-wires it: trackers whose definition did not change keep running with their state, so an
// instance whose tracking did not change sees no change in priority.
import type { Logger } from 'pino';
import type { TrackerSample } from '../status/tracker-metrics.js';
import {
  connectTrackerSet,
  InterfaceTracker,
  TrackerScheduler,
  TrackerSet,
  type TrackerConfig,
} from '../track/index.js';
import type { TrackingStatus } from '../vrrp/types.js';
import type { InstanceRuntime } from './instance-runtime.js';
import type { LinkPort } from './ports.js';

const NO_TRACKING: TrackingStatus = { weightDelta: 0, fault: false };

export class Tracking {
  private scheduler: TrackerScheduler | undefined;
  private trackers: readonly TrackerConfig[] = [];
  private readonly interfaces = new Map<string, InterfaceTracker>();
  private disconnects: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly links: LinkPort,
    private readonly logger: Logger,
  ) {}

  /**
   * Connects every runtime to the trackers its `track:` list names (none: no tracking), runs
   * only the trackers some instance references (as keepalived runs only monitored scripts).
   */
  async sync(
    trackers: readonly TrackerConfig[],
    runtimes: readonly InstanceRuntime[],
  ): Promise<void> {
    if (this.stopped) return;
    for (const disconnect of this.disconnects) disconnect();
    this.disconnects = [];
    const sets = runtimes.map((r) => ({
      runtime: r,
      set: r.config.track.length === 0 ? undefined : new TrackerSet(r.config.track, trackers),
    }));
    const used = new Set(sets.flatMap(({ set }) => set?.trackerNames ?? []));
    this.trackers = trackers.filter((t) => used.has(t.name));
    const fresh = this.scheduler === undefined;
    const scheduler = (this.scheduler ??= new TrackerScheduler({
      trackers: this.trackers,
      logger: this.logger,
    }));
    if (!fresh) scheduler.update(this.trackers);
    for (const { set } of sets) {
      for (const name of set?.interfaceNames ?? []) await this.watchInterface(name);
    }
    for (const { runtime, set } of sets) {
      if (set === undefined) {
        runtime.setTracking(NO_TRACKING);
        continue;
      }
      this.disconnects.push(connectTrackerSet(set, scheduler, this.interfaces));
      const feed = (status: TrackingStatus): void => runtime.setTracking(status);
      this.disconnects.push(set.onChange(feed));
      feed(set.status);
    }
    if (fresh) scheduler.start();
  }

  /** Per tracker: its kind, health and result counts (for /metrics). */
  samples(): TrackerSample[] {
    const { scheduler } = this;
    if (scheduler === undefined) return [];
    const counters = scheduler.counters();
    return this.trackers.flatMap((t) => {
      const state = scheduler.state(t.name);
      const count = counters.get(t.name);
      if (state === undefined || count === undefined) return [];
      return [{ name: t.name, type: t.type, health: state.health, value: state.value, ...count }];
    });
  }

  stop(): void {
    this.stopped = true;
    this.scheduler?.stop();
    for (const disconnect of this.disconnects) disconnect();
    this.disconnects = [];
  }

  private async watchInterface(name: string): Promise<void> {
    if (this.interfaces.has(name)) return;
    const tracker = new InterfaceTracker(name, true);
    this.interfaces.set(name, tracker);
    const up = await this.links
      .watch(name, (linkUp) => tracker.setLink(linkUp))
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error, iface: name },
          'cannot watch a tracked interface: counted as down',
        );
        return false;
      });
    tracker.setLink(up);
  }
}

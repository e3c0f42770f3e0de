// Tracking wired to the instances: one scheduler runs every tracker once per interval (a tracker
// shared by instances runs once), each instance's TrackerSet turns results into its priority
// delta or FAULT and feeds the core, and interface entries follow the link watcher.
import type { Logger } from 'pino';
import type { FloatdConfig } from '../config/schema.js';
import {
  connectTrackerSet,
  InterfaceTracker,
  TrackerScheduler,
  TrackerSet,
} from '../track/index.js';
import type { TrackingStatus } from '../vrrp/types.js';
import type { InstanceRuntime } from './instance-runtime.js';
import type { LinkPort } from './ports.js';

export interface Tracking {
  stop(): void;
}

export async function startTracking(
  config: FloatdConfig,
  runtimes: readonly InstanceRuntime[],
  links: LinkPort,
  logger: Logger,
): Promise<Tracking | undefined> {
  if (!runtimes.some((r) => r.config.track.length > 0)) return undefined;
  const scheduler = new TrackerScheduler({ trackers: config.trackers, logger });
  const interfaces = new Map<string, InterfaceTracker>();
  const disconnects: (() => void)[] = [];
  for (const runtime of runtimes) {
    if (runtime.config.track.length === 0) continue;
    const set = new TrackerSet(runtime.config.track, config.trackers);
    for (const name of set.interfaceNames) {
      if (interfaces.has(name)) continue;
      const tracker = new InterfaceTracker(name, true);
      interfaces.set(name, tracker);
      const up = await links
        .watch(name, (linkUp) => tracker.setLink(linkUp))
        .catch((error: unknown) => {
          logger.warn(
            { err: error, iface: name },
            'cannot watch a tracked interface: counted as down',
          );
          return false;
        });
      tracker.setLink(up);
    }
    disconnects.push(connectTrackerSet(set, scheduler, interfaces));
    const feed = (status: TrackingStatus): void => runtime.setTracking(status);
    disconnects.push(set.onChange(feed));
    feed(set.status);
  }
  scheduler.start();
  return {
    stop: () => {
      scheduler.stop();
      for (const disconnect of disconnects) disconnect();
    },
  };
}

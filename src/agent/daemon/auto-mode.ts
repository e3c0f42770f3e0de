// mode auto (transport): an instance with unicast peers starts on multicast (off a cloud) and
// switches to unicast once multicast stays silent for its configured time while a peer is
// known. Checked every second over the instances running now.
import type { Clock, TimerHandle } from '../clock.js';
import type { InstanceRuntime } from './instance-runtime.js';

/** How often mode auto re-checks multicast silence. */
const AUTO_CHECK_INTERVAL_MS = 1000;

export class AutoModeWatch {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    /** The instances running now (a reload replaces them). */
    private readonly runtimes: () => readonly InstanceRuntime[],
    /** When the agent started: silence counts from then until something is heard. */
    private readonly startedAtMs: number,
  ) {}

  /** Starts checking if some instance runs mode auto and no check is scheduled. */
  ensure(): void {
    if (this.timer !== undefined) return;
    if (!this.runtimes().some((r) => r.config.mode === 'auto')) return;
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
  }

  private schedule(): void {
    const { clock } = this;
    this.timer = clock.setTimer(clock.nowMs() + AUTO_CHECK_INTERVAL_MS, () => {
      const now = clock.nowMs();
      for (const r of this.runtimes()) {
        const { config } = r;
        if (config.mode !== 'auto' || r.transportMode !== 'multicast') continue;
        if (config.unicast.peers.length === 0) continue;
        const heardAt = r.lastMulticastHeardAtMs ?? this.startedAtMs;
        if (now - heardAt >= config.auto.multicastSilenceMs) {
          r.setMode(
            'unicast',
            `nothing heard on multicast for ${config.auto.multicastSilenceMs} ms`,
          );
        }
      }
      this.schedule();
    });
  }
}

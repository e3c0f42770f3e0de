// Announcing a new MASTER's VIPs on keepalived's schedule: gratuitous ARP for IPv4
// (garp-sender.ts), unsolicited NA for IPv6 (unsolicited-na.ts).
import type { Logger } from 'pino';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { AnnounceSettingsError } from './errors.js';
import { vipFamily, type Vip, type VipFamily } from './vip.js';

/** keepalived's vrrp_garp_* / garp_master_* settings, in milliseconds. */
export interface GarpSettings {
  /** Delay of the second burst after becoming MASTER; 0: no second burst (garp_master_delay). */
  readonly masterDelayMs: number;
  /** Announcements per VIP in each burst (garp_master_repeat). */
  readonly masterRepeat: number;
  /** Period of refresh announcements while MASTER; 0: none (garp_master_refresh). */
  readonly masterRefreshMs: number;
  /** Announcements per VIP at each refresh (garp_master_refresh_repeat). */
  readonly masterRefreshRepeat: number;
  /** Spacing of the announcements within a burst (garp_interval / gna_interval). */
  readonly intervalMs: number;
}

/**
 * Puts one announcement for `vip` on the wire, now: a round is sent synchronously, so when
 * stopped() returns nothing of that instance is left to send. Must not throw or block.
 */
export interface AnnounceSender {
  send(vip: Vip): void;
  close(): void;
}

export interface GarpSchedulerOptions {
  readonly logger: Logger;
  readonly senders: Partial<Record<VipFamily, AnnounceSender>>;
  readonly clock?: Clock;
}

interface Plan {
  readonly vips: readonly Vip[];
  readonly timers: Set<TimerHandle>;
}

/**
 * keepalived's MASTER announcement schedule, per instance `key`: at once a burst of
 * `masterRepeat` rounds spaced `intervalMs`, each round one announcement per VIP (so every VIP's
 * first announcement goes out before any VIP's second); a second burst `masterDelayMs` later;
 * then every `masterRefreshMs`, `masterRefreshRepeat` rounds. The first round is sent
 * synchronously inside becameMaster(): it is on the failover hot path.
 */
export class GarpScheduler {
  private readonly logger: Logger;
  private readonly senders: Partial<Record<VipFamily, AnnounceSender>>;
  private readonly clock: Clock;
  private readonly plans = new Map<string, Plan>();
  private closed = false;

  constructor(opts: GarpSchedulerOptions) {
    this.logger = opts.logger.child({ component: 'net.announce' });
    this.senders = opts.senders;
    this.clock = opts.clock ?? systemClock;
  }

  becameMaster(key: string, vips: readonly Vip[], settings: GarpSettings): void {
    checkSettings(settings);
    this.stopped(key); // a repeated transition restarts the schedule
    if (this.closed || vips.length === 0) return;
    const plan: Plan = { vips: [...vips], timers: new Set() };
    this.plans.set(key, plan);
    const startMs = this.clock.nowMs();
    this.burst(plan, startMs, settings.masterRepeat, settings.intervalMs);
    if (settings.masterDelayMs > 0) {
      const atMs = startMs + settings.masterDelayMs;
      this.at(plan, atMs, () => this.burst(plan, atMs, settings.masterRepeat, settings.intervalMs));
    }
    if (settings.masterRefreshMs > 0)
      this.refresh(plan, startMs + settings.masterRefreshMs, settings);
  }

  /** The instance left MASTER (or was removed): cancel everything still scheduled for it. */
  stopped(key: string): void {
    const plan = this.plans.get(key);
    if (plan === undefined) return;
    this.plans.delete(key);
    for (const timer of plan.timers) timer.cancel();
    plan.timers.clear();
  }

  /** Cancel every schedule and close the senders' sockets. */
  close(): void {
    this.closed = true;
    for (const key of [...this.plans.keys()]) this.stopped(key);
    for (const sender of Object.values(this.senders)) sender?.close();
  }

  /** Instances with an active schedule. */
  get activeKeys(): string[] {
    return [...this.plans.keys()];
  }

  private refresh(plan: Plan, atMs: number, settings: GarpSettings): void {
    this.at(plan, atMs, () => {
      this.burst(plan, atMs, settings.masterRefreshRepeat, settings.intervalMs);
      // From the scheduled time, not the firing time: a late timer does not shift the period.
      this.refresh(plan, atMs + settings.masterRefreshMs, settings);
    });
  }

  private burst(plan: Plan, startMs: number, rounds: number, intervalMs: number): void {
    for (let i = 0; i < rounds; i++) {
      const atMs = startMs + i * intervalMs;
      if (i === 0 || intervalMs === 0) this.round(plan);
      else this.at(plan, atMs, () => this.round(plan));
    }
  }

  private round(plan: Plan): void {
    for (const vip of plan.vips) {
      const sender = this.senders[vipFamily(vip)];
      if (sender === undefined) continue;
      try {
        sender.send(vip);
      } catch (error) {
        this.logger.warn({ err: error, vip: vip.address, dev: vip.device }, 'announcement failed');
      }
    }
  }

  private at(plan: Plan, atMs: number, fire: () => void): void {
    const timer = this.clock.setTimer(atMs, () => {
      plan.timers.delete(timer);
      fire();
    });
    plan.timers.add(timer);
  }
}

function checkSettings(s: GarpSettings): void {
  const entries = Object.entries(s) as [keyof GarpSettings, number][];
  const bad = entries.filter(([, v]) => !Number.isFinite(v) || v < 0);
  const fractional = (['masterRepeat', 'masterRefreshRepeat'] as const).filter(
    (k) => !Number.isInteger(s[k]),
  );
  const problems = [
    ...bad.map(([k, v]) => `${k}=${v}`),
    ...fractional.map((k) => `${k} not an integer`),
  ];
  if (problems.length > 0) throw new AnnounceSettingsError(problems.join(', '));
}

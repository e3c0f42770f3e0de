// An instance's dropped adverts: counted by reason (status, metrics; a reason is one of a fixed
// set, never a packet's source), warned about within bounds (WarnLimiter), and for unicast the
// last senders that are not peers, shown next to the configured peers with what to fix.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { VrrpMetrics } from '../status/vrrp-metrics.js';
import type { AdvertAnomaly, AdvertDropReason } from '../vrrp/types.js';
import { RecentSources } from './recent-sources.js';
import { logLimited, WarnLimiter, type WarnLimits } from './warn-limiter.js';
import type { UnicastStatus } from '../status/instance-status.js';

/** The core's drop reasons (not-a-peer among them, since the core applies the peer policy). */
export type InstanceDropReason = AdvertDropReason;

/**
 * Drops that are the protocol at work, not a fault: a preempting backup discards a lower
 * router's advert (keepalived logs it at info too: "received lower priority advert ... discarding").
 */
const PROTOCOL_DISCARDS: ReadonlySet<AdvertDropReason> = new Set(['lower-priority']);

/** How many not-a-peer sources the status keeps (the newest). */
export const NOT_A_PEER_SHOWN = 8;

export type { UnicastStatus };

export interface InstanceDropsDeps {
  readonly name: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics?: VrrpMetrics | undefined;
  readonly limits?: WarnLimits | undefined;
}

export class InstanceDrops {
  readonly byReason = new Map<InstanceDropReason, number>();
  private readonly warnings: WarnLimiter;
  private readonly notAPeer = new RecentSources(NOT_A_PEER_SHOWN);

  constructor(private readonly deps: InstanceDropsDeps) {
    this.warnings = new WarnLimiter(deps.limits);
  }

  /** Keys held for the warnings now (bounded: see WarnLimiter). */
  get warnedKeys(): number {
    return this.warnings.size;
  }

  /** Dropped by the core or by the peer check: counted always, warned about within bounds. */
  drop(reason: AdvertDropReason, src: string | undefined): void {
    this.count(reason);
    const key = `${reason}|${src ?? ''}`;
    if (PROTOCOL_DISCARDS.has(reason)) {
      const msg = 'lower-priority advert discarded (RFC 5798 §6.4.2)';
      logLimited(
        this.warnings,
        this.deps.logger,
        'info',
        this.deps.clock.nowMs(),
        key,
        { reason, src },
        msg,
      );
      return;
    }
    this.warn(key, { reason, src }, 'advert dropped');
  }

  /** Unicast: an advert from a host that is not one of `peers` (and unknown peers are refused). */
  dropNotAPeer(src: string, peers: readonly string[]): void {
    this.count('not-a-peer');
    this.notAPeer.add(src, this.deps.clock.nowMs());
    this.warn(
      `not-a-peer|${src}`,
      { reason: 'not-a-peer', src, peers, fix: this.fix(src) },
      `advert from ${src} dropped: not one of this instance's unicast peers (${peers.join(', ') || 'none'})`,
    );
  }

  /** Accepted but worth a look (RFC 5798 §7.1 "SHOULD log the event"): counted and warned about. */
  anomaly(reason: AdvertAnomaly, src: string): void {
    this.deps.metrics?.advertAnomalies.inc({ instance: this.deps.name, reason });
    this.warn(`anomaly|${reason}|${src}`, { reason, src }, 'advert accepted with an anomaly');
  }

  unicastStatus(peers: readonly string[], acceptUnknownPeers: boolean): UnicastStatus {
    const nowMs = this.deps.clock.nowMs();
    const wallNowMs = this.deps.clock.epochMs();
    const notAPeer = this.notAPeer.list().map(({ src, count, lastAtMs }) => ({
      src,
      count,
      lastAt: new Date(wallNowMs - (nowMs - lastAtMs)).toISOString(),
    }));
    const newest = notAPeer[0]?.src;
    return {
      peers,
      acceptUnknownPeers,
      notAPeer,
      ...(newest === undefined ? {} : { fix: this.fix(newest) }),
    };
  }

  private fix(src: string): string {
    return (
      `if ${src} is a peer, add it to unicast.peers of instance ${this.deps.name}; ` +
      "to hear any sender (keepalived's default), set unicast.acceptUnknownPeers: true"
    );
  }

  private count(reason: InstanceDropReason): void {
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    this.deps.metrics?.advertsDropped.inc({ instance: this.deps.name, reason });
  }

  private warn(key: string, fields: Record<string, unknown>, msg: string): void {
    logLimited(this.warnings, this.deps.logger, 'warn', this.deps.clock.nowMs(), key, fields, msg);
  }
}

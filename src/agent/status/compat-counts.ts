// floatd's VRRP counters read back per instance and summed into keepalived's stats
// (keepalived's vrrp.c increments them): the keepalived-exporter names then report exactly
// what floatd's own metrics do, in keepalived's terms.
import type { Counter } from 'prom-client';
import type { AdvertDropReason } from '../vrrp/types.js';
import type { VrrpMetrics } from './vrrp-metrics.js';

export type CountSources = Pick<
  VrrpMetrics,
  | 'transitions'
  | 'advertsSent'
  | 'advertsReceived'
  | 'advertsDropped'
  | 'advertAnomalies'
  | 'priorityZeroAdverts'
>;

export interface CompatCounts {
  readonly received: number;
  readonly sent: number;
  readonly becomeMaster: number;
  readonly releaseMaster: number;
  readonly intervalErrors: number;
  readonly addressListErrors: number;
  readonly authTypeMismatches: number;
  readonly authFailures: number;
  readonly priorityZeroReceived: number;
  readonly priorityZeroSent: number;
}

/**
 * floatd counts an advert as received before checking it; keepalived counts advert_rcvd only
 * once version and authentication passed (and never sees its own adverts, multicast loop
 * being off). Adverts floatd dropped for these reasons are taken out of keepalived's number.
 */
const DROPPED_BEFORE_KEEPALIVED_COUNTS: ReadonlySet<string> = new Set<AdvertDropReason>([
  'vrid-mismatch',
  'version-mismatch',
  'own-advert',
  'auth-type-mismatch',
  'auth-mismatch',
]);

type Labels = Partial<Record<string, string | number>>;

/** The counter's values summed per instance, over the label sets `keep` accepts. */
async function perInstance<T extends string>(
  counter: Counter<T>,
  keep: (labels: Labels) => boolean = () => true,
): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const { labels: own, value } of (await counter.get()).values) {
    const labels: Labels = own;
    const instance = labels.instance;
    if (typeof instance !== 'string' || !keep(labels)) continue;
    sums.set(instance, (sums.get(instance) ?? 0) + value);
  }
  return sums;
}

/**
 * A snapshot of the counters: each instance's counts by name (0 for one never counted). floatd
 * checks in its own order (own advert, unicast peer and address owner before authentication),
 * so an advert failing two checks may land in another of keepalived's counts than keepalived's.
 */
export async function countsByInstance(
  sources: CountSources,
): Promise<(instance: string) => CompatCounts> {
  const received = await perInstance(sources.advertsReceived);
  const sent = await perInstance(sources.advertsSent);
  const notCounted = await perInstance(sources.advertsDropped, (l) =>
    DROPPED_BEFORE_KEEPALIVED_COUNTS.has(String(l.reason)),
  );
  const dropped = (reason: AdvertDropReason) =>
    perInstance(sources.advertsDropped, (l) => l.reason === reason);
  // keepalived's addr_list_err: a v2 advert dropped for its list, a v3 one accepted with it.
  const listDrops = await dropped('address-list-mismatch');
  const listAnomalies = await perInstance(
    sources.advertAnomalies,
    (l) => l.reason === 'address-list-mismatch',
  );
  const intervalErrors = await dropped('interval-mismatch');
  const authTypeMismatches = await dropped('auth-type-mismatch');
  const authFailures = await dropped('auth-mismatch');
  const zeroReceived = await perInstance(
    sources.priorityZeroAdverts,
    (l) => l.direction === 'received',
  );
  const zeroSent = await perInstance(sources.priorityZeroAdverts, (l) => l.direction === 'sent');
  const becomeMaster = await perInstance(sources.transitions, (l) => l.to === 'master');
  // keepalived's release_master: leaving MASTER for BACKUP or FAULT (vrrp_state_leave_master);
  // a shutdown (MASTER -> INITIALIZE here) is not one.
  const releaseMaster = await perInstance(
    sources.transitions,
    (l) => l.from === 'master' && l.to !== 'initialize',
  );
  return (name) => ({
    // Never below 0: each of those drops was counted as received first.
    received: Math.max(0, (received.get(name) ?? 0) - (notCounted.get(name) ?? 0)),
    sent: sent.get(name) ?? 0,
    becomeMaster: becomeMaster.get(name) ?? 0,
    releaseMaster: releaseMaster.get(name) ?? 0,
    intervalErrors: intervalErrors.get(name) ?? 0,
    addressListErrors: (listDrops.get(name) ?? 0) + (listAnomalies.get(name) ?? 0),
    authTypeMismatches: authTypeMismatches.get(name) ?? 0,
    authFailures: authFailures.get(name) ?? 0,
    priorityZeroReceived: zeroReceived.get(name) ?? 0,
    priorityZeroSent: zeroSent.get(name) ?? 0,
  });
}

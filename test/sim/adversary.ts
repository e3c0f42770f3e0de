// A host on the segment that is no member of any virtual router (issue 10): at random times it
// sends valid adverts for the planned VRIDs, from its own address or forged from a member's, at
// a priority below every live member's. RFC 5798 §6.4.2/§6.4.3 say such adverts never move the
// MASTER: backups discard them and the master answers. The invariant g-backup-stays checks that.
//
// It targets only VRIDs whose members all preempt at once: with Preempt_Mode off (or during a
// preempt delay) §6.4.2 accepts a lower advert from anyone as the master's, so there a sender
// that keeps advertising rightly keeps the backups waiting. It sends no priority 0: forged from the MASTER's address that is a release no router can tell
// from the real one (the backups take over in Skew_Time, as keepalived's do), and the core's
// handling of a foreign priority 0 is covered by the unit tables. Nor does it send a priority at
// or above a member's: that router is then rightly followed or preempted.
import { encodeIpv4Packet, encodeVrrpMessage } from '../../src/agent/vrrp/codec/index.js';
import type { VrrpAdvert } from '../../src/agent/vrrp/codec/types.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../../src/agent/vrrp/codec/types.js';
import { advertFor } from '../../src/agent/vrrp/router.js';
import type { VirtualRouterConfig } from '../../src/agent/vrrp/types.js';
import type { Prng } from './prng.js';
import type { HostPlan, VridPlan } from './scenario.js';
import type { SimClock } from './sim-clock.js';
import type { SimHost } from './sim-host.js';
import type { SimNetwork } from './sim-network.js';

export const ADVERSARY_ID = 'x';

export interface AdversaryPlan {
  readonly ipv4: string;
  readonly ipv6: string;
  /** Mean time between two of its adverts. */
  readonly meanGapMs: number;
  /** Share of its adverts sent with a member's address as the source. */
  readonly forgeRate: number;
}

/** Of the seeds, this share gets an adversary. */
const ADVERSARY_CHANCE = 0.6;

/** Draws from its own generator (a fork): seeds without an adversary replay as before. */
export function planAdversary(prng: Prng, vrids: readonly VridPlan[]): AdversaryPlan | undefined {
  if (!prng.chance(ADVERSARY_CHANCE)) return undefined;
  const minIntervalMs = Math.min(...vrids.map((v) => v.maxIntervalMs));
  return {
    ipv4: '10.99.0.200',
    ipv6: 'fe80::c8',
    meanGapMs: prng.range(0.2, 2) * minIntervalMs,
    forgeRate: prng.range(0.2, 0.8),
  };
}

export interface AdversaryCounters {
  sent: number;
  forged: number;
}

export class SimAdversary {
  readonly counters: AdversaryCounters = { sent: 0, forged: 0 };

  constructor(
    private readonly plan: AdversaryPlan,
    private readonly vrids: readonly VridPlan[],
    private readonly hostPlans: readonly HostPlan[],
    private readonly hosts: readonly SimHost[],
    private readonly clock: SimClock,
    private readonly network: SimNetwork,
    private readonly prng: Prng,
    private readonly log: (line: string) => void,
  ) {
    network.attach(ADVERSARY_ID, () => undefined);
  }

  start(): void {
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const gapMs = this.prng.range(0, 2 * this.plan.meanGapMs);
    this.clock.setTimer(this.clock.nowMs() + gapMs, () => {
      this.sendOne();
      this.scheduleNext();
    });
  }

  private sendOne(): void {
    const vrid = this.prng.pick(this.vrids);
    const configs = this.hostPlans.flatMap((h) => h.configs.filter((c) => c.vrid === vrid.vrid));
    const template = configs[0];
    if (template === undefined) return;
    if (!configs.every((c) => (c.preempt || c.priority === 255) && c.preemptDelayMs === 0)) return;
    // Below every member's priority now (a stopped member counts with its planned one).
    const lowest = Math.min(
      ...this.hosts.flatMap((host) => {
        const planned = host.plannedConfig(vrid.vrid);
        if (planned === undefined) return [];
        return [host.router(vrid.vrid)?.effectivePriority ?? planned.priority, planned.priority];
      }),
    );
    if (lowest <= 1) return;
    const priority = this.prng.int(1, lowest - 1);
    const forge = this.prng.chance(this.plan.forgeRate);
    const own = template.family === 'ipv4' ? this.plan.ipv4 : this.plan.ipv6;
    const src = forge ? this.prng.pick(configs).primaryAddress : own;
    if (forge) this.counters.forged++;
    this.counters.sent++;
    const advert = advertLike(this.prng.pick(configs), priority);
    this.log(`x sends vrid ${vrid.vrid} prio ${priority} from ${src}${forge ? ' (forged)' : ''}`);
    if (advert.family === 'ipv4') {
      const dst = VRRP_MULTICAST_V4;
      const bytes = encodeIpv4Packet(advert, { src, dst });
      this.network.send(ADVERSARY_ID, { family: 'ipv4', bytes, src, dst, hopLimit: 255 });
    } else {
      const dst = VRRP_MULTICAST_V6;
      const bytes = encodeVrrpMessage(advert, { src, dst });
      this.network.send(ADVERSARY_ID, { family: 'ipv6', bytes, src, dst, hopLimit: 255 });
    }
  }
}

/** A valid advert for this member's virtual router (version, interval, auth, addresses). */
function advertLike(config: VirtualRouterConfig, priority: number): VrrpAdvert {
  return advertFor(config, priority, config.vips);
}

// A seed becomes a world: hosts, virtual routers, link chaos; all drawn from one PRNG.
import type { SyncGroupConfig } from '../../src/agent/config/schema.js';
import type { VirtualRouterConfig } from '../../src/agent/vrrp/types.js';
import type { AdversaryPlan } from './adversary.js';
import { planAdversary } from './adversary.js';
import type { Prng } from './prng.js';
import type { SyncGroupPlan } from './scenario-groups.js';
import { planSyncGroups } from './scenario-groups.js';
import type { LinkConditions } from './sim-network.js';

export interface HostPlan {
  readonly id: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly configs: VirtualRouterConfig[];
  /** As in the daemon's configuration: the instance names are memberName(vrid). */
  readonly syncGroups: SyncGroupConfig[];
}

export interface VridPlan {
  readonly vrid: number;
  readonly members: readonly string[];
  /** The largest advert interval any member uses: bounds every timer of this VRID. */
  readonly maxIntervalMs: number;
  readonly maxPreemptDelayMs: number;
}

export interface ScenarioPlan {
  readonly hosts: readonly HostPlan[];
  readonly vrids: readonly VridPlan[];
  /** The link while a fault episode lasts; the loss rate is drawn once per seed. */
  readonly chaos: LinkConditions;
  readonly episodes: number;
  readonly syncGroups: readonly SyncGroupPlan[];
  /** A non-member sending low-priority adverts, own or forged (issue 10); not in every seed. */
  readonly adversary: AdversaryPlan | undefined;
}

export interface ScenarioLimits {
  readonly maxLossRate: number;
}

/** Names planSyncGroups' generator (any constant; changing it changes the grouped seeds). */
const SYNC_GROUP_STREAM = 1;
/** Likewise for the adversary's plan; its run draws from ADVERSARY_RUN_STREAM (run-seed.ts). */
const ADVERSARY_STREAM = 2;

export function planScenario(prng: Prng, limits: ScenarioLimits): ScenarioPlan {
  const hostCount = prng.int(2, 5);
  const hosts: HostPlan[] = [];
  for (let i = 1; i <= hostCount; i++) {
    hosts.push({
      id: `h${i}`,
      ipv4: `10.99.0.${i}`,
      ipv6: `fe80::${i}`,
      configs: [],
      syncGroups: [],
    });
  }
  const vridNumbers = prng
    .shuffle(Array.from({ length: 255 }, (_, i) => i + 1))
    .slice(0, prng.int(1, 3));
  const vrids: VridPlan[] = vridNumbers.map((vrid) => planVrid(prng, vrid, hosts));
  const chaos: LinkConditions = {
    lossRate: prng.range(0, limits.maxLossRate),
    delayMinMs: 0.05,
    delayMaxMs: prng.range(0.5, 30),
    duplicateRate: prng.range(0, 0.1),
    corruptRate: prng.range(0, 0.02),
    reorder: true,
  };
  const episodes = prng.int(3, 7);
  // Last, and from a fork: the draws above and the run's own are those of the seed before groups.
  const syncGroups = planSyncGroups(prng.fork(SYNC_GROUP_STREAM), hosts, vrids);
  const adversary = planAdversary(prng.fork(ADVERSARY_STREAM), vrids);
  return { hosts, vrids, chaos, episodes, syncGroups, adversary };
}

function planVrid(prng: Prng, vrid: number, hosts: HostPlan[]): VridPlan {
  const version = prng.pick([2, 3, 3] as const);
  const family = version === 3 && prng.chance(0.4) ? 'ipv6' : 'ipv4';
  const all = hosts.map((h) => h.id);
  const members =
    all.length > 2 && prng.chance(0.3)
      ? prng.shuffle(all).slice(0, prng.int(2, all.length - 1))
      : all;
  const priorities = planPriorities(prng, members.length);
  const baseIntervalCs =
    version === 2 ? prng.pick([100, 100, 200]) : prng.pick([100, 100, 50, 20, 10]);
  const preemptMode = prng.pick(['all', 'all', 'none', 'mixed'] as const);
  const useDelay = prng.chance(0.2);
  const password = version === 2 && prng.chance(0.3) ? `pw${vrid}` : undefined;
  const vips =
    family === 'ipv4'
      ? [`10.99.${vrid}.1`, ...(prng.chance(0.5) ? [`10.99.${vrid}.2`] : [])]
      : [`2001:db8:${vrid.toString(16)}::1`];
  let maxIntervalMs = 0;
  let maxPreemptDelayMs = 0;
  members.forEach((hostId, index) => {
    const host = hosts.find((h) => h.id === hostId);
    if (host === undefined) throw new Error(`no host ${hostId}`);
    // v3 routers may advertise at different rates: backups learn the master's (RFC 5798 §6.4.2).
    const advertIntervalCs =
      version === 3 && prng.chance(0.2) ? Math.min(4095, baseIntervalCs * 2) : baseIntervalCs;
    const preemptDelayMs = useDelay ? prng.int(1, 5) * advertIntervalCs * 10 : 0;
    maxIntervalMs = Math.max(maxIntervalMs, advertIntervalCs * 10);
    maxPreemptDelayMs = Math.max(maxPreemptDelayMs, preemptDelayMs);
    host.configs.push({
      vrid,
      version,
      family,
      primaryAddress: family === 'ipv4' ? host.ipv4 : host.ipv6,
      priority: priorities[index] ?? 100,
      advertIntervalCs,
      preempt: preemptMode === 'all' || (preemptMode === 'mixed' && prng.chance(0.5)),
      preemptDelayMs,
      acceptMode: prng.chance(0.5),
      vips,
      authPassword: password,
    });
  });
  return { vrid, members, maxIntervalMs, maxPreemptDelayMs };
}

function planPriorities(prng: Prng, count: number): number[] {
  const mode = prng.pick(['distinct', 'distinct', 'ties', 'owner'] as const);
  if (mode === 'ties') return Array.from({ length: count }, () => prng.pick([100, 150]));
  const distinct = prng.shuffle(Array.from({ length: 254 }, (_, i) => i + 1)).slice(0, count);
  if (mode === 'owner') distinct[0] = 255;
  return distinct;
}

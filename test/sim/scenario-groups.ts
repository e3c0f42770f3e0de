// Sync groups in a planned world (keepalived's vrrp_sync_group): VRIDs run by the same hosts
// become one group on each of those hosts, with one host ranking for the whole group.
import type { Prng } from './prng.js';
import type { HostPlan, VridPlan } from './scenario.js';

export interface SyncGroupPlan {
  readonly name: string;
  readonly vrids: readonly number[];
  /** The hosts that run every VRID of the group (the same set for each). */
  readonly members: readonly string[];
}

/** The instance name a sync group lists for a VRID (one instance per VRID on a host). */
export function memberName(vrid: number): string {
  return `vrid${vrid}`;
}

/** Of the seeds that can have a group, this share gets one. */
const GROUP_CHANCE = 0.3;

/**
 * Draws from its own generator (a fork), so seeds without a group replay as before the groups
 * existed. Rewrites the grouped VRIDs' priorities into one host ranking: a group whose members
 * rank the hosts differently (crossed) is a misconfiguration keepalived documents, not a case
 * to generate; tracking weights may still cross them at run time, which is legitimate.
 */
export function planSyncGroups(
  prng: Prng,
  hosts: readonly HostPlan[],
  vrids: readonly VridPlan[],
): SyncGroupPlan[] {
  const bySet = new Map<string, VridPlan[]>();
  for (const v of vrids) {
    const key = [...v.members].sort().join(',');
    bySet.set(key, [...(bySet.get(key) ?? []), v]);
  }
  const candidates = [...bySet.values()].filter((list) => list.length >= 2);
  const chosen = candidates[0];
  if (chosen === undefined || !prng.chance(GROUP_CHANCE)) return [];
  const grouped = chosen.map((v) => v.vrid);
  const members = chosen[0]?.members ?? [];
  const priorities = planGroupPriorities(prng, members, grouped);
  const name = `g${grouped.join('-')}`;
  for (const host of hosts) {
    if (!members.includes(host.id)) continue;
    host.configs.forEach((config, index) => {
      const priority = priorities.get(`${host.id}/${config.vrid}`);
      if (priority !== undefined) host.configs[index] = { ...config, priority };
    });
    host.syncGroups.push({ name, instances: grouped.map(memberName) });
  }
  return [{ name, vrids: grouped, members }];
}

/**
 * Per (host/vrid), priorities that rank the hosts the same way for every VRID: one priority
 * per host for all (ties allowed: the primary addresses break them, and they sort the hosts
 * alike in both families), or per VRID distinct ones along one host order, the first host
 * sometimes the owner (255) of a VRID's addresses.
 */
function planGroupPriorities(
  prng: Prng,
  members: readonly string[],
  vrids: readonly number[],
): Map<string, number> {
  const out = new Map<string, number>();
  const order = prng.shuffle(members);
  if (prng.chance(0.5)) {
    const ties = prng.chance(0.25);
    const values = ties
      ? order.map(() => prng.pick([100, 150]))
      : distinctDescending(prng, order.length);
    order.forEach((host, i) => {
      for (const vrid of vrids) out.set(`${host}/${vrid}`, values[i] ?? 100);
    });
    return out;
  }
  for (const vrid of vrids) {
    const values = distinctDescending(prng, order.length);
    if (prng.chance(0.25)) values[0] = 255;
    order.forEach((host, i) => out.set(`${host}/${vrid}`, values[i] ?? 100));
  }
  return out;
}

function distinctDescending(prng: Prng, count: number): number[] {
  return prng
    .shuffle(Array.from({ length: 254 }, (_, i) => i + 1))
    .slice(0, count)
    .sort((a, b) => b - a);
}

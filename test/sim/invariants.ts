// The properties every run must keep (issue 2): checked after every simulated step once the
// network has been quiet long enough for VRRP to settle.
import type { CloudInvariantId } from './cloud-checks.js';
import { compareIp } from '../../src/agent/vrrp/codec/ip-address.js';
import { OWNER_PRIORITY } from '../../src/agent/vrrp/priority.js';
import type { SimHost } from './sim-host.js';
import type { SimNetwork } from './sim-network.js';
import type { VridPlan } from './scenario.js';
import type { SyncGroupPlan } from './scenario-groups.js';

export type InvariantId =
  | 'a-one-master' // exactly one MASTER per VRID in a connected, settled partition
  | 'b-right-master' // that MASTER is the one the protocol must elect
  | 'c-no-flap' // no router leaves MASTER more than once per fault event
  | 'd-shutdown-handover' // a graceful shutdown hands over within Skew_Time + one interval
  | 'e-vips-follow-state' // a running router holds its VIPs exactly while MASTER
  | 'f-group-together' // a sync group's members on a live host share one state
  | 'g-backup-stays'; // a settled BACKUP never leaves while an outranking MASTER is heard

export interface Violation {
  readonly invariant: InvariantId | CloudInvariantId;
  readonly atMs: number;
  readonly message: string;
}

export interface RouterRef {
  readonly host: SimHost;
  readonly vrid: number;
}

/** Routers of one VRID that can take part: process running, link up, grouped by partition. */
export function liveComponents(
  hosts: readonly SimHost[],
  network: SimNetwork,
  plan: VridPlan,
): SimHost[][] {
  const groups = new Map<number, SimHost[]>();
  for (const host of hosts) {
    if (!plan.members.includes(host.id) || host.life !== 'running') continue;
    if (!network.isLinkUp(host.id)) continue;
    const group = network.groupIdOf(host.id);
    const list = groups.get(group) ?? [];
    list.push(host);
    groups.set(group, list);
  }
  return [...groups.values()];
}

function describe(host: SimHost, vrid: number): string {
  const snap = host.router(vrid)?.snapshot();
  return `${host.id}(${snap?.state ?? '-'} prio ${snap?.effectivePriority ?? '-'})`;
}

/**
 * (a) and (b) for one settled component. `wasMaster`: routers MASTER at some time in the window.
 * `grouped`: the VRID is in a sync group, whose (b) is checkSettledGroup's.
 */
export function checkSettledComponent(
  component: readonly SimHost[],
  vrid: number,
  wasMaster: ReadonlySet<string>,
  addressOf: (host: SimHost) => string,
  grouped = false,
): string[] {
  const problems: string[] = [];
  const masters = component.filter((h) => h.stateOf(vrid) === 'master');
  if (masters.length !== 1) {
    problems.push(
      `a-one-master|vrid ${vrid}: ${masters.length} masters among ${component.map((h) => describe(h, vrid)).join(', ')}`,
    );
    return problems;
  }
  if (grouped) return problems;
  const master = masters[0] as SimHost;
  const masterRouter = master.router(vrid);
  if (masterRouter === undefined) return problems;
  const masterPrio = masterRouter.effectivePriority;
  for (const other of component) {
    if (other === master) continue;
    const router = other.router(vrid);
    if (router === undefined) continue;
    const prio = router.effectivePriority;
    const planned = other.plannedConfig(vrid) ?? router.config;
    const preempts = planned.preempt || planned.priority === OWNER_PRIORITY;
    if (preempts && prio > masterPrio) {
      problems.push(
        `b-right-master|vrid ${vrid}: ${describe(other, vrid)} preempts but ${describe(master, vrid)} is MASTER`,
      );
    }
    const beats =
      prio > masterPrio ||
      (prio === masterPrio && compareIp(addressOf(other), addressOf(master)) > 0);
    if (wasMaster.has(other.id) && beats) {
      problems.push(
        `b-right-master|vrid ${vrid}: ${describe(other, vrid)} was MASTER in this window and outranks ${describe(master, vrid)}`,
      );
    }
  }
  return problems;
}

/** (e): VIPs are on a running router's interface exactly while it is MASTER. */
export function checkVipsFollowState(hosts: readonly SimHost[], vrid: number): string[] {
  const problems: string[] = [];
  for (const host of hosts) {
    const state = host.stateOf(vrid);
    if (state === undefined) continue;
    if (host.holdsVips(vrid) !== (state === 'master')) {
      problems.push(
        `e-vips-follow-state|vrid ${vrid}: ${describe(host, vrid)} holds VIPs: ${host.holdsVips(vrid)}`,
      );
    }
  }
  return problems;
}

/**
 * (f) and the group's (b) for one settled component (the group's VRIDs share their hosts, so
 * they share their components).
 * (f): on each host, the group's members are in one state (keepalived's vrrp_sync_group), so
 * the group's VIPs are on one host.
 * (b), judged per group and not per VRID: a group moves to another host only when every member
 * there is ready to take over (sync-groups.ts; keepalived prefers BACKUP to a split group). A
 * tracking weight on one member may make another host the best for that VRID alone: the group
 * then rightly stays. So it is wrong only when some host would take over on every member —
 * preempts and outranks the master on each — or was MASTER (of any member) in this window and
 * outranks the master on each member (RFC 5798 §6.4.3: a master yields only to a higher one),
 * unless weights crossed the group's ranking.
 */
export function checkSettledGroup(
  component: readonly SimHost[],
  group: SyncGroupPlan,
  wasMaster: (vrid: number) => ReadonlySet<string>,
  addressOf: (vrid: number) => (host: SimHost) => string,
): string[] {
  const problems: string[] = [];
  const states = (host: SimHost): string =>
    group.vrids.map((vrid) => `vrid ${vrid} ${describe(host, vrid)}`).join(', ');
  for (const host of component) {
    if (new Set(group.vrids.map((vrid) => host.stateOf(vrid))).size > 1) {
      problems.push(`f-group-together|group ${group.name}: split on ${states(host)}`);
    }
  }
  if (problems.length > 0) return problems;
  const masters = component.filter((h) => group.vrids.every((v) => h.stateOf(v) === 'master'));
  const master = masters[0];
  if (masters.length !== 1 || master === undefined) return problems; // (a) tells
  // Crossed by weights, each host that took over may have yielded on one member to a host it
  // beats on another: having been MASTER then proves nothing (see groupRankingCrossed).
  const crossed = groupRankingCrossed(component, group, addressOf);
  for (const other of component) {
    if (other === master) continue;
    const outranks = group.vrids.map((vrid) => {
      const prio = other.router(vrid)?.effectivePriority ?? 0;
      const masterPrio = master.router(vrid)?.effectivePriority ?? 0;
      const planned = other.plannedConfig(vrid);
      const preempts = planned?.preempt === true || planned?.priority === OWNER_PRIORITY;
      const address = addressOf(vrid);
      const beats =
        prio > masterPrio ||
        (prio === masterPrio && compareIp(address(other), address(master)) > 0);
      return { preempting: preempts && prio > masterPrio, beats };
    });
    if (outranks.every((o) => o.preempting)) {
      problems.push(
        `b-right-master|group ${group.name}: ${other.id} preempts and outranks ${master.id} on every member: ${states(other)}; ${states(master)}`,
      );
    }
    const wasThere = !crossed && group.vrids.some((vrid) => wasMaster(vrid).has(other.id));
    if (wasThere && outranks.every((o) => o.beats)) {
      problems.push(
        `b-right-master|group ${group.name}: ${other.id} was MASTER in this window and outranks ${master.id} on every member: ${states(other)}; ${states(master)}`,
      );
    }
  }
  return problems;
}

/**
 * Whether two of these hosts rank differently for two members of the group (effective
 * priorities, ties broken by address). The scenario never configures that, but tracking
 * weights can make it so; keepalived by default ignores weighted trackers on sync-group
 * members for this reason (sync_group_tracking_weight: "probably WON'T WORK"). Then hosts
 * whose Master_Down_Timers run out together each take over, each is beaten on some member by
 * another and the whole group steps down (RFC 5798 §6.4.3 per member, then the cascade) on
 * every one of them: the election runs again, and a host may leave MASTER twice.
 */
export function groupRankingCrossed(
  hosts: readonly SimHost[],
  group: SyncGroupPlan,
  addressOf: (vrid: number) => (host: SimHost) => string,
): boolean {
  const beats = (a: SimHost, b: SimHost, vrid: number): boolean => {
    const pa = a.router(vrid)?.effectivePriority ?? 0;
    const pb = b.router(vrid)?.effectivePriority ?? 0;
    const address = addressOf(vrid);
    return pa > pb || (pa === pb && compareIp(address(a), address(b)) > 0);
  };
  return hosts.some((a) =>
    hosts.some((b) => {
      if (a === b) return false;
      const wins = group.vrids.map((vrid) => beats(a, b, vrid));
      return wins.includes(true) && wins.includes(false);
    }),
  );
}

/**
 * (g), at a BACKUP -> MASTER transition of `taker` in a settled window (quiet link, nothing
 * happening but the adversary's adverts): wrong while another live MASTER of the VRID that
 * outranks it (RFC 5798 §6.4.3: priority, then primary address) is on its segment and has been
 * MASTER for an advert interval, so its adverts have been reaching the taker.
 */
export function checkBackupStays(
  taker: SimHost,
  component: readonly SimHost[],
  vrid: number,
  nowMs: number,
  addressOf: (host: SimHost) => string,
): string[] {
  const mine = taker.router(vrid);
  if (mine === undefined) return [];
  const problems: string[] = [];
  for (const other of component) {
    if (other === taker || other.stateOf(vrid) !== 'master') continue;
    const router = other.router(vrid);
    const since = router?.snapshot().lastTransition?.atMs;
    if (router === undefined || since === undefined) continue;
    if (nowMs - since < router.config.advertIntervalCs * 10) continue;
    const outranks =
      router.effectivePriority > mine.effectivePriority ||
      (router.effectivePriority === mine.effectivePriority &&
        compareIp(addressOf(other), addressOf(taker)) > 0);
    if (outranks) {
      problems.push(
        `g-backup-stays|vrid ${vrid}: ${describe(taker, vrid)} left BACKUP while ${describe(other, vrid)} was MASTER and heard`,
      );
    }
  }
  return problems;
}

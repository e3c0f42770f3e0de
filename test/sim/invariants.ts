// The properties every run must keep (issue 2): checked after every simulated step once the
// network has been quiet long enough for VRRP to settle.
import { compareIp } from '../../src/agent/vrrp/codec/ip-address.js';
import { OWNER_PRIORITY } from '../../src/agent/vrrp/priority.js';
import type { SimHost } from './sim-host.js';
import type { SimNetwork } from './sim-network.js';
import type { VridPlan } from './scenario.js';

export type InvariantId =
  | 'a-one-master' // exactly one MASTER per VRID in a connected, settled partition
  | 'b-right-master' // that MASTER is the one the protocol must elect
  | 'c-no-flap' // no router leaves MASTER more than once per fault event
  | 'd-shutdown-handover' // a graceful shutdown hands over within Skew_Time + one interval
  | 'e-vips-follow-state'; // a running router holds its VIPs exactly while MASTER

export interface Violation {
  readonly invariant: InvariantId;
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

/** (a) and (b) for one settled component. `wasMaster`: routers MASTER at some time in the window. */
export function checkSettledComponent(
  component: readonly SimHost[],
  vrid: number,
  wasMaster: ReadonlySet<string>,
  addressOf: (host: SimHost) => string,
): string[] {
  const problems: string[] = [];
  const masters = component.filter((h) => h.stateOf(vrid) === 'master');
  if (masters.length !== 1) {
    problems.push(
      `a-one-master|vrid ${vrid}: ${masters.length} masters among ${component.map((h) => describe(h, vrid)).join(', ')}`,
    );
    return problems;
  }
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

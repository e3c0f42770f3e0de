// Sync groups (keepalived's vrrp_sync_group) as one pure machine for all the groups of a host:
// instances that share one state, so the VIPs of a group are always on one router.
// - FAULT: a member in FAULT for a reason of its own (link down, a tracker) takes every member
//   to FAULT; when no member has such a reason left, they all come back.
// - MASTER: a member whose Master_Down_Timer ran out is only ready; the group becomes MASTER
//   when every member is MASTER or ready (as keepalived: prefer BACKUP to a split group).
// - BACKUP: a member that leaves MASTER (preempted) takes the others out of MASTER with it.
// It hears what its members' cores say (transitions, readiness) and what only the host knows
// (a member's own FAULT), and answers with the core inputs to feed each member and the group
// states to announce. The daemon (daemon/sync-groups.ts) and the simulation run it alike.
import type { VrrpState } from './types.js';

export interface SyncGroupSpec {
  readonly name: string;
  /** Instance names; one group per instance (the configuration check refuses more). */
  readonly instances: readonly string[];
}

/** A member as it is when the machine starts (a reload starts one over running members). */
export interface SyncMemberView {
  readonly state: VrrpState;
  readonly syncReady: boolean;
  /** FAULT for a reason of its own (link, tracker), not its group's. */
  readonly ownFault: boolean;
  /** Held in FAULT by a group now (the core's snapshot). */
  readonly groupFault: boolean;
}

export type SyncGroupInput =
  | { readonly type: 'own-fault'; readonly member: string; readonly fault: boolean }
  /** The core's 'sync-ready' action. */
  | { readonly type: 'sync-ready'; readonly member: string; readonly ready: boolean }
  /** The core's 'transition' action. */
  | { readonly type: 'transition'; readonly member: string; readonly to: VrrpState };

/** A core input for one member (the executor stamps nowMs). */
export type SyncFeed =
  | { readonly type: 'sync-member'; readonly member: boolean }
  | { readonly type: 'group-fault'; readonly fault: boolean }
  | { readonly type: 'sync-master' }
  | { readonly type: 'sync-backup' };

export type SyncGroupCommand =
  | { readonly type: 'feed'; readonly member: string; readonly input: SyncFeed }
  /** Every member was MASTER or ready: the ready ones are told to take over. */
  | { readonly type: 'group-takeover'; readonly group: string }
  /** Every member reached this state (the group's notify hooks, kind GROUP). */
  | { readonly type: 'group-state'; readonly group: string; readonly state: VrrpState };

interface Member {
  readonly name: string;
  state: VrrpState;
  ready: boolean;
  ownFault: boolean;
  groupFault: boolean;
}

interface Group {
  readonly name: string;
  readonly members: readonly Member[];
  /** The state every member last shared, announced once. */
  sharedState: VrrpState | undefined;
}

export class SyncGroupSet {
  private readonly groups: Group[] = [];
  private readonly groupOf = new Map<string, Group>();
  private readonly members = new Map<string, Member>();

  /**
   * `members`: every instance of the host, grouped or not (an instance that left every group
   * is released from a group's FAULT). Names a group lists that are not members are ignored.
   */
  constructor(specs: readonly SyncGroupSpec[], members: ReadonlyMap<string, SyncMemberView>) {
    for (const [name, view] of members) {
      this.members.set(name, {
        name,
        state: view.state,
        ready: view.syncReady,
        ownFault: view.ownFault,
        groupFault: view.groupFault,
      });
    }
    for (const spec of specs) {
      const listed = spec.instances.flatMap((n) => this.members.get(n) ?? []);
      const shared = new Set(listed.map((m) => m.state));
      const group: Group = {
        name: spec.name,
        members: listed,
        // Members keep the states they are in: a group already sharing one is not announced.
        sharedState: shared.size === 1 && listed.length > 0 ? [...shared][0] : undefined,
      };
      this.groups.push(group);
      for (const m of listed) this.groupOf.set(m.name, group);
    }
  }

  /** The inputs that wire the groups: membership, the groups' FAULT, a takeover now due. */
  start(): SyncGroupCommand[] {
    const out: SyncGroupCommand[] = [];
    for (const m of this.members.values()) {
      out.push({
        type: 'feed',
        member: m.name,
        input: { type: 'sync-member', member: this.groupOf.has(m.name) },
      });
      if (!this.groupOf.has(m.name)) this.setGroupFault(m, false, out);
    }
    for (const group of this.groups) {
      this.reconcileFault(group, out);
      // A reload may have made a waiting member's group ready: nobody else would check.
      this.takeOverIfAllReady(group, out);
    }
    return out;
  }

  step(input: SyncGroupInput): SyncGroupCommand[] {
    const out: SyncGroupCommand[] = [];
    const member = this.members.get(input.member);
    if (member === undefined) return out;
    const group = this.groupOf.get(member.name);
    switch (input.type) {
      case 'own-fault':
        member.ownFault = input.fault;
        if (group !== undefined) this.reconcileFault(group, out);
        break;
      case 'sync-ready':
        member.ready = input.ready;
        if (group !== undefined && input.ready) this.takeOverIfAllReady(group, out);
        break;
      case 'transition':
        this.transition(member, group, input.to, out);
        break;
      default: {
        const never: never = input;
        throw new Error(`unhandled sync input ${JSON.stringify(never)}`);
      }
    }
    return out;
  }

  private transition(
    member: Member,
    group: Group | undefined,
    to: VrrpState,
    out: SyncGroupCommand[],
  ): void {
    const was = member.state;
    member.state = to;
    // Every transition ends a readiness (the core clears it on entering any state).
    member.ready = false;
    if (group === undefined) return;
    if (was === 'master' && to === 'backup') {
      for (const other of group.members) {
        if (other !== member)
          out.push({ type: 'feed', member: other.name, input: { type: 'sync-backup' } });
      }
    }
    // An owner (or a member out of FAULT) becomes MASTER with nobody's consent: the others
    // that wait for it may go now.
    if (to === 'master') this.takeOverIfAllReady(group, out);
    if (group.members.some((m) => m.state !== to) || group.sharedState === to) return;
    group.sharedState = to;
    out.push({ type: 'group-state', group: group.name, state: to });
  }

  private reconcileFault(group: Group, out: SyncGroupCommand[]): void {
    const fault = group.members.some((m) => m.ownFault);
    for (const m of group.members) this.setGroupFault(m, fault, out);
  }

  private setGroupFault(member: Member, fault: boolean, out: SyncGroupCommand[]): void {
    if (member.groupFault === fault) return;
    member.groupFault = fault;
    out.push({ type: 'feed', member: member.name, input: { type: 'group-fault', fault } });
  }

  private takeOverIfAllReady(group: Group, out: SyncGroupCommand[]): void {
    const { members } = group;
    if (!members.some((m) => m.ready)) return;
    if (!members.every((m) => m.state === 'master' || m.ready)) return;
    out.push({ type: 'group-takeover', group: group.name });
    for (const m of members) {
      if (!m.ready) continue;
      // Told now: its core takes over at once, which ends the readiness anyway. Cleared here
      // so that the transitions this causes do not start the takeover again.
      m.ready = false;
      out.push({ type: 'feed', member: m.name, input: { type: 'sync-master' } });
    }
  }
}

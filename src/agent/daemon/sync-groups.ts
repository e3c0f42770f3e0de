// Sync groups (keepalived's vrrp_sync_group): instances that share one state, so the VIPs of the
// group are always on one router.
// - FAULT: a member in FAULT for a reason of its own (link down, a tracker) takes every member
//   to FAULT; when no member has such a reason left, they all come back.
// - MASTER: a member whose Master_Down_Timer ran out is only ready; the group becomes MASTER
//   when every member is MASTER or ready (as keepalived: prefer BACKUP to a split group).
// - BACKUP: a member that leaves MASTER (preempted) takes the others out of MASTER with it.
// The group's notify hooks run with kind GROUP when every member has reached the same state.
import type { Logger } from 'pino';
import type { SyncGroupConfig } from '../config/schema.js';
import type { NotifyRunner } from '../notify/notify-runner.js';
import type { NotifyState } from '../notify/types.js';
import type { VrrpState } from '../vrrp/types.js';

/**
 * What a group needs of a member (an InstanceRuntime; the simulation has its own): its state
 * and readiness, its own FAULT, and the core's sync inputs.
 */
export interface SyncMember {
  readonly name: string;
  readonly state: VrrpState;
  /** Its Master_Down_Timer ran out; it waits for the group. */
  readonly syncReady: boolean;
  /** FAULT for a reason of its own (link, tracker), not the group's. */
  readonly ownFault: boolean;
  setGroupFault(fault: boolean): void;
  setSyncMember(member: boolean): void;
  syncMaster(): void;
  syncBackup(): void;
  /** Each returns an unsubscribe function. */
  onOwnFaultChange(listener: (fault: boolean) => void): () => void;
  onSyncReady(listener: () => void): () => void;
  onTransition(listener: (state: VrrpState, priority: number) => void): () => void;
}

const NOTIFY_STATE: Partial<Record<VrrpState, NotifyState>> = {
  master: 'MASTER',
  backup: 'BACKUP',
  fault: 'FAULT',
};

/**
 * Wires the groups to their members; returns a function that unwires them (a reload wires the
 * new groups to the runtimes it leaves running). Members keep the states they are in: a group
 * already sharing one state is not notified of it again.
 */
export function startSyncGroups(
  groups: readonly SyncGroupConfig[],
  runtimes: readonly SyncMember[],
  logger: Logger,
  notifier: NotifyRunner | undefined,
): () => void {
  const byName = new Map(runtimes.map((r) => [r.name, r]));
  const unsubscribers: (() => void)[] = [];
  const grouped = new Set(groups.flatMap((g) => g.instances));
  for (const runtime of runtimes) {
    runtime.setSyncMember(grouped.has(runtime.name));
    // An instance that left every group is no longer held in FAULT by one.
    if (!grouped.has(runtime.name)) runtime.setGroupFault(false);
  }
  for (const group of groups) {
    const members = group.instances.flatMap((name) => {
      const runtime = byName.get(name);
      return runtime === undefined ? [] : [runtime];
    });
    const log = logger.child({ syncGroup: group.name });
    const update = (): void => {
      const fault = members.some((m) => m.ownFault);
      for (const member of members) member.setGroupFault(fault);
    };
    const states = new Map<string, VrrpState>(members.map((m) => [m.name, m.state]));
    const initial = new Set(states.values());
    let groupState: VrrpState | undefined =
      initial.size === 1 && members.length > 0 ? [...initial][0] : undefined;
    // Checked whenever it may have become true: a member got ready, a member became MASTER
    // (an owner needs nobody's consent), the group was wired (a reload changed it). A ready
    // member has no timer of its own: a missed check would leave it waiting for good.
    const takeOverIfAllReady = (): void => {
      if (!members.some((m) => m.syncReady)) return;
      if (!members.every((m) => m.state === 'master' || m.syncReady)) return;
      log.info({ event: 'sync-group-master' }, `sync group ${group.name}: every member ready`);
      for (const m of members) m.syncMaster();
    };
    for (const member of members) {
      unsubscribers.push(member.onOwnFaultChange(update));
      unsubscribers.push(member.onSyncReady(takeOverIfAllReady));
      unsubscribers.push(
        member.onTransition((state) => {
          const was = states.get(member.name);
          states.set(member.name, state);
          if (was === 'master' && state === 'backup') {
            for (const other of members) if (other !== member) other.syncBackup();
          }
          if (state === 'master') takeOverIfAllReady();
          const all = members.map((m) => states.get(m.name));
          if (all.some((s) => s !== state) || state === groupState) return;
          groupState = state;
          log.info(
            { event: 'sync-group-state', state },
            `sync group ${group.name} is ${state.toUpperCase()}`,
          );
          const notifyState = NOTIFY_STATE[state];
          if (notifyState !== undefined && notifier !== undefined) {
            // keepalived passes 0 as a group's priority.
            notifier.notify('GROUP', group.name, notifyState, 0, group.notify ?? {});
          }
        }),
      );
    }
    update();
    takeOverIfAllReady();
  }
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

// One simulated instance as a sync-group member: what InstanceRuntime (src/agent/daemon/
// instance-runtime.ts) does over its driver, minus sockets and scripts, so the real
// startSyncGroups runs the simulation's groups exactly as it runs the daemon's.
import type { SyncMember } from '../../src/agent/daemon/sync-groups.js';
import type { InstanceDriver } from '../../src/agent/instance-driver.js';
import type { VrrpAction, VrrpState } from '../../src/agent/vrrp/types.js';

/** The instance name a sync group lists for a VRID (one instance per VRID on a host). */
export function memberName(vrid: number): string {
  return `vrid${vrid}`;
}

export interface SimMemberOptions {
  /** Sabotage 'no-group-cascade': a member stays MASTER when another of its group leaves. */
  readonly ignoreSyncBackup?: boolean;
}

export class SimMember implements SyncMember {
  private linkUp = true;
  private weightDelta = 0;
  private groupFault = false;
  private readonly ownFaultListeners = new Set<(fault: boolean) => void>();
  private readonly transitionListeners = new Set<(state: VrrpState, priority: number) => void>();
  private readonly syncReadyListeners = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly driver: InstanceDriver,
    private readonly options: SimMemberOptions = {},
  ) {}

  get state(): VrrpState {
    return this.driver.router.snapshot().state;
  }

  get syncReady(): boolean {
    return this.driver.router.snapshot().syncReady;
  }

  /** The simulation's trackers only weigh (never demand FAULT): the link is the only reason. */
  get ownFault(): boolean {
    return !this.linkUp;
  }

  /** The link's state before startup; `tell` the groups, wired already (as the daemon does). */
  presetLink(up: boolean): void {
    this.linkUp = up;
    if (up) return;
    this.driver.feed({ type: 'interface', up: false });
    this.ownFaultListeners.forEach((l) => l(true));
  }

  setLink(up: boolean): void {
    const before = this.ownFault;
    this.linkUp = up;
    this.driver.feed({ type: 'interface', up });
    if (this.ownFault !== before) this.ownFaultListeners.forEach((l) => l(this.ownFault));
  }

  /** A tracker's weight; the group's FAULT rides on the same input, so it must be kept. */
  setWeight(weightDelta: number): void {
    if (weightDelta === this.weightDelta) return;
    this.weightDelta = weightDelta;
    this.feedTracking();
  }

  setGroupFault(fault: boolean): void {
    if (fault === this.groupFault) return;
    this.groupFault = fault;
    this.feedTracking();
  }

  setSyncMember(member: boolean): void {
    this.driver.feed({ type: 'sync-member', member });
  }

  syncMaster(): void {
    this.driver.feed({ type: 'sync-master' });
  }

  syncBackup(): void {
    if (this.options.ignoreSyncBackup) return;
    this.driver.feed({ type: 'sync-backup' });
  }

  onOwnFaultChange(listener: (fault: boolean) => void): () => void {
    this.ownFaultListeners.add(listener);
    return () => this.ownFaultListeners.delete(listener);
  }

  onSyncReady(listener: () => void): () => void {
    this.syncReadyListeners.add(listener);
    return () => this.syncReadyListeners.delete(listener);
  }

  onTransition(listener: (state: VrrpState, priority: number) => void): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  /** The host's executor hands over each action of the core, after its own work on it. */
  noticeAction(action: VrrpAction): void {
    if (action.type === 'transition') {
      this.transitionListeners.forEach((l) => l(action.to, action.priority));
    } else if (action.type === 'sync-ready') {
      this.syncReadyListeners.forEach((l) => l());
    }
  }

  private feedTracking(): void {
    this.driver.feed({
      type: 'tracking',
      status: { weightDelta: this.weightDelta, fault: this.groupFault },
    });
  }
}

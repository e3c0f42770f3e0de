// Who holds a group's targets, for the controller's decision (pure). The cloud says which ENI
// each target points at; the fence records (the agents' own, see reconcile/fencing.ts) say
// whether a floatd agent holds it and still renews its record. The controller writes its
// records under its own id (owner.ts), so its records and an agent's are told apart by owner.
import type { FenceRecord, Ownership } from '../../provider.js';
import { fenceHolder } from '../../reconcile/fencing.js';
import { isControllerFenceOwner } from './owner.js';
import type { ControllerGroup, Holding } from './types.js';

/** A target's fence holder as the controller sees it. */
export interface FenceView {
  readonly holder: FenceRecord | undefined;
  /** The holder is an agent (not this controller) that renewed its record within the lease. */
  readonly liveAgent: boolean;
}

/**
 * Tells a live holder from a gone one the way a fenced agent does: a record that has not
 * changed (owner, term, beat) for a lease belongs to a holder that is gone. A record seen for
 * the first time counts as just changed: a controller that just started waits a lease before
 * it calls an agent gone.
 */
export class FenceWatch {
  private readonly seen = new Map<string, { key: string; changedAtMs: number }>();

  constructor(
    private readonly controllerId: string,
    private readonly leaseMs: number,
  ) {}

  observe(target: string, records: readonly FenceRecord[], nowMs: number): FenceView {
    const holder = fenceHolder(records);
    if (holder === undefined) {
      this.seen.delete(target);
      return { holder, liveAgent: false };
    }
    const key = `${holder.owner}|${holder.term}|${holder.beat}`;
    const last = this.seen.get(target);
    if (last === undefined || last.key !== key) {
      this.seen.set(target, { key, changedAtMs: nowMs });
    }
    const changedAtMs = this.seen.get(target)?.changedAtMs ?? nowMs;
    const live = nowMs - changedAtMs < this.leaseMs;
    return { holder, liveAgent: !isControllerFenceOwner(this.controllerId, holder.owner) && live };
  }
}

/**
 * The group's holding from each target's owner and fence view (in the group's target order).
 * A live agent on any target wins: the controller never touches a group an agent runs.
 */
export function holdingOf(
  group: ControllerGroup,
  owners: readonly Ownership[],
  fences: readonly FenceView[],
): Holding {
  const agent = fences.find((f) => f.liveAgent)?.holder;
  if (agent !== undefined) return { kind: 'agent', owner: agent.owner };
  const enis = new Set(owners.map((o) => o.ownerNetworkInterfaceId));
  const [eni] = enis;
  if (enis.size !== 1 || eni === undefined || owners.length !== group.targets.length) {
    return { kind: 'none' };
  }
  const candidate = group.candidates.find((c) => c.networkInterfaceId === eni);
  return candidate === undefined
    ? { kind: 'other', networkInterfaceId: eni }
    : { kind: 'candidate', instanceId: candidate.instanceId };
}

// Everything one controller process knows between evaluations (pure): each candidate's health
// per group and each target's fence history. It lives as long as the Lambda execution
// environment does, so a warm run goes on from the last one's health; a cold one starts from
// unknown and moves nothing until probes agree (decide.ts).
import type { FenceRecord, Ownership } from '../../provider.js';
import { decideGroup } from './decide.js';
import { HealthCounter } from './health.js';
import { FenceWatch, holdingOf } from './holding.js';
import { controllerFenceOwner } from './owner.js';
import type { ControllerGroup, GroupDecision, Health, Holding } from './types.js';

export interface Evaluation {
  readonly holding: Holding;
  readonly decision: GroupDecision;
  /** Candidates counted healthy (a metric). */
  readonly healthy: number;
}

export class ControllerState {
  /** group name → instance id → its health. */
  private readonly health = new Map<string, Map<string, HealthCounter>>();
  private readonly fences: FenceWatch;

  constructor(
    readonly groups: readonly ControllerGroup[],
    private readonly controllerId: string,
    fenceLeaseMs: number,
  ) {
    this.fences = new FenceWatch(controllerId, fenceLeaseMs);
    for (const group of groups) {
      const { rise, fall } = group.health;
      this.health.set(
        group.name,
        new Map(group.candidates.map((c) => [c.instanceId, new HealthCounter(rise, fall)])),
      );
    }
  }

  group(name: string): ControllerGroup | undefined {
    return this.groups.find((g) => g.name === name);
  }

  healthOf(group: string, instanceId: string): Health {
    return this.health.get(group)?.get(instanceId)?.health ?? 'unknown';
  }

  /** A probe of `instanceId` for `group`, started at `atMs`. */
  recordProbe(group: string, instanceId: string, ok: boolean, atMs: number): Health {
    const counter = this.health.get(group)?.get(instanceId);
    return counter === undefined ? 'unknown' : counter.record(ok, atMs);
  }

  /**
   * EC2 says the instance is stopping or gone (read back at `atMs`, not taken from the event):
   * unhealthy at once in every group that lists it. Returns those groups.
   */
  instanceDown(instanceId: string, atMs: number): string[] {
    const affected: string[] = [];
    for (const [group, counters] of this.health) {
      const counter = counters.get(instanceId);
      if (counter === undefined) continue;
      counter.down(atMs);
      affected.push(group);
    }
    return affected;
  }

  /** The groups listing this instance as a candidate. */
  groupsOf(instanceId: string): ControllerGroup[] {
    return this.groups.filter((g) => g.candidates.some((c) => c.instanceId === instanceId));
  }

  /**
   * Where the group's targets belong, from each target's owner and fence records as read at
   * `nowMs` (both in the group's target order).
   */
  evaluate(
    group: ControllerGroup,
    owners: readonly Ownership[],
    records: readonly (readonly FenceRecord[])[],
    nowMs: number,
  ): Evaluation {
    const views = records.map((r, i) => this.fences.observe(`${group.name}#${i}`, r, nowMs));
    let holding = holdingOf(group, owners, views);
    if (holding.kind === 'candidate') {
      // The controller's own record for this holder: when it moved the targets there.
      const mine = controllerFenceOwner(this.controllerId, holding.instanceId);
      const terms = views.flatMap((v) => (v.holder?.owner === mine ? [v.holder.term] : []));
      if (terms.length > 0) holding = { ...holding, movedAtMs: Math.max(...terms) };
    }
    const healthOf = (id: string): Health => this.healthOf(group.name, id);
    const healthy = group.candidates.filter((c) => healthOf(c.instanceId) === 'healthy').length;
    return { holding, decision: decideGroup(group, holding, healthOf, nowMs), healthy };
  }
}

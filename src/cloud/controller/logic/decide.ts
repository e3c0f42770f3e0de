// The controller's decision for one group (pure): where its targets should be, from who holds
// them now and what the health checks say. Level-triggered: the same facts give the same answer,
// so a duplicated or reordered EventBridge event changes nothing (at-least-once delivery).
// - A live floatd agent holding a target is never touched (its fence record says so).
// - The targets go to the highest-priority healthy candidate; with preempt off a healthy holder
//   keeps them. Preemption takes a strictly higher priority (as VRRP's, RFC 5798 §6.4.3) and
//   waits out a hold-down after the controller's own last move.
// - A holder whose health is not known yet keeps them: a fresh run must not move anything on
//   the first probe.
// - No healthy candidate: nothing moves, and the decision says why.
import type { Candidate, ControllerGroup, GroupDecision, Health, Holding } from './types.js';

/** Higher priority first; equal priorities by instance id, so every run picks the same. */
function better(a: Candidate, b: Candidate): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.instanceId < b.instanceId;
}

export function decideGroup(
  group: ControllerGroup,
  holding: Holding,
  healthOf: (instanceId: string) => Health,
  nowMs: number,
): GroupDecision {
  if (holding.kind === 'agent') {
    return { action: 'wait', why: `held by the floatd agent ${holding.owner}: not touched` };
  }
  let best: Candidate | undefined;
  for (const c of group.candidates) {
    if (healthOf(c.instanceId) !== 'healthy') continue;
    if (best === undefined || better(c, best)) best = c;
  }
  const holder =
    holding.kind === 'candidate'
      ? group.candidates.find((c) => c.instanceId === holding.instanceId)
      : undefined;
  if (holder !== undefined) {
    const health = healthOf(holder.instanceId);
    if (health === 'unknown') {
      return { action: 'keep', instanceId: holder.instanceId, why: 'holder health not known yet' };
    }
    if (health === 'healthy') {
      if (best === undefined || !group.preempt || best.priority <= holder.priority) {
        return { action: 'keep', instanceId: holder.instanceId, why: 'holder healthy' };
      }
      const movedAtMs = holding.kind === 'candidate' ? holding.movedAtMs : undefined;
      if (movedAtMs !== undefined && nowMs - movedAtMs < group.preemptHoldDownMs) {
        const agoS = Math.round((nowMs - movedAtMs) / 1000);
        return {
          action: 'keep',
          instanceId: holder.instanceId,
          why: `holder healthy; preempt held down (moved here ${agoS} s ago)`,
        };
      }
      return {
        action: 'move',
        to: best,
        why: `preempt: ${best.instanceId} (priority ${best.priority}) outranks the holder`,
      };
    }
  }
  if (best === undefined) {
    return { action: 'wait', why: 'no healthy candidate: nothing moves' };
  }
  const from =
    holder !== undefined
      ? `the holder ${holder.instanceId} is unhealthy`
      : holding.kind === 'other'
        ? `held by ${holding.networkInterfaceId}, not a candidate`
        : 'nobody holds the targets';
  return { action: 'move', to: best, why: `${from}: to ${best.instanceId}` };
}

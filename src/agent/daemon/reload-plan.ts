// What a reload does to each instance, decided from the running and the new configuration:
// - unchanged: kept as is (state, VIPs, timers);
// - only base priority, VIPs, notify or track changed: applied in place, the state stays;
// - any other VRRP parameter changed (VRID, interface, interval, peers, version, ...): that
//   instance alone restarts (a MASTER hands over with priority 0, as on shutdown);
// - added / removed: started / stopped.
// Some changes cannot be applied while running (the cloud session, the status listener, the
// notify FIFO, instances with cloud targets beyond the in-place fields): the whole reload is
// then refused with the reason and the running configuration stays. A reload is all or nothing.
import { isDeepStrictEqual } from 'node:util';
import type { FloatdConfig, InstanceConfig } from '../config/schema.js';
import { OWNER_PRIORITY } from '../vrrp/priority.js';
import { callsEc2 } from './calls-ec2.js';

export interface ReloadChanges {
  /** Top-level settings that changed but apply only at the next start (logging). */
  readonly atNextStart: readonly string[];
  readonly kept: readonly string[];
  /** New configurations applied by InstanceRuntime.reconfigure. */
  readonly inPlace: readonly InstanceConfig[];
  readonly restarted: readonly InstanceConfig[];
  readonly added: readonly InstanceConfig[];
  readonly removed: readonly string[];
}

export type ReloadPlan =
  ({ readonly ok: true } & ReloadChanges) | { readonly ok: false; readonly why: string };

/** What InstanceRuntime.reconfigure applies without a state change. */
const IN_PLACE_FIELDS = ['priority', 'vips', 'notify', 'track'] as const;

export function planReload(running: FloatdConfig, next: FloatdConfig): ReloadPlan {
  const problems: string[] = [];
  for (const key of ['cloud', 'notifyFifo', 'status'] as const) {
    if (!isDeepStrictEqual(running[key], next[key])) problems.push(`${key} changed`);
  }
  const before = new Map(running.instances.map((i) => [i.name, i]));
  const ec2Interfaces = new Set(running.instances.filter(callsEc2).map((i) => i.interface));
  const after = new Set(next.instances.map((i) => i.name));
  const changes = {
    // The logger is built before the agent; a reload does not rebuild it.
    atNextStart: isDeepStrictEqual(running.log, next.log) ? [] : ['log'],
    kept: [] as string[],
    inPlace: [] as InstanceConfig[],
    restarted: [] as InstanceConfig[],
    added: [] as InstanceConfig[],
    removed: running.instances.filter((i) => !after.has(i.name)).map((i) => i.name),
  };
  for (const instance of next.instances) {
    const old = before.get(instance.name);
    // The EC2 client the probe asks with is set up at start, per interface (cloud-session.ts).
    if (instance.unicast.probe?.kind === 'ec2' && !ec2Interfaces.has(instance.interface)) {
      problems.push(
        `instance ${instance.name}: unicast.probe ec2 on ${instance.interface}, which has no EC2 client yet`,
      );
    }
    if (old === undefined) {
      changes.added.push(instance);
      if (instance.cloud.length > 0)
        problems.push(`instance ${instance.name} with cloud targets added`);
      continue;
    }
    const how = howChanged(old, instance);
    if (how === 'restart' && (old.cloud.length > 0 || instance.cloud.length > 0)) {
      problems.push(
        `instance ${instance.name} has cloud targets: only its priority, VIPs, notify and track can change while running`,
      );
    }
    if (how === 'kept') changes.kept.push(instance.name);
    else if (how === 'in-place') changes.inPlace.push(instance);
    else changes.restarted.push(instance);
  }
  for (const name of changes.removed) {
    if ((before.get(name)?.cloud.length ?? 0) > 0) {
      problems.push(`instance ${name} with cloud targets removed`);
    }
  }
  return problems.length > 0
    ? { ok: false, why: `${problems.join('; ')}: restart floatd to apply` }
    : { ok: true, ...changes };
}

function howChanged(old: InstanceConfig, next: InstanceConfig): 'kept' | 'in-place' | 'restart' {
  if (isDeepStrictEqual(old, next)) return 'kept';
  const rest = (c: InstanceConfig): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...c };
    for (const field of IN_PLACE_FIELDS) delete copy[field];
    return copy;
  };
  if (!isDeepStrictEqual(rest(old), rest(next))) return 'restart';
  // The owner (255) follows other rules of the protocol (§6.4.1): becoming or ceasing to be it
  // is a restart.
  const owner = (c: InstanceConfig): boolean => c.priority === OWNER_PRIORITY;
  if (owner(old) !== owner(next)) return 'restart';
  // An address kept with other settings (prefix, label, ...) would not be re-added in place.
  const oldVips = new Map(old.vips.map((v) => [v.address, v]));
  for (const vip of next.vips) {
    const was = oldVips.get(vip.address);
    if (was !== undefined && !isDeepStrictEqual(was, vip)) return 'restart';
  }
  return 'in-place';
}

/** A plan's changes as instance names (the status record and the reload's log line). */
export function changesByName(plan: Extract<ReloadPlan, { ok: true }>): {
  readonly kept: readonly string[];
  readonly inPlace: readonly string[];
  readonly restarted: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
} {
  return {
    kept: plan.kept,
    inPlace: plan.inPlace.map((i) => i.name),
    restarted: plan.restarted.map((i) => i.name),
    added: plan.added.map((i) => i.name),
    removed: plan.removed,
  };
}

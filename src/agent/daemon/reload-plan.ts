// What a reload may change while the agent runs: today, the base priority of instances (applied
// in place, no state change, no VIP removed). Anything else is refused with the reason, and the
// running configuration stays.
import type { FloatdConfig } from '../config/schema.js';
import { OWNER_PRIORITY } from '../vrrp/priority.js';

export type ReloadPlan =
  | { readonly ok: true; readonly priorities: ReadonlyMap<string, number> }
  | { readonly ok: false; readonly why: string };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function planReload(running: FloatdConfig, next: FloatdConfig): ReloadPlan {
  const problems: string[] = [];
  for (const key of ['cloud', 'trackers', 'syncGroups', 'notifyFifo', 'status'] as const) {
    if (!same(running[key], next[key])) problems.push(`${key} changed`);
  }
  const names = (c: FloatdConfig): string[] => c.instances.map((i) => i.name);
  if (!same(names(running), names(next))) {
    problems.push(`instances added, removed or reordered (${names(next).join(', ')})`);
  }
  const priorities = new Map<string, number>();
  for (const instance of next.instances) {
    const before = running.instances.find((i) => i.name === instance.name);
    if (before === undefined) continue;
    if (!same({ ...before, priority: 0 }, { ...instance, priority: 0 })) {
      problems.push(`instance ${instance.name}: only its priority can change while running`);
      continue;
    }
    if (before.priority === instance.priority) continue;
    if (before.priority === OWNER_PRIORITY || instance.priority === OWNER_PRIORITY) {
      problems.push(
        `instance ${instance.name}: becoming or ceasing to be the owner (255) needs a restart`,
      );
      continue;
    }
    priorities.set(instance.name, instance.priority);
  }
  return problems.length > 0
    ? { ok: false, why: `${problems.join('; ')}: restart floatd to apply` }
    : { ok: true, priorities };
}

// Valid configurations that are likely to misbehave: said by `floatd validate` and logged at
// start, never refused.
import type { FloatdConfig, InstanceConfig } from './schema.js';

/**
 * Sync group members whose weighted tracking differs: a weight that moves one member's priority
 * and not the others' can change which host ranks first for that member only, and the group
 * then moves back and forth (keepalived ignores such weights in sync groups unless told
 * otherwise, sync_group_tracking_weight). Weight 0 (FAULT) entries are fine: FAULT moves the
 * whole group.
 */
function groupWeightWarnings(config: FloatdConfig): string[] {
  const byName = new Map(config.instances.map((i) => [i.name, i]));
  const trackerWeight = new Map(config.trackers.map((t) => [t.name, t.weight]));
  const weighted = (instance: InstanceConfig | undefined): string =>
    (instance?.track ?? [])
      .map((entry) =>
        'tracker' in entry
          ? `tracker ${entry.tracker} ${entry.weight ?? trackerWeight.get(entry.tracker) ?? 0}`
          : `interface ${entry.interface} ${entry.weight ?? 0}`,
      )
      .filter((text) => !text.endsWith(' 0'))
      .sort()
      .join(', ');
  return config.syncGroups.flatMap((group) => {
    const lists = new Set(group.instances.map((name) => weighted(byName.get(name))));
    if (lists.size <= 1) return [];
    return [
      `syncGroups ${group.name}: its members track different weighted trackers or interfaces; ` +
        'a weight that moves one member only can make the group move back and forth between ' +
        'hosts. Give every member the same weighted tracking, or use weight 0 (FAULT moves the ' +
        'whole group).',
    ];
  });
}

export function configWarnings(config: FloatdConfig): string[] {
  return groupWeightWarnings(config);
}

// Rules across the top-level lists: tracker names are unique and every track entry names one;
// sync groups name existing instances, each instance in at most one group (keepalived's rule).
import type { z } from 'zod';

import { isRecord, validAt } from './valid-at.js';

interface Named {
  readonly name: string;
}

interface ReferenceFields {
  readonly trackers: readonly Named[];
  readonly syncGroups: readonly (Named & { readonly instances: readonly string[] })[];
  readonly instances: readonly (Named & { readonly track: readonly object[] })[];
}

export function checkReferences(
  config: ReferenceFields,
  ctx: z.core.$RefinementCtx<ReferenceFields>,
): void {
  const ok = validAt(ctx.issues);
  const report = (path: PropertyKey[], message: string): void =>
    ctx.addIssue({ code: 'custom', path, message });
  const trackers = new Map<string, number>();
  if (ok('trackers') && Array.isArray(config.trackers)) {
    config.trackers.forEach((t, i) => {
      if (!ok('trackers', i) || !isRecord(t as unknown)) return;
      const first = trackers.get(t.name);
      if (first !== undefined)
        report(
          ['trackers', i, 'name'],
          `duplicate tracker name "${t.name}" (also trackers[${first}])`,
        );
      else trackers.set(t.name, i);
    });
  }
  const instances = new Set<string>();
  if (Array.isArray(config.instances)) {
    config.instances.forEach((instance, i) => {
      if (!ok('instances', i) || !isRecord(instance as unknown)) return;
      instances.add(instance.name);
      if (!Array.isArray(instance.track)) return;
      instance.track.forEach((entry: object, k: number) => {
        if (!ok('instances', i, 'track', k)) return;
        const name = (entry as { tracker?: unknown }).tracker;
        if (typeof name === 'string' && ok('trackers') && !trackers.has(name)) {
          const known = [...trackers.keys()];
          report(
            ['instances', i, 'track', k, 'tracker'],
            `no tracker named "${name}"${known.length > 0 ? ` (trackers: ${known.join(', ')})` : ' (the trackers list is empty)'}`,
          );
        }
      });
    });
  }
  if (!ok('syncGroups') || !Array.isArray(config.syncGroups)) return;
  const groupOf = new Map<string, string>();
  const groupNames = new Set<string>();
  config.syncGroups.forEach((group, g) => {
    if (!ok('syncGroups', g) || !isRecord(group as unknown)) return;
    if (groupNames.has(group.name))
      report(['syncGroups', g, 'name'], `duplicate sync group name "${group.name}"`);
    groupNames.add(group.name);
    group.instances.forEach((name: string, k: number) => {
      if (!instances.has(name)) {
        report(['syncGroups', g, 'instances', k], `no instance named "${name}"`);
        return;
      }
      const other = groupOf.get(name);
      if (other !== undefined) {
        report(
          ['syncGroups', g, 'instances', k],
          `instance "${name}" is already in sync group "${other}"`,
        );
      } else groupOf.set(name, group.name);
    });
  });
}

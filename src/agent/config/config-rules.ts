// Rules across instances: names are unique, and so is (interface, vrid, family): that triple is
// one virtual router on a LAN (an IPv4 and an IPv6 virtual router may share a VRID).
import type { z } from 'zod';

import type { InstanceFields } from './instance-fields.js';
import { instanceFamily } from './instance-rules.js';
import { isRecord, validAt } from './valid-at.js';

interface ConfigFields {
  readonly instances: readonly InstanceFields[];
}

export function checkInstances(
  config: ConfigFields,
  ctx: z.core.$RefinementCtx<ConfigFields>,
): void {
  if (!Array.isArray(config.instances)) return;
  const names = new Map<string, number>();
  const routers = new Map<string, number>();
  config.instances.forEach((instance, i) => {
    const ok = validAt(ctx.issues, ['instances', i]);
    if (!isRecord(instance as unknown)) return; // an entry that is not a mapping
    if (ok('name')) {
      const first = names.get(instance.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['instances', i, 'name'],
          message: `duplicate instance name "${instance.name}" (also instances[${first}])`,
        });
      } else names.set(instance.name, i);
    }
    const family = instanceFamily(instance, ok);
    if (!ok('interface') || !ok('vrid') || family === undefined) return;
    const key = `${instance.interface} ${instance.vrid} ${family}`;
    const first = routers.get(key);
    if (first !== undefined) {
      const other = config.instances[first];
      ctx.addIssue({
        code: 'custom',
        path: ['instances', i, 'vrid'],
        message: `vrid ${instance.vrid} on ${instance.interface} (${family}) is already instances[${first}] ("${other?.name ?? ''}")`,
      });
    } else routers.set(key, i);
  });
}

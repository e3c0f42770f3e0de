// Rules for `unicast.probe: ec2` (issue 14): the probe asks EC2 whether the peer's instance is
// running, with the agent's EC2 client and identity, which only the top-level cloud: section
// sets up; and EC2 is asked by the peer's private IPv4 address.
import type { z } from 'zod';

import type { InstanceFields } from './instance-fields.js';
import { instanceFamily } from './instance-rules.js';
import { isRecord, validAt } from './valid-at.js';

interface ConfigFields {
  /** Undefined when the file has no cloud: section. */
  readonly cloud?: unknown;
  readonly instances: readonly InstanceFields[];
}

export function checkEc2Probes(
  config: ConfigFields,
  ctx: z.core.$RefinementCtx<ConfigFields>,
): void {
  if (!Array.isArray(config.instances)) return;
  config.instances.forEach((instance, i) => {
    if (!isRecord(instance as unknown)) return;
    const ok = validAt(ctx.issues, ['instances', i]);
    if (!ok('unicast', 'probe') || instance.unicast?.probe !== 'ec2') return;
    const path = ['instances', i, 'unicast', 'probe'];
    if (config.cloud === undefined) {
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          'probe: ec2 asks the EC2 API whether the peer instance is running: expected a top-level cloud: section (its region, endpoint and identity; `cloud: {}` discovers them from IMDS)',
      });
    } else if (instanceFamily(instance, ok) === 'ipv6') {
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          "probe: ec2 looks the peer up by its private IPv4 address: this instance's VIPs are IPv6 (use icmp or { tcp: PORT })",
      });
    }
  });
}

// The cloud part of a seed's plan: whether the seed has one, what each VRID moves in it (a
// secondary IP always; an Elastic IP mapped to it, claimed after it; a route), and how bad the
// API gets in fault windows.
import type { CloudTarget } from '../../src/cloud/target.js';
import type { Prng } from './prng.js';
import type { VridPlan } from './scenario.js';
import { MAX_LATENCY_MS, QUIET_API, type ApiConditions } from './sim-cloud.js';

export interface CloudPlan {
  readonly targets: ReadonlyMap<number, readonly CloudTarget[]>;
  /** The API in fault windows. */
  readonly chaos: ApiConditions;
}

export function planCloud(prng: Prng, vrids: readonly VridPlan[]): CloudPlan | undefined {
  if (!prng.chance(0.6)) return undefined;
  const targets = new Map<number, CloudTarget[]>();
  for (const v of vrids) {
    // Cloud targets name IPv4 addresses; the model does not care about the VRID's family.
    const address = `10.98.${v.vrid}.1`;
    const list: CloudTarget[] = [{ kind: 'secondary-ip', address }];
    if (prng.chance(0.4)) {
      const eip: CloudTarget = {
        kind: 'elastic-ip',
        allocationId: `eipalloc-${v.vrid}`,
        privateIp: address,
      };
      // Either order in the configuration: the machine orders the claims.
      if (prng.chance(0.5)) list.unshift(eip);
      else list.push(eip);
    }
    if (prng.chance(0.3)) {
      list.push({
        kind: 'route-table',
        routeTableIds: [`rtb-${v.vrid}`],
        destinationCidr: `10.97.${v.vrid}.0/24`,
      });
    }
    targets.set(v.vrid, list);
  }
  return {
    targets,
    chaos: {
      latencyMs: [QUIET_API.latencyMs[0], prng.range(QUIET_API.latencyMs[1], MAX_LATENCY_MS)],
      throttleRate: prng.range(0, 0.3),
      serverErrorRate: prng.range(0, 0.1),
      timeoutRate: prng.range(0, 0.1),
      readLagMaxMs: prng.range(QUIET_API.readLagMaxMs, 2_000),
    },
  };
}

// One configured instance -> the pure core's VirtualRouterConfig (src/agent/vrrp/types.ts).
import type { VirtualRouterConfig } from '../vrrp/types.js';
import type { InstanceConfig } from './schema.js';

/**
 * `primaryAddress` is the interface's address of the instance's family (or unicast.source):
 * known only at run time, so the caller looks it up.
 */
export function toRouterConfig(
  instance: InstanceConfig,
  primaryAddress: string,
): VirtualRouterConfig {
  return {
    vrid: instance.vrid,
    version: instance.version,
    family: instance.family,
    primaryAddress,
    priority: instance.priority,
    advertIntervalCs: instance.advertIntervalCs,
    preempt: instance.preempt,
    preemptDelayMs: instance.preemptDelayMs,
    acceptMode: instance.acceptMode,
    vips: instance.vips.map((vip) => vip.address),
    authPassword: instance.authPassword,
    checkAddressList: instance.checkAddressList,
  };
}

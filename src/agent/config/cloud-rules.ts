// Rules for an instance's cloud targets, each reported at the key it is about: EC2 moves IPv4
// here, a secondary IP must be one of the instance's VIPs (it goes on the OS interface too),
// and the same thing is not claimed twice.
import type { IpFamily } from '../vrrp/codec/types.js';
import type { InstanceFields } from './instance-fields.js';
import type { ValidAt } from './valid-at.js';

type Report = (path: PropertyKey[], message: string) => void;

export function checkCloudTargets(
  instance: InstanceFields,
  family: IpFamily | undefined,
  ok: ValidAt,
  report: Report,
): void {
  if (!ok('cloud') || !Array.isArray(instance.cloud) || instance.cloud.length === 0) return;
  if (family === 'ipv6') {
    report(['cloud'], "cloud targets move IPv4 addresses: this instance's VIPs are IPv6");
    return;
  }
  const vips = new Set(
    Array.isArray(instance.vips)
      ? instance.vips.flatMap((vip, i) => (ok('vips', i) ? [vip.address.address] : []))
      : [],
  );
  const seen = new Map<string, number>();
  instance.cloud.forEach((target, i) => {
    if (!ok('cloud', i)) return;
    let key: string;
    switch (target.type) {
      case 'secondary-ip': {
        const address = target.address?.address;
        if (address !== undefined && address.includes(':')) {
          report(['cloud', i, 'address'], `expected an IPv4 address, got ${address}`);
        } else if (address !== undefined && vips.size > 0 && !vips.has(address)) {
          report(
            ['cloud', i, 'address'],
            `${address} is not one of this instance's VIPs (${[...vips].join(', ')}): a secondary IP also goes on the interface`,
          );
        }
        key = `secondary-ip ${address ?? 'first-vip'}`;
        break;
      }
      case 'elastic-ip':
        if (target.privateIp?.family === 'ipv6') {
          report(
            ['cloud', i, 'privateIp'],
            `expected an IPv4 address, got ${target.privateIp.address}`,
          );
        }
        key = `elastic-ip ${target.allocationId}`;
        break;
      case 'route-table': {
        const duplicates = target.routeTableIds.filter(
          (id, k) => target.routeTableIds.indexOf(id) !== k,
        );
        if (duplicates.length > 0) {
          report(['cloud', i, 'routeTableIds'], `${duplicates.join(', ')} listed twice`);
        }
        key = `route-table ${target.destination ?? 'first-vip'} ${[...target.routeTableIds].sort().join(',')}`;
        break;
      }
    }
    const first = seen.get(key);
    if (first !== undefined) report(['cloud', i], `the same target as cloud[${first}]`);
    else seen.set(key, i);
  });
}

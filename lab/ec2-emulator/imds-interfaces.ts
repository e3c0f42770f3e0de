// Builds an IMDS fake's interface list from the EC2 emulator's state, so the metadata a host
// sees (local-ipv4s after a secondary IP moves) follows the emulated cloud.

import type { ImdsInterface } from './imds-fake.js';
import type { Ec2State } from './state.js';

export function imdsInterfacesFor(state: Ec2State, instanceId: string): ImdsInterface[] {
  const data = state.current;
  const instance = data.instances.get(instanceId);
  if (!instance) return [];
  return instance.networkInterfaceIds.flatMap((id) => {
    const eni = data.networkInterfaces.get(id);
    if (!eni) return [];
    return [
      {
        mac: eni.macAddress,
        networkInterfaceId: eni.networkInterfaceId,
        subnetId: eni.subnetId,
        vpcId: eni.vpcId,
        localIpv4s: eni.privateIps.map((ip) => ip.address),
        deviceNumber: eni.attachment?.deviceIndex ?? 0,
      },
    ];
  });
}

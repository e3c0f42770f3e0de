// A JSON-able overview of every emulated resource, printed by the CLI and handy in demos.

import type { Ec2State } from './state.js';

export function stateSummary(state: Ec2State): Record<string, unknown> {
  const d = state.current;
  return {
    region: state.region,
    vpcs: [...d.vpcs.values()],
    subnets: [...d.subnets.values()],
    instances: [...d.instances.values()].map((i) => ({
      instanceId: i.instanceId,
      subnetId: i.subnetId,
      networkInterfaces: i.networkInterfaceIds.map((id) => ({
        networkInterfaceId: id,
        mac: d.networkInterfaces.get(id)?.macAddress,
        privateIps: state.privateIpsOf(id),
      })),
      tags: state.tagsOf(i.instanceId),
    })),
    elasticIps: [...d.elasticIps.values()].map((e) => ({
      allocationId: e.allocationId,
      publicIp: e.publicIp,
      association: state.eipAssociation(e.allocationId),
    })),
    routeTables: [...d.routeTables.values()].map((t) => ({
      routeTableId: t.routeTableId,
      vpcId: t.vpcId,
      routes: t.routes.map((r) => state.route(t.routeTableId, r.destinationCidrBlock)),
    })),
  };
}

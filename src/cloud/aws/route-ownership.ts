// Who a route-table target points at, from DescribeRouteTables: an owner only when every listed
// table routes the destination to the same ENI; the detail names each table's target.
import type { RouteTable } from '@aws-sdk/client-ec2';
import type { Ownership } from '../provider.js';
import type { RouteTableTarget } from '../target.js';

export function routeOwnership(target: RouteTableTarget, tables: readonly RouteTable[]): Ownership {
  const wanted = target.destinationCidr.toLowerCase();
  const perTable = target.routeTableIds.map((id) => {
    const table = tables.find((t) => t.RouteTableId === id);
    if (table === undefined) return { id, eni: undefined, label: 'not returned' };
    const route = table.Routes?.find(
      (r) => (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock)?.toLowerCase() === wanted,
    );
    if (route === undefined) return { id, eni: undefined, label: 'no route' };
    const eni = route.NetworkInterfaceId;
    const other = route.GatewayId ?? route.InstanceId ?? route.NatGatewayId ?? 'other target';
    const state = route.State === 'blackhole' ? ' (blackhole)' : '';
    return { id, eni, label: `${eni ?? other}${state}` };
  });
  const first = perTable[0]?.eni;
  const agreed = first !== undefined && perTable.every((t) => t.eni === first) ? first : undefined;
  return {
    ownerNetworkInterfaceId: agreed,
    detail: `${target.destinationCidr}: ${perTable.map((t) => `${t.id} → ${t.label}`).join(', ')}`,
  };
}

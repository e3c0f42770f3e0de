// The read side of AwsProvider: who EC2 says holds a target now (Describe*, eventually
// consistent: a read right after a write may still show the old owner).
import {
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  type Address,
  type Filter,
} from '@aws-sdk/client-ec2';
import type { Ownership } from '../provider.js';
import type { ElasticIpTarget, RouteTableTarget, SecondaryIpTarget } from '../target.js';
import { runCall } from './call.js';
import type { Ec2Deps } from './ec2-deps.js';
import { routeOwnership } from './route-ownership.js';

export async function observeSecondaryIp(
  { client, context, identity }: Ec2Deps,
  target: SecondaryIpTarget,
  signal: AbortSignal | undefined,
): Promise<Ownership> {
  const scope: Filter =
    identity.vpcId === undefined
      ? { Name: 'subnet-id', Values: [identity.subnetId] }
      : { Name: 'vpc-id', Values: [identity.vpcId] };
  const output = await runCall(
    context,
    'DescribeNetworkInterfaces',
    (abortSignal) =>
      client.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'addresses.private-ip-address', Values: [target.address] }, scope],
        }),
        { abortSignal },
      ),
    { signal, subject: `secondary-ip ${target.address}` },
  );
  const owners = (output.NetworkInterfaces ?? [])
    .filter((eni) => eni.PrivateIpAddresses?.some((ip) => ip.PrivateIpAddress === target.address))
    .map((eni) => eni.NetworkInterfaceId)
    .filter((id): id is string => id !== undefined);
  // An address lives on one ENI; more than one answer is a lagging read: trust neither.
  const owner = owners.length === 1 ? owners[0] : undefined;
  return {
    ownerNetworkInterfaceId: owner,
    detail: `${target.address} on ${owners.length === 0 ? 'no ENI' : owners.join(', ')}`,
  };
}

export async function describeAddress(
  { client, context }: Ec2Deps,
  target: ElasticIpTarget,
  signal: AbortSignal | undefined,
): Promise<Address | undefined> {
  const output = await runCall(
    context,
    'DescribeAddresses',
    (abortSignal) =>
      client.send(new DescribeAddressesCommand({ AllocationIds: [target.allocationId] }), {
        abortSignal,
      }),
    { signal, subject: `elastic-ip allocationId ${target.allocationId}` },
  );
  return output.Addresses?.find((a) => a.AllocationId === target.allocationId);
}

export async function observeElasticIp(
  deps: Ec2Deps,
  target: ElasticIpTarget,
  signal: AbortSignal | undefined,
): Promise<Ownership> {
  const eip = await describeAddress(deps, target, signal);
  const onto = eip?.PrivateIpAddress === undefined ? '' : ` (${eip.PrivateIpAddress})`;
  return {
    ownerNetworkInterfaceId: eip?.NetworkInterfaceId,
    detail: `${target.allocationId} → ${eip?.NetworkInterfaceId ?? 'not associated'}${onto}`,
  };
}

export async function observeRouteTables(
  { client, context }: Ec2Deps,
  target: RouteTableTarget,
  signal: AbortSignal | undefined,
): Promise<Ownership> {
  const output = await runCall(
    context,
    'DescribeRouteTables',
    (abortSignal) =>
      client.send(new DescribeRouteTablesCommand({ RouteTableIds: [...target.routeTableIds] }), {
        abortSignal,
      }),
    { signal, subject: `route-table ids ${target.routeTableIds.join(', ')}` },
  );
  return routeOwnership(target, output.RouteTables ?? []);
}

// Is a VRRP peer's instance running? The cloud variant of the split-brain diagnosis' probe
// (issue 14): EC2's own word that the host behind the peer's private address is up, where ICMP
// and TCP may be filtered as much as IP protocol 112 is. One DescribeInstances call answers it:
// the filter network-interface.addresses.private-ip-address matches an instance by any private
// IPv4 address on any of its ENIs (private-ip-address would match only the primary one), and the
// answer carries the instance's state. DescribeNetworkInterfaces would give only the attached
// instance's id, and a second call for its state.
import { DescribeInstancesCommand, type Filter } from '@aws-sdk/client-ec2';
import { runCall } from './call.js';
import type { Ec2Deps } from './ec2-deps.js';

/**
 * reachable: an instance holding the address is running; unreachable: EC2 lists none running
 * (stopped, stopping, pending, terminated, or no instance holds it); unknown: the call failed or
 * timed out, which says nothing of the peer, so never counts as reachable.
 */
export type PeerInstanceReachability = 'reachable' | 'unreachable' | 'unknown';

/** The states of the instances holding `privateIp` (in `vpcId` when given); [] when none does. */
export async function instanceStatesByPrivateIp(
  { client, context }: Pick<Ec2Deps, 'client' | 'context'>,
  privateIp: string,
  vpcId: string | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  // The same private address may exist in another VPC of the account: our VPC's peer only.
  const filters: Filter[] = [
    { Name: 'network-interface.addresses.private-ip-address', Values: [privateIp] },
    ...(vpcId === undefined ? [] : [{ Name: 'vpc-id', Values: [vpcId] }]),
  ];
  const output = await runCall(
    context,
    'DescribeInstances',
    (abortSignal) =>
      client.send(new DescribeInstancesCommand({ Filters: filters }), { abortSignal }),
    { signal, subject: `the instance holding ${privateIp}` },
  );
  return (output.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => i.State?.Name ?? 'unknown');
}

/** The peer probe's answer: never throws (a failed call is 'unknown'). */
export async function peerInstanceReachability(
  deps: Pick<Ec2Deps, 'client' | 'context'>,
  privateIp: string,
  vpcId: string | undefined,
  signal?: AbortSignal,
): Promise<PeerInstanceReachability> {
  try {
    const states = await instanceStatesByPrivateIp(deps, privateIp, vpcId, signal);
    return states.includes('running') ? 'reachable' : 'unreachable';
  } catch {
    return 'unknown';
  }
}

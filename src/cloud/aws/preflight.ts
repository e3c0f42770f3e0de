// Startup checks against EC2 for the configured targets: our ENI (which also proves the
// credentials and warms the connection), the EIP allocations and route tables exist, and, for
// route targets, that source/destination checking is off (else EC2 drops packets addressed to
// the routed VIP at our ENI). Problems are returned as sentences naming the call and the id.
import {
  DescribeAddressesCommand,
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  ModifyNetworkInterfaceAttributeCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { CloudTarget, RouteTableTarget } from '../target.js';
import type { AwsProviderIdentity } from './ec2-deps.js';
import { runCall, type CallContext, type CallObserver } from './call.js';

export interface PreflightDeps {
  readonly client: EC2Client;
  readonly identity: AwsProviderIdentity;
  readonly callTimeoutMs: number;
  readonly observer?: CallObserver | undefined;
}

export interface PreflightOptions {
  /** Turn source/destination checking off on our ENI when a route target needs it. */
  readonly disableSourceDestCheck?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Codes after which every other call would fail the same way: report once and stop. */
const FATAL = new Set(['CLOUD_AUTH', 'CLOUD_CREDENTIALS', 'CLOUD_NETWORK', 'CLOUD_TIMEOUT']);

export async function preflight(
  deps: PreflightDeps,
  targets: readonly CloudTarget[],
  options: PreflightOptions = {},
): Promise<string[]> {
  const { client, identity } = deps;
  const context: CallContext = { timeoutMs: deps.callTimeoutMs, observer: deps.observer };
  const signal = options.signal;
  const eni = identity.networkInterfaceId;
  const problems: string[] = [];

  try {
    const output = await runCall(
      context,
      'DescribeNetworkInterfaces',
      (abortSignal) =>
        client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }), {
          abortSignal,
        }),
      { signal, subject: `networkInterfaceId ${eni}` },
    );
    const found = output.NetworkInterfaces?.find((n) => n.NetworkInterfaceId === eni);
    const attachedTo = found?.Attachment?.InstanceId;
    if (attachedTo !== identity.instanceId) {
      problems.push(
        `DescribeNetworkInterfaces ${eni}: attached to ${attachedTo ?? 'no instance'}, not to ` +
          `this instance ${identity.instanceId}; check networkInterfaceId in the config`,
      );
    }
    if (found?.SubnetId !== undefined && found.SubnetId !== identity.subnetId) {
      problems.push(
        `DescribeNetworkInterfaces ${eni}: in ${found.SubnetId}, not in the configured subnet ` +
          `${identity.subnetId}; check subnetId in the config`,
      );
    }
  } catch (error) {
    problems.push(describe(error));
    if (FATAL.has((error as { reason?: string }).reason ?? '')) return problems;
  }

  const checks: Promise<string[]>[] = [];
  const allocations = new Set<string>();
  for (const target of targets) {
    if (target.kind === 'elastic-ip' && !allocations.has(target.allocationId)) {
      allocations.add(target.allocationId);
      const id = target.allocationId;
      checks.push(
        attempt(() =>
          runCall(
            context,
            'DescribeAddresses',
            (abortSignal) =>
              client.send(new DescribeAddressesCommand({ AllocationIds: [id] }), { abortSignal }),
            { signal, subject: `elastic-ip allocationId ${id}` },
          ).then(() => []),
        ),
      );
    }
    if (target.kind === 'route-table') checks.push(attempt(() => checkRouteTables(target)));
  }
  if (targets.some((t) => t.kind === 'route-table')) {
    checks.push(attempt(() => checkSourceDestCheck()));
  }
  for (const found of await Promise.all(checks)) problems.push(...found);
  return problems;

  async function checkRouteTables(target: RouteTableTarget): Promise<string[]> {
    const ids = [...target.routeTableIds];
    const output = await runCall(
      context,
      'DescribeRouteTables',
      (abortSignal) =>
        client.send(new DescribeRouteTablesCommand({ RouteTableIds: ids }), { abortSignal }),
      { signal, subject: `route-table ids ${ids.join(', ')}` },
    );
    const vpc = identity.vpcId;
    return (output.RouteTables ?? [])
      .filter((t) => vpc !== undefined && t.VpcId !== undefined && t.VpcId !== vpc)
      .map(
        (t) =>
          `DescribeRouteTables ${t.RouteTableId ?? '?'}: in ${t.VpcId ?? '?'}, not in this ` +
          `host's ${vpc ?? '?'}; a route there cannot point at ${eni}`,
      );
  }

  async function checkSourceDestCheck(): Promise<string[]> {
    const output = await runCall(
      context,
      'DescribeNetworkInterfaceAttribute',
      (abortSignal) =>
        client.send(
          new DescribeNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: eni,
            Attribute: 'sourceDestCheck',
          }),
          { abortSignal },
        ),
      { signal, subject: `networkInterfaceId ${eni}` },
    );
    if (output.SourceDestCheck?.Value !== true) return [];
    if (options.disableSourceDestCheck !== true) {
      return [
        `DescribeNetworkInterfaceAttribute ${eni}: source/destination check is on, so EC2 drops ` +
          'traffic routed to this host for the route-table targets; turn it off ' +
          `(aws ec2 modify-network-interface-attribute --network-interface-id ${eni} ` +
          '--no-source-dest-check) or set disableSourceDestCheck: true',
      ];
    }
    await runCall(
      context,
      'ModifyNetworkInterfaceAttribute',
      (abortSignal) =>
        client.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: eni,
            SourceDestCheck: { Value: false },
          }),
          { abortSignal },
        ),
      { signal, subject: `networkInterfaceId ${eni}` },
    );
    return [];
  }
}

async function attempt(check: () => Promise<string[]>): Promise<string[]> {
  try {
    return await check();
  } catch (error) {
    return [describe(error)];
  }
}

/** Ec2CallError messages already name the call and say what to check. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

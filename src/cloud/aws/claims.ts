// The write side of AwsProvider.claim, per target kind. Each is idempotent: claiming what we
// already hold succeeds (EC2 treats a repeated assign/associate/replace on our ENI as done).
import {
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  CreateRouteCommand,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import { CloudApiError } from '../errors.js';
import type { ElasticIpTarget, RouteTableTarget, SecondaryIpTarget } from '../target.js';
import { Ec2CallError, runCall } from './call.js';
import type { AwsProviderIdentity, Ec2Deps } from './ec2-deps.js';
import type { ClaimCommand } from './prepared-requests.js';

/** The claim commands, built in one place so a prepared request matches the claim exactly. */
export function assignCommand(
  identity: AwsProviderIdentity,
  target: SecondaryIpTarget,
): AssignPrivateIpAddressesCommand {
  return new AssignPrivateIpAddressesCommand({
    NetworkInterfaceId: identity.networkInterfaceId,
    PrivateIpAddresses: [target.address],
    AllowReassignment: true,
  });
}

export function associateCommand(
  identity: AwsProviderIdentity,
  target: ElasticIpTarget,
): AssociateAddressCommand {
  return new AssociateAddressCommand({
    AllocationId: target.allocationId,
    NetworkInterfaceId: identity.networkInterfaceId,
    PrivateIpAddress: target.privateIp,
    AllowReassociation: true,
  });
}

export function replaceRouteCommand(
  identity: AwsProviderIdentity,
  routeTableId: string,
  cidr: string,
): ReplaceRouteCommand {
  return new ReplaceRouteCommand(routeInput(identity, routeTableId, cidr));
}

function routeInput(identity: AwsProviderIdentity, routeTableId: string, cidr: string) {
  const destination = cidr.includes(':')
    ? { DestinationIpv6CidrBlock: cidr }
    : { DestinationCidrBlock: cidr };
  return {
    RouteTableId: routeTableId,
    NetworkInterfaceId: identity.networkInterfaceId,
    ...destination,
  };
}

/** A claim command: its prepared, signed request if there is a fresh one, else the SDK. */
function sendClaim(
  deps: Ec2Deps,
  command: ClaimCommand,
  abortSignal: AbortSignal,
): Promise<unknown> {
  const request = deps.prepared?.take(command);
  if (request !== undefined && deps.prepared !== undefined) {
    return deps.prepared.send(request, abortSignal);
  }
  return deps.client.send(command as AssignPrivateIpAddressesCommand, { abortSignal });
}

export async function claimSecondaryIp(
  deps: Ec2Deps,
  target: SecondaryIpTarget,
  signal: AbortSignal | undefined,
): Promise<void> {
  await runCall(
    deps.context,
    'AssignPrivateIpAddresses',
    (abortSignal) => sendClaim(deps, assignCommand(deps.identity, target), abortSignal),
    {
      signal,
      subject: `secondary-ip ${target.address} (inside subnet ${deps.identity.subnetId}?)`,
    },
  );
}

export async function claimElasticIp(
  deps: Ec2Deps,
  target: ElasticIpTarget,
  signal: AbortSignal | undefined,
): Promise<void> {
  await runCall(
    deps.context,
    'AssociateAddress',
    (abortSignal) => sendClaim(deps, associateCommand(deps.identity, target), abortSignal),
    {
      signal,
      subject: `elastic-ip allocationId ${target.allocationId} and privateIp ${target.privateIp} (on our ENI?)`,
    },
  );
}

/** Every table at once; one failure fails the claim (the reconciler claims again). */
export async function claimRouteTables(
  deps: Ec2Deps,
  target: RouteTableTarget,
  signal: AbortSignal | undefined,
): Promise<void> {
  const results = await Promise.allSettled(
    target.routeTableIds.map((table) => claimRoute(deps, table, target.destinationCidr, signal)),
  );
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [{ table: target.routeTableIds[i] ?? '?', error: r.reason as unknown }]
      : [],
  );
  const first = failures[0];
  if (first === undefined) return;
  if (failures.length === 1) throw first.error;
  // Report the failure that will not go away by itself, if any, so the reconciler stops spinning.
  const apiErrors = failures.map((f) => f.error).filter((e) => e instanceof CloudApiError);
  const lead = apiErrors.find((e) => !e.retryable) ?? apiErrors[0];
  const summary = failures.map((f) => `${f.table}: ${(f.error as Error).message}`).join('; ');
  if (lead === undefined) throw first.error;
  throw new CloudApiError(
    lead.reason,
    lead.call,
    `${failures.length} route tables failed: ${summary}`,
    apiErrors.every((e) => e.retryable),
    { cause: lead },
  );
}

async function claimRoute(
  deps: Ec2Deps,
  routeTableId: string,
  cidr: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { client, context, identity } = deps;
  const input = routeInput(identity, routeTableId, cidr);
  const subject = `route-table ${routeTableId} and destinationCidr ${cidr}`;
  const replace = (): Promise<unknown> =>
    runCall(
      context,
      'ReplaceRoute',
      (abortSignal) =>
        sendClaim(deps, replaceRouteCommand(identity, routeTableId, cidr), abortSignal),
      { signal, subject },
    );
  try {
    await replace();
    return;
  } catch (error) {
    if (!isMissingRoute(error)) throw error;
  }
  try {
    await runCall(
      context,
      'CreateRoute',
      (abortSignal) => client.send(new CreateRouteCommand(input), { abortSignal }),
      { signal, subject },
    );
  } catch (error) {
    // Someone created it between our two calls: now a replace finds it.
    if (!(error instanceof Ec2CallError && error.awsCode === 'RouteAlreadyExists')) throw error;
    await replace();
  }
}

/**
 * ReplaceRoute on a destination the table lacks. EC2 answers InvalidParameterValue "There is no
 * route defined for '<cidr>' in the route table. Use CreateRoute instead." (moto#6425 checked it
 * against AWS); InvalidRoute.NotFound is what the docs suggest, so accept both.
 */
export function isMissingRoute(error: unknown): boolean {
  if (!(error instanceof Ec2CallError)) return false;
  if (error.awsCode === 'InvalidRoute.NotFound') return true;
  const said = error.cause instanceof Error ? error.cause.message : error.message;
  return error.awsCode === 'InvalidParameterValue' && /no route/i.test(said);
}

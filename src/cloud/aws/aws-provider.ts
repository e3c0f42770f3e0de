// CloudProvider for EC2. One SDK attempt per EC2 action (runCall); no retries here: the
// reconciler owns backoff and counts every call. Target semantics:
// - secondary-ip: AssignPrivateIpAddresses with AllowReassignment moves the VIP onto our ENI (an
//   EIP associated with that address moves along); repeating it on our ENI is a no-op.
// - elastic-ip: AssociateAddress with AllowReassociation; every association gets a new id.
// - route-table: ReplaceRoute per table (CreateRoute when the route is missing), in parallel.
import {
  DisassociateAddressCommand,
  UnassignPrivateIpAddressesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { CallOptions, CloudProvider, FenceRecord, Ownership } from '../provider.js';
import type { CloudTarget, ElasticIpTarget, SecondaryIpTarget } from '../target.js';
import { Ec2CallError, runCall, type CallObserver } from './call.js';
import {
  assignCommand,
  associateCommand,
  claimElasticIp,
  claimRouteTables,
  claimSecondaryIp,
  replaceRouteCommand,
} from './claims.js';
import { PreparedRequests } from './prepared-requests.js';
import type { AwsProviderIdentity, Ec2Deps } from './ec2-deps.js';
import { readFenceRecords, writeFenceRecord } from './fence-calls.js';
import {
  describeAddress,
  observeElasticIp,
  observeRouteTables,
  observeSecondaryIp,
} from './observe.js';

export { awsActionsFor, awsCallsFor, type AwsCallPlan } from './aws-calls.js';
export type { AwsProviderIdentity } from './ec2-deps.js';

export interface AwsProviderOptions {
  readonly client: EC2Client;
  readonly identity: AwsProviderIdentity;
  /** Each EC2 call is abandoned (and reported retryable) after this long. */
  readonly callTimeoutMs: number;
  /** Told about every EC2 call: metrics, failover timeline. */
  readonly observer?: CallObserver | undefined;
  /** Keep claims signed ahead of time (prepareClaims) for the first request of a takeover. */
  readonly prepareClaims?: boolean | undefined;
}

export class AwsProvider implements CloudProvider {
  readonly identity: AwsProviderIdentity;
  private readonly deps: Ec2Deps;

  private readonly prepared: PreparedRequests | undefined;

  constructor(options: AwsProviderOptions) {
    this.identity = options.identity;
    this.prepared =
      options.prepareClaims === true ? new PreparedRequests(options.client) : undefined;
    this.deps = {
      client: options.client,
      identity: options.identity,
      context: { timeoutMs: options.callTimeoutMs, observer: options.observer },
      prepared: this.prepared,
    };
  }

  /**
   * Sign each target's claim now, without sending it: the next takeover's first request is then
   * only written to the socket. Call while BACKUP, and again before the signatures age out (the
   * agent does each minute). No API call is made.
   */
  async prepareClaims(targets: readonly CloudTarget[]): Promise<void> {
    const prepared = this.prepared;
    if (prepared === undefined) return;
    for (const target of targets) {
      switch (target.kind) {
        case 'secondary-ip':
          await prepared.prepare(assignCommand(this.identity, target));
          break;
        case 'elastic-ip':
          await prepared.prepare(associateCommand(this.identity, target));
          break;
        case 'route-table':
          for (const table of target.routeTableIds) {
            await prepared.prepare(
              replaceRouteCommand(this.identity, table, target.destinationCidr),
            );
          }
          break;
      }
    }
  }

  async claim(target: CloudTarget, options: CallOptions = {}): Promise<void> {
    switch (target.kind) {
      case 'secondary-ip':
        return claimSecondaryIp(this.deps, target, options.signal);
      case 'elastic-ip':
        return claimElasticIp(this.deps, target, options.signal);
      case 'route-table':
        return claimRouteTables(this.deps, target, options.signal);
    }
  }

  /**
   * Give the target up only if the read-back says it is ours, so a late release never takes
   * the address from a new holder. Route targets are never released: deleting the route would
   * blackhole the destination until a new MASTER writes it, while a route left pointing at us
   * is simply replaced by the next MASTER's ReplaceRoute.
   */
  async release(target: CloudTarget, options: CallOptions = {}): Promise<void> {
    switch (target.kind) {
      case 'secondary-ip':
        return this.releaseSecondaryIp(target, options.signal);
      case 'elastic-ip':
        return this.releaseElasticIp(target, options.signal);
      case 'route-table':
        return;
    }
  }

  observe(target: CloudTarget, options: CallOptions = {}): Promise<Ownership> {
    switch (target.kind) {
      case 'secondary-ip':
        return observeSecondaryIp(this.deps, target, options.signal);
      case 'elastic-ip':
        return observeElasticIp(this.deps, target, options.signal);
      case 'route-table':
        return observeRouteTables(this.deps, target, options.signal);
    }
  }

  readFences(target: CloudTarget, options: CallOptions = {}): Promise<readonly FenceRecord[]> {
    return readFenceRecords(this.deps, target, options.signal);
  }

  writeFence(target: CloudTarget, record: FenceRecord, options: CallOptions = {}): Promise<void> {
    return writeFenceRecord(this.deps, target, record, options.signal);
  }

  private async releaseSecondaryIp(
    target: SecondaryIpTarget,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { ownerNetworkInterfaceId } = await observeSecondaryIp(this.deps, target, signal);
    const ours = this.identity.networkInterfaceId;
    if (ownerNetworkInterfaceId !== ours) return;
    await runCall(
      this.deps.context,
      'UnassignPrivateIpAddresses',
      (abortSignal) =>
        this.deps.client.send(
          new UnassignPrivateIpAddressesCommand({
            NetworkInterfaceId: ours,
            PrivateIpAddresses: [target.address],
          }),
          { abortSignal },
        ),
      { signal, subject: `secondary-ip ${target.address}` },
    );
  }

  private async releaseElasticIp(
    target: ElasticIpTarget,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const eip = await describeAddress(this.deps, target, signal);
    const associationId = eip?.AssociationId;
    if (eip?.NetworkInterfaceId !== this.identity.networkInterfaceId) return;
    if (associationId === undefined) return;
    try {
      await runCall(
        this.deps.context,
        'DisassociateAddress',
        (abortSignal) =>
          this.deps.client.send(new DisassociateAddressCommand({ AssociationId: associationId }), {
            abortSignal,
          }),
        { signal, subject: `elastic-ip allocationId ${target.allocationId}` },
      );
    } catch (error) {
      // Re-associated by another agent since our read (new association id): not ours to release.
      if (error instanceof Ec2CallError && error.awsCode === 'InvalidAssociationID.NotFound')
        return;
      throw error;
    }
  }
}

// Reading a lab cloud from the emulator's side: who owns each target now, how often ownership
// changed (from the calls EC2 accepted), and which EC2 actions each target type caused.
import type { RecordedRequest } from './ec2-emulator/index.js';
import type { CloudTargetKind } from '../src/cloud/target.js';
import type { CloudLab } from './cloud-lab.js';

export interface Owners {
  readonly secondaryIp: string | undefined;
  readonly elasticIp: string | undefined;
  /** Per route table, in the order of cloud.routeTableIds. */
  readonly routes: readonly (string | undefined)[];
}

export function ownersNow(cloud: CloudLab, vip: string): Owners {
  const { state } = cloud.emulator;
  return {
    secondaryIp: state.eniOf(vip),
    elasticIp: state.eipAssociation(cloud.allocationId)?.networkInterfaceId,
    routes: cloud.routeTableIds.map((rtb) => state.route(rtb, `${vip}/32`)?.networkInterfaceId),
  };
}

/** Every target on `eni`. */
export function allOn(owners: Owners, eni: string): boolean {
  return (
    owners.secondaryIp === eni && owners.elasticIp === eni && owners.routes.every((r) => r === eni)
  );
}

const CLAIMS: Readonly<Record<string, CloudTargetKind>> = {
  AssignPrivateIpAddresses: 'secondary-ip',
  AssociateAddress: 'elastic-ip',
  ReplaceRoute: 'route-table',
  CreateRoute: 'route-table',
};

/** Accepted claims, in arrival order. */
export function acceptedClaims(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.action in CLAIMS && r.status === 200);
}

/**
 * How many times each target changed hands, counted from the claims EC2 accepted: a claim by an
 * ENI other than the last accepted one is a move. Keyed by target kind, and per route table
 * (`route-table rtb-...`).
 */
export function ownerChangesByResource(
  requests: readonly RecordedRequest[],
): Record<string, number> {
  const last = new Map<string, string>();
  const changes: Record<string, number> = {};
  for (const r of acceptedClaims(requests)) {
    const kind = CLAIMS[r.action] as CloudTargetKind;
    const key = kind === 'route-table' ? `${kind} ${r.params.RouteTableId ?? ''}` : kind;
    const eni = r.params.NetworkInterfaceId ?? '';
    const before = last.get(key);
    changes[key] = (changes[key] ?? 0) + (before !== undefined && before !== eni ? 1 : 0);
    last.set(key, eni);
  }
  return changes;
}

/** ownerChangesByResource summed per target kind (route tables together). */
export function ownerChanges(
  requests: readonly RecordedRequest[],
): Record<CloudTargetKind, number> {
  const out: Record<CloudTargetKind, number> = {
    'secondary-ip': 0,
    'elastic-ip': 0,
    'route-table': 0,
  };
  for (const [key, n] of Object.entries(ownerChangesByResource(requests))) {
    out[key.split(' ')[0] as CloudTargetKind] += n;
  }
  return out;
}

/** A claim request (any outcome) sent with this access key: who sent it. */
export function claimsBy(
  requests: readonly RecordedRequest[],
  accessKeyId: string,
): RecordedRequest[] {
  return requests.filter((r) => r.action in CLAIMS && r.accessKeyId === accessKeyId);
}

export interface LabIds {
  readonly subnetId: string;
  readonly allocationId: string;
  readonly routeTableIds: readonly string[];
}

/**
 * The EC2 actions each target type caused, told apart by their parameters (the resource ids);
 * calls about our own ENI alone (startup checks) count for every target type.
 */
export function actionsByTargetKind(
  requests: readonly RecordedRequest[],
  ids: LabIds,
): Record<CloudTargetKind, Set<string>> {
  const out: Record<CloudTargetKind, Set<string>> = {
    'secondary-ip': new Set(),
    'elastic-ip': new Set(),
    'route-table': new Set(),
  };
  const kindOfResource = (id: string): CloudTargetKind | undefined =>
    id === ids.subnetId
      ? 'secondary-ip'
      : id === ids.allocationId
        ? 'elastic-ip'
        : ids.routeTableIds.includes(id)
          ? 'route-table'
          : undefined;
  for (const r of requests) {
    const values = Object.values(r.params);
    const claimKind = CLAIMS[r.action];
    let kinds: CloudTargetKind[];
    if (claimKind !== undefined) kinds = [claimKind];
    else if (r.action === 'DescribeAddresses') kinds = ['elastic-ip'];
    else if (r.action === 'DescribeRouteTables') kinds = ['route-table'];
    else if (r.action.endsWith('NetworkInterfaceAttribute')) kinds = ['route-table'];
    else if (r.action === 'CreateTags' || r.action === 'DescribeTags') {
      kinds = values.flatMap((v) => {
        const kind = kindOfResource(v);
        return kind === undefined ? [] : [kind];
      });
    } else if (r.action === 'DescribeNetworkInterfaces') {
      // The read-back of a secondary IP filters by the address; the startup check names our ENI.
      kinds = values.includes('addresses.private-ip-address')
        ? ['secondary-ip']
        : ['secondary-ip', 'elastic-ip', 'route-table'];
    } else kinds = [];
    for (const kind of kinds) out[kind].add(r.action);
  }
  return out;
}

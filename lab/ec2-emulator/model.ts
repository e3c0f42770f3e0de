// The emulated EC2 data: plain, cloneable records (structuredClone keeps a versioned history
// of it for eventually consistent reads). Ids look like EC2's (`eni-` + 17 hex digits).

export interface Vpc {
  readonly vpcId: string;
  readonly cidrBlock: string;
}

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
}

export interface PrivateIp {
  readonly address: string;
  readonly primary: boolean;
}

export interface EniAttachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly attachTimeMs: number;
}

export interface NetworkInterface {
  readonly networkInterfaceId: string;
  readonly macAddress: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  description: string;
  attachment: EniAttachment | undefined;
  /** The primary first, then secondaries in assignment order (as EC2 lists them). */
  privateIps: PrivateIp[];
  sourceDestCheck: boolean;
}

/** EC2's instance states, with the codes DescribeInstances gives them (InstanceState, API reference). */
export const INSTANCE_STATE_CODES = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
} as const;
export type InstanceStateName = keyof typeof INSTANCE_STATE_CODES;

export interface Instance {
  readonly instanceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly launchTimeMs: number;
  /** The lifecycle state DescribeInstances reports (EC2's InstanceState name). */
  state: InstanceStateName;
  /** Attached ENIs by device index order; [0] is the primary. */
  networkInterfaceIds: string[];
}

export interface EipAssociation {
  readonly associationId: string;
  readonly networkInterfaceId: string;
  readonly privateIpAddress: string;
}

export interface ElasticIp {
  readonly allocationId: string;
  readonly publicIp: string;
  association: EipAssociation | undefined;
}

export type RouteTarget =
  | { readonly kind: 'local' }
  | { readonly kind: 'gateway'; readonly gatewayId: string }
  | { readonly kind: 'network-interface'; readonly networkInterfaceId: string };

export interface Route {
  readonly destinationCidrBlock: string;
  target: RouteTarget;
  readonly origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RouteTableAssociation {
  readonly routeTableAssociationId: string;
  readonly main: boolean;
  readonly subnetId: string | undefined;
}

export interface RouteTable {
  readonly routeTableId: string;
  readonly vpcId: string;
  routes: Route[];
  associations: RouteTableAssociation[];
}

export interface Ec2Data {
  readonly vpcs: Map<string, Vpc>;
  readonly subnets: Map<string, Subnet>;
  readonly instances: Map<string, Instance>;
  readonly networkInterfaces: Map<string, NetworkInterface>;
  readonly elasticIps: Map<string, ElasticIp>;
  readonly routeTables: Map<string, RouteTable>;
  /** resource id → key → value, for every taggable resource. */
  readonly tags: Map<string, Map<string, string>>;
}

export function emptyData(): Ec2Data {
  return {
    vpcs: new Map(),
    subnets: new Map(),
    instances: new Map(),
    networkInterfaces: new Map(),
    elasticIps: new Map(),
    routeTables: new Map(),
    tags: new Map(),
  };
}

export const ownerAccountId = '123456789012';

/** The resource type DescribeTags reports, from the id's prefix. */
export function resourceTypeOf(resourceId: string): string | undefined {
  const prefixes: readonly (readonly [string, string])[] = [
    ['eni-', 'network-interface'],
    ['i-', 'instance'],
    ['rtb-', 'route-table'],
    ['eipalloc-', 'elastic-ip'],
    ['subnet-', 'subnet'],
    ['vpc-', 'vpc'],
  ];
  return prefixes.find(([prefix]) => resourceId.startsWith(prefix))?.[1];
}

export function findEniByIp(data: Ec2Data, address: string): NetworkInterface | undefined {
  for (const eni of data.networkInterfaces.values()) {
    if (eni.privateIps.some((ip) => ip.address === address)) return eni;
  }
  return undefined;
}

export function eipForPrivateIp(
  data: Ec2Data,
  networkInterfaceId: string,
  address: string,
): ElasticIp | undefined {
  for (const eip of data.elasticIps.values()) {
    const association = eip.association;
    if (
      association?.networkInterfaceId === networkInterfaceId &&
      association.privateIpAddress === address
    ) {
      return eip;
    }
  }
  return undefined;
}

export function resourceExists(data: Ec2Data, resourceId: string): boolean {
  return [
    data.vpcs,
    data.subnets,
    data.instances,
    data.networkInterfaces,
    data.elasticIps,
    data.routeTables,
  ].some((map) => map.has(resourceId));
}

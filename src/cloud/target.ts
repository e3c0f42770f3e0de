// What floatd moves in the cloud when an instance becomes MASTER. An instance may have any
// combination; each is claimed, verified and fenced on its own.

/** Move a secondary private IP onto this host's ENI (AssignPrivateIpAddresses, AllowReassignment). */
export interface SecondaryIpTarget {
  readonly kind: 'secondary-ip';
  /** The VIP, an address inside the ENI's subnet. */
  readonly address: string;
}

/** Point an Elastic IP at this host (AssociateAddress, AllowReassociation). */
export interface ElasticIpTarget {
  readonly kind: 'elastic-ip';
  readonly allocationId: string;
  /** The private address on our ENI the EIP maps to (the VIP when it is a secondary IP). */
  readonly privateIp: string;
}

/** Route a destination (VIP/32) to this host's ENI in each listed route table (ReplaceRoute / CreateRoute). */
export interface RouteTableTarget {
  readonly kind: 'route-table';
  readonly routeTableIds: readonly string[];
  /** CIDR, e.g. '192.168.100.10/32'. */
  readonly destinationCidr: string;
}

export type CloudTarget = SecondaryIpTarget | ElasticIpTarget | RouteTableTarget;
export type CloudTargetKind = CloudTarget['kind'];

/** A short stable name for logs, metrics and status: `secondary-ip:10.0.1.50`. */
export function targetName(target: CloudTarget): string {
  switch (target.kind) {
    case 'secondary-ip':
      return `secondary-ip:${target.address}`;
    case 'elastic-ip':
      return `elastic-ip:${target.allocationId}`;
    case 'route-table':
      return `route-table:${target.destinationCidr}@${target.routeTableIds.join(',')}`;
  }
}

// The error an emulated EC2 call answers with: an EC2 error code, its HTTP status and message.
// Codes and messages follow what EC2 returns (errors-overview in the EC2 API reference). Test
// scaffolding: `code` is EC2's, not one of floatd's.

export class Ec2ApiError extends Error {
  constructor(
    /** EC2's error code: 'InvalidParameterValue', 'RequestLimitExceeded', ... */
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'Ec2ApiError';
  }
}

export type IdKind =
  | 'instance'
  | 'network-interface'
  | 'allocation'
  | 'association'
  | 'route-table'
  | 'subnet'
  | 'vpc';

interface IdKindInfo {
  readonly prefix: string;
  readonly notFound: string;
  readonly malformed: string;
  /** How EC2 names the id in its messages: "The networkInterface ID '...' does not exist". */
  readonly noun: string;
}

export const idKinds: Readonly<Record<IdKind, IdKindInfo>> = {
  instance: {
    prefix: 'i-',
    notFound: 'InvalidInstanceID.NotFound',
    malformed: 'InvalidInstanceID.Malformed',
    noun: 'instance',
  },
  'network-interface': {
    prefix: 'eni-',
    notFound: 'InvalidNetworkInterfaceID.NotFound',
    malformed: 'InvalidNetworkInterfaceID.Malformed',
    noun: 'networkInterface',
  },
  allocation: {
    prefix: 'eipalloc-',
    notFound: 'InvalidAllocationID.NotFound',
    malformed: 'InvalidAllocationID.Malformed',
    noun: 'allocation',
  },
  association: {
    prefix: 'eipassoc-',
    notFound: 'InvalidAssociationID.NotFound',
    malformed: 'InvalidAssociationID.Malformed',
    noun: 'association',
  },
  'route-table': {
    prefix: 'rtb-',
    notFound: 'InvalidRouteTableID.NotFound',
    malformed: 'InvalidRouteTableId.Malformed',
    noun: 'routeTable',
  },
  subnet: {
    prefix: 'subnet-',
    notFound: 'InvalidSubnetID.NotFound',
    malformed: 'InvalidSubnetID.Malformed',
    noun: 'subnet',
  },
  vpc: {
    prefix: 'vpc-',
    notFound: 'InvalidVpcID.NotFound',
    malformed: 'InvalidVpcID.Malformed',
    noun: 'vpc',
  },
};

/** EC2 ids are the prefix and 8 (old style) or 17 (current) hex digits. */
export function isWellFormedId(kind: IdKind, id: string): boolean {
  const { prefix } = idKinds[kind];
  if (!id.startsWith(prefix)) return false;
  return /^([0-9a-f]{8}|[0-9a-f]{17})$/.test(id.slice(prefix.length));
}

export function malformedId(kind: IdKind, id: string): Ec2ApiError {
  const info = idKinds[kind];
  return new Ec2ApiError(info.malformed, `Invalid id: "${id}" (expecting "${info.prefix}...")`);
}

export function idsNotFound(kind: IdKind, ids: readonly string[]): Ec2ApiError {
  const info = idKinds[kind];
  const message =
    ids.length === 1
      ? `The ${info.noun} ID '${ids[0] ?? ''}' does not exist`
      : `The ${info.noun} IDs '${ids.join(', ')}' do not exist`;
  return new Ec2ApiError(info.notFound, message);
}

/** Throws Malformed for the first bad id, then NotFound for all missing ones, as EC2 does. */
export function checkIds(kind: IdKind, ids: readonly string[], exists: (id: string) => boolean) {
  for (const id of ids) if (!isWellFormedId(kind, id)) throw malformedId(kind, id);
  const missing = ids.filter((id) => !exists(id));
  if (missing.length > 0) throw idsNotFound(kind, missing);
}

/** EC2 names the parameter in camelCase: "The request must contain the parameter routeTableId". */
export function missingParameter(wireName: string): Ec2ApiError {
  const name = wireName.charAt(0).toLowerCase() + wireName.slice(1);
  return new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);
}

export function invalidParameterValue(message: string): Ec2ApiError {
  return new Ec2ApiError('InvalidParameterValue', message);
}

// The least-privilege IAM policy for exactly the EC2 calls floatd makes. The actions come from
// awsCallsFor (one source of truth); each is scoped to the narrowest resource ARNs EC2 allows for
// it, per "Actions, resources, and condition keys for Amazon EC2" (Service Authorization
// Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
// Pure: no I/O, the same targets and options give the same document.
import { FloatdError } from '../errors.js';
import type { CloudTarget } from '../target.js';
import { awsCallsFor, type AwsCallPlanOptions } from './aws-calls.js';
import { FENCE_TAG_ROOT, fenceResourceId } from './fence-tag.js';
import { peerProbeCallsFor } from './peer-probe-calls.js';

export interface IamPolicyOptions extends AwsCallPlanOptions {
  /** Region in the ARNs; default '*' (any). */
  readonly region?: string | undefined;
  /** 12-digit account id in the ARNs; default '*' (any). */
  readonly accountId?: string | undefined;
  /** This host's ENI; default network-interface/* (any ENI of the account). */
  readonly networkInterfaceId?: string | undefined;
  /** The subnet carrying secondary-ip fence records; default subnet/*. */
  readonly subnetId?: string | undefined;
  /**
   * Several ENIs (the serverless controller moves targets between its candidates' ENIs): when
   * set and not empty, the network-interface ARNs name each of them instead of networkInterfaceId.
   */
  readonly networkInterfaceIds?: readonly string[] | undefined;
  /** Several subnets (each candidate's, where a secondary IP's fence records live); as above. */
  readonly subnetIds?: readonly string[] | undefined;
  /**
   * The phases of awsCallsFor to grant; default all but release. The controller runs no preflight
   * (it never turns source/destination checking off), so it leaves out 'startup'.
   */
  readonly phases?: readonly GrantedPhase[] | undefined;
}

/** awsCallsFor's phases that may be granted; never 'release' (see actionsOf). */
export type GrantedPhase = 'startup' | 'claim' | 'verify' | 'fence';
const ALL_PHASES: readonly GrantedPhase[] = ['startup', 'claim', 'verify', 'fence'];

/** `{ "ForAllValues:StringLike": { "aws:TagKeys": ["floatd:fence:*"] } }` */
export type IamCondition = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: IamCondition;
}

export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

/** A statement and a one-line reason, for people (the JSON document carries no comments). */
export interface ExplainedStatement {
  readonly statement: IamStatement;
  readonly why: string;
}

/** An EC2 action floatd calls that this module does not know how to scope: a bug to fix here. */
export class IamPolicyError extends FloatdError {
  override readonly code = 'FLOATD_ERR_IAM_POLICY';
}

type Family = 'describe' | 'secondaryIp' | 'elasticIp' | 'routeTable' | 'sourceDestCheck' | 'fence';

/** Statement order in the document, Sid, and why each is scoped as it is. */
const FAMILIES: readonly { family: Family; sid: string; why: string }[] = [
  {
    family: 'describe',
    sid: 'FloatdDescribe',
    why: 'preflight, read-back and fence reads: EC2 Describe* actions support no resource-level permissions, so Resource is "*"',
  },
  {
    family: 'secondaryIp',
    sid: 'FloatdSecondaryIp',
    why: 'move the secondary IP onto this host: network-interface is the only resource type of AssignPrivateIpAddresses',
  },
  {
    family: 'elasticIp',
    sid: 'FloatdElasticIp',
    why: 'point the EIP at this host: AssociateAddress is authorised on the elastic-ip and on the network-interface',
  },
  {
    family: 'routeTable',
    sid: 'FloatdRouteTables',
    why: 'route the destination to this host: route-table is the only resource type of CreateRoute/ReplaceRoute',
  },
  {
    family: 'sourceDestCheck',
    sid: 'FloatdSourceDestCheck',
    why: 'turn source/destination check off at startup (cloud.disableSourceDestCheck): network-interface',
  },
  {
    family: 'fence',
    sid: 'FloatdFenceTags',
    why: `fencing records: CreateTags only on the fence resources, and only tag keys ${FENCE_TAG_ROOT}* (aws:TagKeys)`,
  },
];

/** Agents write only their own `floatd:fence:...` keys (fence-tag.ts); never any other tag. */
const FENCE_CONDITION: IamCondition = {
  'ForAllValues:StringLike': { 'aws:TagKeys': [`${FENCE_TAG_ROOT}*`] },
};

interface Arns {
  readonly enis: readonly string[];
  of(type: string, id: string): string;
  fence(target: CloudTarget): readonly string[];
}

interface Rule {
  readonly family: Family;
  readonly resources: (target: CloudTarget, arns: Arns) => readonly string[];
  readonly condition?: IamCondition;
}

const ANY = (): readonly string[] => ['*'];
const ENI = (_target: CloudTarget, arns: Arns): readonly string[] => arns.enis;
const describe: Rule = { family: 'describe', resources: ANY };
const secondaryIp: Rule = { family: 'secondaryIp', resources: ENI };
// Optional resource types are authorised when the request involves them: the EIP and our ENI.
const elasticIp: Rule = {
  family: 'elasticIp',
  resources: (target, arns) =>
    target.kind === 'elastic-ip'
      ? [arns.of('elastic-ip', target.allocationId), ...arns.enis]
      : arns.enis,
};
const routeTable: Rule = {
  family: 'routeTable',
  resources: (target, arns) =>
    target.kind === 'route-table'
      ? target.routeTableIds.map((id) => arns.of('route-table', id))
      : [],
};

/** Every EC2 action awsCallsFor may name, with its resource types (see the header's page). */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['DescribeAddresses', describe],
  ['DescribeInstances', describe], // the EC2 peer probe (unicast.probe: ec2)
  ['DescribeNetworkInterfaceAttribute', describe],
  ['DescribeNetworkInterfaces', describe],
  ['DescribeRouteTables', describe],
  ['DescribeTags', describe],
  ['AssignPrivateIpAddresses', secondaryIp], // network-interface*
  ['UnassignPrivateIpAddresses', secondaryIp], // network-interface*
  ['AssociateAddress', elasticIp], // elastic-ip, instance, network-interface
  ['DisassociateAddress', elasticIp], // elastic-ip, network-interface
  ['CreateRoute', routeTable], // route-table*
  ['ReplaceRoute', routeTable], // route-table*
  // network-interface* (instance, security-group, subnet only when the request changes them)
  ['ModifyNetworkInterfaceAttribute', { family: 'sourceDestCheck', resources: ENI }],
  // elastic-ip, route-table, subnet, ... each with aws:TagKeys
  [
    'CreateTags',
    {
      family: 'fence',
      resources: (target, arns) => arns.fence(target),
      condition: FENCE_CONDITION,
    },
  ],
]);

/** The statements for these targets, in a stable order, each with why it is scoped so. */
export function iamPolicyStatements(
  targets: readonly CloudTarget[],
  options: IamPolicyOptions = {},
): ExplainedStatement[] {
  const arns = arnBuilder(options);
  // action -> its rule and the union of its resources over every target that calls it
  const byAction = new Map<string, { rule: Rule; resources: Set<string> }>();
  // The options' own calls (the EC2 peer probe) are read-only Describe*: "*" for any target.
  const called: [CloudTarget | undefined, string][] = [
    ...targets.flatMap((target) =>
      [...actionsOf(target, options)].map((action): [CloudTarget, string] => [target, action]),
    ),
    ...peerProbeCallsFor(options).map((action): [undefined, string] => [undefined, action]),
  ];
  for (const [target, action] of called) {
    const rule = RULES.get(action);
    if (rule === undefined) {
      throw new IamPolicyError(
        `floatd calls ec2:${action} but iam-policy.ts does not know its resource types; add it`,
      );
    }
    const entry = byAction.get(action) ?? { rule, resources: new Set<string>() };
    const resources = target === undefined ? ANY() : rule.resources(target, arns);
    for (const resource of resources) entry.resources.add(resource);
    byAction.set(action, entry);
  }
  // Actions with the same family, resources and condition share one statement.
  const groups = new Map<string, { rule: Rule; resources: string[]; actions: string[] }>();
  for (const [action, { rule, resources }] of byAction) {
    const sorted = [...resources].sort();
    const key = JSON.stringify([rule.family, sorted, rule.condition ?? null]);
    const group = groups.get(key) ?? { rule, resources: sorted, actions: [] };
    group.actions.push(`ec2:${action}`);
    groups.set(key, group);
  }
  const explained: ExplainedStatement[] = [];
  for (const { family, sid, why } of FAMILIES) {
    const inFamily = [...groups.values()]
      .filter((group) => group.rule.family === family)
      .map((group) => ({ ...group, actions: group.actions.sort() }))
      .sort((a, b) => (a.actions[0] ?? '').localeCompare(b.actions[0] ?? ''));
    inFamily.forEach((group, i) => {
      const statement: IamStatement = {
        Sid: i === 0 ? sid : `${sid}${i + 1}`,
        Effect: 'Allow',
        Action: group.actions,
        Resource: group.resources,
        ...(group.rule.condition === undefined ? {} : { Condition: group.rule.condition }),
      };
      explained.push({ statement, why });
    });
  }
  return explained;
}

/** The policy document (`aws iam put-role-policy --policy-document file://...`). */
export function iamPolicyFor(
  targets: readonly CloudTarget[],
  options: IamPolicyOptions = {},
): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: iamPolicyStatements(targets, options).map((s) => s.statement),
  };
}

function actionsOf(target: CloudTarget, options: IamPolicyOptions): Set<string> {
  const plan = awsCallsFor(target, options);
  // Not plan.release: the agent never releases a target (aws-calls.ts), so it is not granted.
  return new Set((options.phases ?? ALL_PHASES).flatMap((phase) => plan[phase]));
}

function arnBuilder(options: IamPolicyOptions): Arns {
  const region = options.region ?? '*';
  const account = options.accountId ?? '*';
  const of = (type: string, id: string): string => `arn:aws:ec2:${region}:${account}:${type}/${id}`;
  const several = (ids: readonly string[] | undefined, one: string | undefined): string[] =>
    ids !== undefined && ids.length > 0 ? [...ids] : [one ?? '*'];
  const subnets = several(options.subnetIds, options.subnetId);
  return {
    of,
    enis: several(options.networkInterfaceIds, options.networkInterfaceId).map((id) =>
      of('network-interface', id),
    ),
    // The record lives where fence-tag.ts puts it: our subnet, the EIP, the first route table.
    fence(target) {
      switch (target.kind) {
        case 'secondary-ip':
          return subnets.map((subnet) => of('subnet', fenceResourceId(target, subnet)));
        case 'elastic-ip':
          return [of('elastic-ip', fenceResourceId(target, '*'))];
        case 'route-table':
          return [of('route-table', fenceResourceId(target, '*'))];
      }
    },
  };
}

// The serverless controller's least-privilege EC2 policy, from the same call list as `floatd plan`
// (aws-calls.ts through iam-policy.ts): for every group's targets the claim, the read-back and
// the fence calls. Not the agent's startup phase: the controller runs no preflight and never
// turns source/destination checking off (terraform does, on the ENIs). Not release: like an
// agent, it moves a target to the next holder and never gives one up. Resources name every
// candidate's ENI (a target may move to any of them) and every candidate's subnet (where a
// secondary IP's fence records live, fence-tag.ts). Terraform renders the same document from
// templates generated with this function (infra/terraform/generate.ts; test/infra/ keeps them equal).
import {
  iamPolicyStatements,
  IamPolicyError,
  type IamPolicyDocument,
  type IamStatement,
} from '../aws/iam-policy.js';
import type { ControllerConfig } from './config.js';

export interface ControllerPolicyOptions {
  /** Region in the ARNs; default the configuration's region. */
  readonly region?: string | undefined;
  /** 12-digit account id in the ARNs; default '*' (any). */
  readonly accountId?: string | undefined;
}

/**
 * On an EC2 state-change event the controller reads the instance's state back
 * (DescribeInstances) before it acts on it: Describe* actions support no resource-level
 * permissions, so it joins the Describe statement (Resource "*").
 */
export const CONTROLLER_EXTRA_DESCRIBE = 'ec2:DescribeInstances';
const DESCRIBE_SID = 'FloatdDescribe';

export function controllerPolicyFor(
  config: Pick<ControllerConfig, 'region' | 'groups'>,
  options: ControllerPolicyOptions = {},
): IamPolicyDocument {
  const candidates = config.groups.flatMap((group) => group.candidates);
  const statements = iamPolicyStatements(
    config.groups.flatMap((group) => group.targets),
    {
      region: options.region ?? config.region,
      accountId: options.accountId,
      networkInterfaceIds: unique(candidates.map((c) => c.networkInterfaceId)),
      subnetIds: unique(candidates.map((c) => c.subnetId)),
      phases: ['claim', 'verify', 'fence'],
    },
  ).map(({ statement }) => statement);
  if (!statements.some((s) => s.Sid === DESCRIBE_SID)) {
    throw new IamPolicyError(`the controller's policy has no ${DESCRIBE_SID} statement to extend`);
  }
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement): IamStatement =>
      statement.Sid === DESCRIBE_SID
        ? { ...statement, Action: unique([...statement.Action, CONTROLLER_EXTRA_DESCRIBE]) }
        : statement,
    ),
  };
}

/** Sorted without duplicates: two candidates may share a subnet. */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

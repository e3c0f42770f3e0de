// The controller's EC2 policy: claim, read-back and fence calls of awsCallsFor for every group's
// targets (no startup, no release), resources scoped to every candidate's ENI and subnet, and
// DescribeInstances for the state-change events.
import { describe, expect, it } from 'vitest';

import { awsCallsFor } from '../../../../src/cloud/aws/aws-calls.js';
import type { ControllerConfig } from '../../../../src/cloud/controller/config.js';
import { controllerPolicyFor } from '../../../../src/cloud/controller/iam-policy.js';
import type { Candidate, ControllerGroup } from '../../../../src/cloud/controller/logic/types.js';
import type { CloudTarget } from '../../../../src/cloud/target.js';

const ARN = 'arn:aws:ec2:eu-west-1:123456789012';
const FENCE_CONDITION = { 'ForAllValues:StringLike': { 'aws:TagKeys': ['floatd:fence:*'] } };

const candidate = (n: number, subnetId: string): Candidate => ({
  instanceId: `i-0000000${n}`.padEnd(10, '0'),
  networkInterfaceId: `eni-0000000${n}`,
  subnetId,
  priority: 100 + n,
  address: `10.0.1.${10 + n}`,
});

const secondaryIp: CloudTarget = { kind: 'secondary-ip', address: '10.0.1.50' };
const elasticIp: CloudTarget = {
  kind: 'elastic-ip',
  allocationId: 'eipalloc-0123456789abcdef0',
  privateIp: '10.0.1.50',
};
const routeTable: CloudTarget = {
  kind: 'route-table',
  routeTableIds: ['rtb-22222222', 'rtb-11111111'],
  destinationCidr: '192.168.100.10/32',
};

function config(targets: CloudTarget[], candidates: Candidate[]): ControllerConfig {
  const group: ControllerGroup = {
    name: 'web',
    targets,
    candidates,
    health: {
      check: { type: 'tcp', port: 80 },
      intervalMs: 5000,
      timeoutMs: 2000,
      rise: 2,
      fall: 3,
    },
    preempt: true,
    preemptHoldDownMs: 60_000,
  };
  return {
    region: 'eu-west-1',
    controllerId: 'floatd-controller',
    schedulePeriodMs: 60_000,
    fenceLeaseMs: 15_000,
    groups: [group],
  };
}

describe('controllerPolicyFor', () => {
  it('every target type, two candidates in two subnets: each ENI and each subnet, nothing else', () => {
    const policy = controllerPolicyFor(
      config(
        [secondaryIp, elasticIp, routeTable],
        [candidate(2, 'subnet-0000000b'), candidate(1, 'subnet-0000000a')],
      ),
      { accountId: '123456789012' },
    );
    const enis = [`${ARN}:network-interface/eni-00000001`, `${ARN}:network-interface/eni-00000002`];
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'FloatdDescribe',
          Effect: 'Allow',
          Action: [
            'ec2:DescribeAddresses',
            'ec2:DescribeInstances',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeRouteTables',
            'ec2:DescribeTags',
          ],
          Resource: ['*'],
        },
        {
          Sid: 'FloatdSecondaryIp',
          Effect: 'Allow',
          Action: ['ec2:AssignPrivateIpAddresses'],
          Resource: enis,
        },
        {
          Sid: 'FloatdElasticIp',
          Effect: 'Allow',
          Action: ['ec2:AssociateAddress'],
          Resource: [`${ARN}:elastic-ip/eipalloc-0123456789abcdef0`, ...enis],
        },
        {
          Sid: 'FloatdRouteTables',
          Effect: 'Allow',
          Action: ['ec2:CreateRoute', 'ec2:ReplaceRoute'],
          Resource: [`${ARN}:route-table/rtb-11111111`, `${ARN}:route-table/rtb-22222222`],
        },
        {
          Sid: 'FloatdFenceTags',
          Effect: 'Allow',
          Action: ['ec2:CreateTags'],
          // The route target's records live on its first route table (fence-tag.ts).
          Resource: [
            `${ARN}:elastic-ip/eipalloc-0123456789abcdef0`,
            `${ARN}:route-table/rtb-22222222`,
            `${ARN}:subnet/subnet-0000000a`,
            `${ARN}:subnet/subnet-0000000b`,
          ],
          Condition: FENCE_CONDITION,
        },
      ],
    });
  });

  it('grants no startup-only and no release call: no preflight, nothing given up', () => {
    const policy = controllerPolicyFor(
      config(
        [secondaryIp, elasticIp, routeTable],
        [candidate(1, 'subnet-0000000a'), candidate(2, 'subnet-0000000a')],
      ),
    );
    const granted = policy.Statement.flatMap((s) => s.Action);
    for (const action of [
      'ec2:DescribeNetworkInterfaceAttribute',
      'ec2:ModifyNetworkInterfaceAttribute',
      'ec2:UnassignPrivateIpAddresses',
      'ec2:DisassociateAddress',
    ]) {
      expect(granted).not.toContain(action);
    }
    // Every claim, read-back and fence call is granted (one source of truth: awsCallsFor).
    for (const target of [secondaryIp, elasticIp, routeTable]) {
      const plan = awsCallsFor(target);
      for (const action of [...plan.claim, ...plan.verify, ...plan.fence]) {
        expect(granted).toContain(`ec2:${action}`);
      }
    }
  });

  it('candidates sharing a subnet name it once; region and account default to the config and *', () => {
    const policy = controllerPolicyFor(
      config([secondaryIp], [candidate(1, 'subnet-0000000a'), candidate(2, 'subnet-0000000a')]),
    );
    const fence = policy.Statement.find((s) => s.Sid === 'FloatdFenceTags');
    expect(fence?.Resource).toEqual(['arn:aws:ec2:eu-west-1:*:subnet/subnet-0000000a']);
  });

  it('several groups: the union of their targets and candidates', () => {
    const one = config(
      [secondaryIp],
      [candidate(1, 'subnet-0000000a'), candidate(2, 'subnet-0000000a')],
    );
    const two = config(
      [routeTable],
      [candidate(3, 'subnet-0000000c'), candidate(4, 'subnet-0000000c')],
    );
    const both: ControllerConfig = { ...one, groups: [...one.groups, ...two.groups] };
    const policy = controllerPolicyFor(both, { region: 'us-east-1' });
    const assign = policy.Statement.find((s) => s.Sid === 'FloatdSecondaryIp');
    expect(assign?.Resource).toHaveLength(4);
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'FloatdDescribe',
      'FloatdSecondaryIp',
      'FloatdRouteTables',
      'FloatdFenceTags',
    ]);
    expect(JSON.stringify(policy)).not.toContain('eu-west-1');
  });
});

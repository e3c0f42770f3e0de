// The IAM policy grants ec2:DescribeInstances (Resource "*": EC2 Describe* actions have no
// resource-level permissions) if and only if some instance uses unicast.probe: ec2, which asks
// DescribeInstances whether the peer's instance runs (issue 14, Build 4).
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/agent/cli/plan-command.js';
import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { awsActionsFor } from '../../../src/cloud/aws/aws-calls.js';
import { iamPolicyFor, type IamPolicyDocument } from '../../../src/cloud/aws/iam-policy.js';
import type { CloudTarget } from '../../../src/cloud/target.js';

const TARGETS: CloudTarget[] = [
  { kind: 'secondary-ip', address: '10.0.1.50' },
  { kind: 'elastic-ip', allocationId: 'eipalloc-0123456789abcdef0', privateIp: '10.0.1.50' },
  { kind: 'route-table', routeTableIds: ['rtb-0123456789abcdef0'], destinationCidr: '10.9.0.1/32' },
];

function describeInstancesStatements(policy: IamPolicyDocument | null) {
  return (policy?.Statement ?? []).filter((s) => s.Action.includes('ec2:DescribeInstances'));
}

function config(probe: string, targets: boolean): string {
  return [
    'cloud: {}',
    'instances:',
    '  - name: web',
    '    vrid: 51',
    '    interface: eth0',
    '    vips: [10.0.1.50/24]',
    '    mode: unicast',
    `    unicast: { peers: [10.0.1.12]${probe} }`,
    ...(targets ? ['    cloud: [{ type: secondary-ip }]'] : []),
    '',
  ].join('\n');
}

describe('IAM policy and the EC2 peer probe', () => {
  it('has no DescribeInstances for any target without the probe', () => {
    for (const target of TARGETS) {
      expect(describeInstancesStatements(iamPolicyFor([target]))).toEqual([]);
      expect(awsActionsFor([target])).not.toContain('DescribeInstances');
    }
  });

  it('grants DescribeInstances on "*" in the Describe statement with the probe', () => {
    for (const target of TARGETS) {
      const policy = iamPolicyFor([target], { ec2PeerProbe: true });
      const statements = describeInstancesStatements(policy);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Sid: 'FloatdDescribe', Resource: ['*'] });
      expect(awsActionsFor([target], { ec2PeerProbe: true })).toContain('DescribeInstances');
      // Nothing else changes.
      const without = iamPolicyFor([target]).Statement;
      const withProbe = policy.Statement.map((s) => ({
        ...s,
        Action: s.Action.filter((a) => a !== 'ec2:DescribeInstances'),
      }));
      expect(withProbe).toEqual(without);
    }
  });

  it('floatd plan: DescribeInstances iff an instance uses probe: ec2', () => {
    const plan = (text: string) => buildPlan(parseConfigText(text, 'f.yaml'), 'f.yaml').plan;
    for (const probe of ['', ', probe: icmp', ', probe: { tcp: 22 }', ', probe: off']) {
      const { policy, actions } = plan(config(probe, true));
      expect(describeInstancesStatements(policy)).toEqual([]);
      expect(actions).not.toContain('DescribeInstances');
      // No target, no EC2 probe: no EC2 calls, no policy.
      expect(plan(config(probe, false)).policy).toBeNull();
    }
    const withTargets = plan(config(', probe: ec2', true));
    expect(withTargets.actions).toContain('DescribeInstances');
    expect(describeInstancesStatements(withTargets.policy)).toHaveLength(1);
    // The probe alone calls EC2: the policy is exactly DescribeInstances.
    const probeOnly = plan(config(', probe: ec2', false));
    expect(probeOnly.actions).toEqual(['DescribeInstances']);
    expect(probeOnly.policy?.Statement).toEqual([
      {
        Sid: 'FloatdDescribe',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances'],
        Resource: ['*'],
      },
    ]);
  });
});

// The IAM policy for floatd's EC2 calls: exact actions, resources and conditions per target type,
// merged without duplicates, ARNs with and without region/account, and always exactly the
// actions awsCallsFor names (one source of truth).
import { afterEach, describe, expect, it, vi } from 'vitest';

import { awsActionsFor } from '../../../src/cloud/aws/aws-calls.js';
import {
  iamPolicyFor,
  iamPolicyStatements,
  type IamStatement,
} from '../../../src/cloud/aws/iam-policy.js';
import type {
  CloudTarget,
  ElasticIpTarget,
  RouteTableTarget,
  SecondaryIpTarget,
} from '../../../src/cloud/target.js';

const secondaryIp: SecondaryIpTarget = { kind: 'secondary-ip', address: '10.0.1.50' };
const elasticIp: ElasticIpTarget = {
  kind: 'elastic-ip',
  allocationId: 'eipalloc-0123456789abcdef0',
  privateIp: '10.0.1.50',
};
const routeTable: RouteTableTarget = {
  kind: 'route-table',
  routeTableIds: ['rtb-0123456789abcdef0', 'rtb-11111111'],
  destinationCidr: '192.168.100.10/32',
};

const ANY = 'arn:aws:ec2:*:*';
const FENCE_CONDITION = { 'ForAllValues:StringLike': { 'aws:TagKeys': ['floatd:fence:*'] } };

describe('iamPolicyFor: one target type at a time', () => {
  it('secondary-ip: Assign on any ENI, fence tags on the subnet', () => {
    expect(iamPolicyFor([secondaryIp])).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'FloatdDescribe',
          Effect: 'Allow',
          Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags'],
          Resource: ['*'],
        },
        {
          Sid: 'FloatdSecondaryIp',
          Effect: 'Allow',
          Action: ['ec2:AssignPrivateIpAddresses'],
          Resource: [`${ANY}:network-interface/*`],
        },
        {
          Sid: 'FloatdFenceTags',
          Effect: 'Allow',
          Action: ['ec2:CreateTags'],
          Resource: [`${ANY}:subnet/*`],
          Condition: FENCE_CONDITION,
        },
      ],
    });
  });

  it('elastic-ip: Associate on the EIP and the ENI, fence tags on the EIP', () => {
    expect(iamPolicyFor([elasticIp]).Statement).toEqual([
      {
        Sid: 'FloatdDescribe',
        Effect: 'Allow',
        Action: ['ec2:DescribeAddresses', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags'],
        Resource: ['*'],
      },
      {
        Sid: 'FloatdElasticIp',
        Effect: 'Allow',
        Action: ['ec2:AssociateAddress'],
        Resource: [`${ANY}:elastic-ip/eipalloc-0123456789abcdef0`, `${ANY}:network-interface/*`],
      },
      {
        Sid: 'FloatdFenceTags',
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: [`${ANY}:elastic-ip/eipalloc-0123456789abcdef0`],
        Condition: FENCE_CONDITION,
      },
    ]);
  });

  it('route-table: Create/ReplaceRoute on each listed table, fence tags on the first', () => {
    expect(iamPolicyFor([routeTable]).Statement).toEqual([
      {
        Sid: 'FloatdDescribe',
        Effect: 'Allow',
        Action: [
          'ec2:DescribeNetworkInterfaceAttribute',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeRouteTables',
          'ec2:DescribeTags',
        ],
        Resource: ['*'],
      },
      {
        Sid: 'FloatdRouteTables',
        Effect: 'Allow',
        Action: ['ec2:CreateRoute', 'ec2:ReplaceRoute'],
        Resource: [`${ANY}:route-table/rtb-0123456789abcdef0`, `${ANY}:route-table/rtb-11111111`],
      },
      {
        Sid: 'FloatdFenceTags',
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: [`${ANY}:route-table/rtb-0123456789abcdef0`],
        Condition: FENCE_CONDITION,
      },
    ]);
  });

  it('route-table with disableSourceDestCheck: ModifyNetworkInterfaceAttribute on the ENI only', () => {
    const statements = iamPolicyFor([routeTable], { disableSourceDestCheck: true }).Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      'FloatdDescribe',
      'FloatdRouteTables',
      'FloatdSourceDestCheck',
      'FloatdFenceTags',
    ]);
    expect(statements[2]).toEqual({
      Sid: 'FloatdSourceDestCheck',
      Effect: 'Allow',
      Action: ['ec2:ModifyNetworkInterfaceAttribute'],
      Resource: [`${ANY}:network-interface/*`],
    });
    // Not needed without a route target, whatever the option says.
    expect(
      actionsIn(iamPolicyFor([secondaryIp], { disableSourceDestCheck: true }).Statement),
    ).not.toContain('ec2:ModifyNetworkInterfaceAttribute');
  });

  it('no targets: no statements', () => {
    expect(iamPolicyFor([])).toEqual({ Version: '2012-10-17', Statement: [] });
  });
});

describe('ARNs', () => {
  it('carry the region, account, ENI and subnet when given', () => {
    const policy = iamPolicyFor([secondaryIp, elasticIp, routeTable], {
      region: 'eu-west-1',
      accountId: '123456789012',
      networkInterfaceId: 'eni-0a1b2c3d4e5f60718',
      subnetId: 'subnet-0fedcba987654321',
      disableSourceDestCheck: true,
    });
    const scoped = 'arn:aws:ec2:eu-west-1:123456789012';
    const bySid = new Map(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.get('FloatdSecondaryIp')?.Resource).toEqual([
      `${scoped}:network-interface/eni-0a1b2c3d4e5f60718`,
    ]);
    expect(bySid.get('FloatdElasticIp')?.Resource).toEqual([
      `${scoped}:elastic-ip/eipalloc-0123456789abcdef0`,
      `${scoped}:network-interface/eni-0a1b2c3d4e5f60718`,
    ]);
    expect(bySid.get('FloatdSourceDestCheck')?.Resource).toEqual([
      `${scoped}:network-interface/eni-0a1b2c3d4e5f60718`,
    ]);
    expect(bySid.get('FloatdFenceTags')?.Resource).toEqual([
      `${scoped}:elastic-ip/eipalloc-0123456789abcdef0`,
      `${scoped}:route-table/rtb-0123456789abcdef0`,
      `${scoped}:subnet/subnet-0fedcba987654321`,
    ]);
    expect(bySid.get('FloatdDescribe')?.Resource).toEqual(['*']);
    // Only the Describe statement is unscoped.
    const arns = policy.Statement.flatMap((s) => s.Resource).filter((r) => r !== '*');
    expect(arns.every((arn) => arn.startsWith(`${scoped}:`))).toBe(true);
  });

  it('default region and account to "*" independently', () => {
    const regionOnly = iamPolicyFor([routeTable], { region: 'us-east-2' }).Statement[1];
    expect(regionOnly?.Resource[0]).toBe(
      'arn:aws:ec2:us-east-2:*:route-table/rtb-0123456789abcdef0',
    );
    const accountOnly = iamPolicyFor([routeTable], { accountId: '210987654321' }).Statement[1];
    expect(accountOnly?.Resource[0]).toBe(
      'arn:aws:ec2:*:210987654321:route-table/rtb-0123456789abcdef0',
    );
  });
});

describe('merging targets of several instances', () => {
  const second: ElasticIpTarget = {
    kind: 'elastic-ip',
    allocationId: 'eipalloc-99999999',
    privateIp: '10.0.1.60',
  };
  const otherRoutes: RouteTableTarget = {
    kind: 'route-table',
    routeTableIds: ['rtb-11111111', 'rtb-22222222'],
    destinationCidr: '192.168.100.20/32',
  };
  const targets: CloudTarget[] = [
    secondaryIp,
    elasticIp,
    routeTable,
    { kind: 'secondary-ip', address: '10.0.1.50' }, // the same target again, from another instance
    second,
    otherRoutes,
    { kind: 'secondary-ip', address: '10.0.1.60' },
  ];
  const statements = iamPolicyFor(targets, { disableSourceDestCheck: true }).Statement;

  it('gives one statement per kind of grant, each action in exactly one', () => {
    const sids = statements.map((s) => s.Sid);
    expect(sids).toEqual([
      'FloatdDescribe',
      'FloatdSecondaryIp',
      'FloatdElasticIp',
      'FloatdRouteTables',
      'FloatdSourceDestCheck',
      'FloatdFenceTags',
    ]);
    const actions = actionsIn(statements);
    expect(actions).toEqual([...new Set(actions)]);
  });

  it('unions resources without duplicates, sorted', () => {
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    expect(bySid.get('FloatdSecondaryIp')?.Resource).toEqual([`${ANY}:network-interface/*`]);
    expect(bySid.get('FloatdElasticIp')?.Resource).toEqual([
      `${ANY}:elastic-ip/eipalloc-0123456789abcdef0`,
      `${ANY}:elastic-ip/eipalloc-99999999`,
      `${ANY}:network-interface/*`,
    ]);
    expect(bySid.get('FloatdRouteTables')?.Resource).toEqual([
      `${ANY}:route-table/rtb-0123456789abcdef0`,
      `${ANY}:route-table/rtb-11111111`,
      `${ANY}:route-table/rtb-22222222`,
    ]);
    // Fence records: the subnet once, each EIP, each target's first route table.
    expect(bySid.get('FloatdFenceTags')?.Resource).toEqual([
      `${ANY}:elastic-ip/eipalloc-0123456789abcdef0`,
      `${ANY}:elastic-ip/eipalloc-99999999`,
      `${ANY}:route-table/rtb-0123456789abcdef0`,
      `${ANY}:route-table/rtb-11111111`,
      `${ANY}:subnet/*`,
    ]);
  });

  it('is the same whatever the order of the targets', () => {
    expect(
      iamPolicyFor([...targets].reverse(), { disableSourceDestCheck: true }).Statement,
    ).toEqual(statements);
  });
});

describe('one source of truth', () => {
  const combos: [string, CloudTarget[], boolean][] = [
    ['secondary-ip', [secondaryIp], false],
    ['elastic-ip', [elasticIp], false],
    ['route-table', [routeTable], false],
    ['route-table, disableSourceDestCheck', [routeTable], true],
    ['all three', [secondaryIp, elasticIp, routeTable], true],
  ];

  it.each(combos)('%s: allows exactly the actions awsCallsFor names', (_name, targets, off) => {
    const options = { disableSourceDestCheck: off };
    const allowed = actionsIn(iamPolicyFor(targets, options).Statement)
      .map((a) => a.replace(/^ec2:/, ''))
      .sort();
    expect(allowed).toEqual(awsActionsFor(targets, options));
  });

  it('gives every statement a valid Sid, resources, and a reason for people', () => {
    const explained = iamPolicyStatements([secondaryIp, elasticIp, routeTable], {
      disableSourceDestCheck: true,
    });
    for (const { statement, why } of explained) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/); // IAM's Sid alphabet
      expect(statement.Resource.length).toBeGreaterThan(0);
      expect(why.length).toBeGreaterThan(20);
      expect(JSON.stringify(statement)).not.toContain('why');
    }
  });
});

describe('an action iam-policy.ts cannot scope', () => {
  afterEach(() => {
    vi.doUnmock('../../../src/cloud/aws/aws-calls.js');
    vi.resetModules();
  });

  it('is an error naming it, never a silent "*"', async () => {
    vi.resetModules();
    vi.doMock('../../../src/cloud/aws/aws-calls.js', () => ({
      awsCallsFor: () => ({
        startup: ['DescribeNetworkInterfaces'],
        claim: ['RunInstances'],
        verify: [],
        fence: [],
        release: [],
      }),
    }));
    const mod = await import('../../../src/cloud/aws/iam-policy.js');
    let caught: unknown;
    try {
      mod.iamPolicyFor([secondaryIp]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(mod.IamPolicyError);
    expect((caught as { code?: string }).code).toBe('FLOATD_ERR_IAM_POLICY');
    expect((caught as Error).message).toMatch(/ec2:RunInstances/);
  });
});

function actionsIn(statements: readonly IamStatement[]): string[] {
  return statements.flatMap((s) => [...s.Action]);
}

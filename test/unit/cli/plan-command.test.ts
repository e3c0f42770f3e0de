// `floatd plan -c FILE`: the EC2 calls per target and phase, the IAM policy, --json,
// --policy-only, --help, and a bad config failing exactly like `floatd validate`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runPlan, type CloudPlan } from '../../../src/agent/cli/plan-command.js';
import { runValidate } from '../../../src/agent/cli/validate-command.js';
import { awsActionsFor } from '../../../src/cloud/aws/aws-calls.js';
import { iamPolicyFor, type IamPolicyDocument } from '../../../src/cloud/aws/iam-policy.js';
import type { CloudTarget } from '../../../src/cloud/target.js';

type Run = (
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
) => Promise<number>;

async function capture(
  command: Run,
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await command(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

const plan = (argv: string[]) => capture(runPlan, argv);

/** One instance "web" (VIP 10.0.1.50) with these `cloud:` lines, plus a top-level `cloud:`. */
function config(targets: string[], top: string[] = [], extra = ''): string {
  return [
    ...(top.length > 0 ? ['cloud:', ...top.map((l) => `  ${l}`)] : []),
    'instances:',
    '  - name: web',
    '    vrid: 51',
    '    interface: eth0',
    '    vips: [10.0.1.50/24]',
    ...(targets.length > 0 ? ['    cloud:', ...targets.map((l) => `      ${l}`)] : []),
    extra,
    '',
  ].join('\n');
}

const SECONDARY = ['- type: secondary-ip'];
const ELASTIC = ['- type: elastic-ip', '  allocationId: eipalloc-0123456789abcdef0'];
const ROUTES = [
  '- type: route-table',
  '  routeTableIds: [rtb-0123456789abcdef0, rtb-11111111]',
  '  destination: 192.168.100.10/32',
];
const DB_WITHOUT_TARGETS = [
  '  - name: db',
  '    vrid: 52',
  '    interface: eth0',
  '    vips: [10.0.1.60/24]',
].join('\n');

describe('floatd plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (text: string): string => {
    const path = join(dir, `c${n++}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const json = async (argv: string[]): Promise<CloudPlan> => {
    const result = await plan(argv);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as CloudPlan;
  };

  describe('per target type (--json phases)', () => {
    it('secondary-ip', async () => {
      const out = await json(['-c', file(config(SECONDARY)), '--json']);
      const target = out.instances[0]?.targets[0];
      expect(target?.target).toBe('secondary-ip:10.0.1.50');
      expect(target?.phases).toEqual({
        startup: ['DescribeNetworkInterfaces'],
        onMaster: ['AssignPrivateIpAddresses', 'CreateTags'],
        readBack: ['DescribeTags', 'DescribeNetworkInterfaces'],
        whileMaster: ['DescribeTags', 'CreateTags', 'DescribeNetworkInterfaces'],
        release: [],
      });
    });

    it('elastic-ip', async () => {
      const out = await json(['-c', file(config(ELASTIC)), '--json']);
      expect(out.instances[0]?.targets[0]?.phases).toEqual({
        startup: ['DescribeNetworkInterfaces', 'DescribeAddresses'],
        onMaster: ['AssociateAddress', 'CreateTags'],
        readBack: ['DescribeTags', 'DescribeAddresses'],
        whileMaster: ['DescribeTags', 'CreateTags', 'DescribeAddresses'],
        release: [],
      });
    });

    it('route-table, with source/destination check turned off at startup', async () => {
      const out = await json([
        '-c',
        file(config(ROUTES, ['disableSourceDestCheck: true'])),
        '--json',
      ]);
      expect(out.instances[0]?.targets[0]?.phases).toEqual({
        startup: [
          'DescribeNetworkInterfaces',
          'DescribeRouteTables',
          'DescribeNetworkInterfaceAttribute',
          'ModifyNetworkInterfaceAttribute',
        ],
        onMaster: ['ReplaceRoute', 'CreateRoute', 'CreateTags'],
        readBack: ['DescribeTags', 'DescribeRouteTables'],
        whileMaster: ['DescribeTags', 'CreateTags', 'DescribeRouteTables'],
        release: [],
      });
    });
  });

  it('--json: one object with every action, the calls verbatim, and the policy', async () => {
    const path = file(
      config([...SECONDARY, ...ELASTIC, ...ROUTES], ['region: eu-west-1'], DB_WITHOUT_TARGETS),
    );
    const out = await json(['-c', path, '--json', '--account', '123456789012']);
    const targets: CloudTarget[] = [
      { kind: 'secondary-ip', address: '10.0.1.50' },
      { kind: 'elastic-ip', allocationId: 'eipalloc-0123456789abcdef0', privateIp: '10.0.1.50' },
      {
        kind: 'route-table',
        routeTableIds: ['rtb-0123456789abcdef0', 'rtb-11111111'],
        destinationCidr: '192.168.100.10/32',
      },
    ];
    expect(out.file).toBe(path);
    expect(out.actions).toEqual(awsActionsFor(targets));
    expect(out.arnScope).toEqual({ region: 'eu-west-1', accountId: '123456789012' });
    expect(out.policy).toEqual(
      iamPolicyFor(targets, { region: 'eu-west-1', accountId: '123456789012' }),
    );
    expect(out.instances.map((i) => [i.name, i.vrid, i.targets.length])).toEqual([
      ['web', 51, 3],
      ['db', 52, 0],
    ]);
    expect(out.instances[0]?.targets[1]?.calls).toEqual({
      startup: ['DescribeNetworkInterfaces', 'DescribeAddresses'],
      claim: ['AssociateAddress'],
      verify: ['DescribeAddresses'],
      fence: ['DescribeTags', 'CreateTags'],
      release: ['DescribeAddresses', 'DisassociateAddress'],
    });
  });

  it('--policy-only: just the policy document, ready for put-role-policy', async () => {
    const path = file(
      config(SECONDARY, [
        'networkInterfaceId: eni-0a1b2c3d4e5f60718',
        'subnetId: subnet-0fedcba987654321',
      ]),
    );
    const result = await plan(['--config', path, '--policy-only', '--region', 'us-east-2']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const policy = JSON.parse(result.stdout) as IamPolicyDocument;
    expect(policy).toEqual(
      iamPolicyFor([{ kind: 'secondary-ip', address: '10.0.1.50' }], {
        region: 'us-east-2',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60718',
        subnetId: 'subnet-0fedcba987654321',
      }),
    );
    expect(JSON.stringify(policy)).toContain(
      'arn:aws:ec2:us-east-2:*:network-interface/eni-0a1b2c3d4e5f60718',
    );
    expect(JSON.stringify(policy)).toContain(
      'arn:aws:ec2:us-east-2:*:subnet/subnet-0fedcba987654321',
    );
  });

  it('prints a readable plan: phases per target, a reason per statement, then the policy', async () => {
    const path = file(
      config(
        ROUTES,
        ['recheckInterval: 2s', 'networkInterfaceId: eni-0a1b2c3d4e5f60718'],
        DB_WITHOUT_TARGETS,
      ),
    );
    const result = await plan(['-c', path]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    const at = lines.indexOf('  route-table:192.168.100.10/32@rtb-0123456789abcdef0,rtb-11111111');
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe('instance web (vrid 51)');
    expect(lines.slice(at + 1, at + 7).map((l) => l.trim().replace(/\s{2,}/g, ' | '))).toEqual([
      'at startup (preflight) | DescribeNetworkInterfaces, DescribeRouteTables, DescribeNetworkInterfaceAttribute',
      'on MASTER: claim + fence | ReplaceRoute, CreateRoute, CreateTags',
      'read back until ours | DescribeTags, DescribeRouteTables',
      'while MASTER, every 2 s | DescribeTags, CreateTags, DescribeRouteTables',
      'if another owner shows | ReplaceRoute, CreateRoute, then read back',
      'on leaving MASTER | CreateTags (our fence record marked released); the next MASTER takes the target over',
    ]);
    expect(lines).toContain('instance db (vrid 52): no cloud targets');
    expect(lines).toContain(
      'IAM policy: least privilege for exactly these calls (ARNs: region *, account *)',
    );
    expect(result.stdout).toMatch(/^ {2}FloatdDescribe: .*Resource is "\*"$/m);
    expect(result.stdout).toMatch(/^ {2}FloatdRouteTables: .*route-table/m);
    expect(result.stdout).toMatch(/^ {2}FloatdFenceTags: .*floatd:fence:\*/m);
    expect(result.stdout).toMatch(/note: network-interface ARNs name eni-0a1b2c3d4e5f60718/);
    // The document is the last thing printed, and it is the policy (comments stay outside it).
    const policyText = result.stdout.slice(result.stdout.indexOf('\n{\n') + 1);
    expect(JSON.parse(policyText)).toEqual(
      iamPolicyFor(
        [
          {
            kind: 'route-table',
            routeTableIds: ['rtb-0123456789abcdef0', 'rtb-11111111'],
            destinationCidr: '192.168.100.10/32',
          },
        ],
        { networkInterfaceId: 'eni-0a1b2c3d4e5f60718' },
      ),
    );
  });

  describe('without any cloud target', () => {
    const path = (): string => file(config([], [], DB_WITHOUT_TARGETS));
    const message = (p: string): string =>
      `${p}: no instance has cloud targets: floatd makes no EC2 calls and needs no IAM policy\n`;

    it('says so and returns 0', async () => {
      const p = path();
      expect(await plan(['-c', p])).toEqual({ code: 0, stdout: message(p), stderr: '' });
    });

    it('--policy-only prints no document (the message goes to stderr)', async () => {
      const p = path();
      expect(await plan(['-c', p, '--policy-only'])).toEqual({
        code: 0,
        stdout: '',
        stderr: message(p),
      });
    });

    it('--json gives policy null', async () => {
      const p = path();
      const result = await plan(['-c', p, '--json']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(message(p));
      const out = JSON.parse(result.stdout) as CloudPlan;
      expect(out.policy).toBeNull();
      expect(out.actions).toEqual([]);
      expect(out.instances.map((i) => i.targets.length)).toEqual([0, 0]);
    });
  });

  it('fails on a bad config exactly like floatd validate (exit 1, file:line:col)', async () => {
    const path = file(config(['- type: elastic-ip', '  allocationId: eip-123']));
    const planned = await plan(['-c', path]);
    const validated = await capture(runValidate, ['-c', path]);
    expect(planned.code).toBe(1);
    expect(planned).toEqual(validated);
    expect(planned.stderr).toMatch(
      new RegExp(`^${escape(path)}:\\d+:\\d+: instances\\[0\\]\\.cloud\\[0\\]\\.allocationId: `),
    );
    const missing = await plan(['-c', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read: ENOENT/);
  });

  it('--help prints the usage and returns 0', async () => {
    const result = await plan(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: floatd plan -c FILE/);
    for (const option of ['--json', '--policy-only', '--region', '--account']) {
      expect(result.stdout).toContain(option);
    }
  });

  it.each([
    [[], /missing -c FILE/],
    [['-c'], /argument missing|-c/],
    [['-c', 'x.yaml', '--bogus'], /bogus/],
    [['-c', 'x.yaml', 'extra'], /unexpected argument 'extra'/],
    [['-c', 'x.yaml', '--json', '--policy-only'], /exclude each other/],
    [['-c', 'x.yaml', '--account', '1234'], /12-digit account id/],
    [['-c', 'x.yaml', '--region', 'Europe'], /expected a region/],
  ])('usage error for %j: returns 2 with the usage text', async (argv, why) => {
    const result = await plan(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toContain('Usage: floatd plan');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

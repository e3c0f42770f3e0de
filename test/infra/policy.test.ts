// The IAM policies the module renders equal floatd's own: each agent's instance profile policy is
// exactly `floatd plan --policy-only` on the configuration rendered for that instance (the CLI's
// own code path, runPlan), and the controller's EC2 policy is exactly controllerPolicyFor on the
// configuration rendered for it. Both templates are generated (infra/terraform/generate.ts) and
// must be current; rendering follows the module's HCL (lib/render.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { generatedFiles, PLACEHOLDERS } from '../../infra/terraform/policy-templates.js';
import { runPlan } from '../../src/agent/cli/plan-command.js';
import { parseControllerConfig } from '../../src/cloud/controller/config.js';
import { controllerPolicyFor } from '../../src/cloud/controller/iam-policy.js';
import { TERRAFORM_DIR } from './lib/hcl.js';
import {
  readTemplate,
  renderAgentPolicy,
  renderControllerConfig,
  renderControllerPolicy,
  renderFloatdConfig,
  renderTemplate,
  templateVariables,
  type Deployment,
} from './lib/render.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-tf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = '123456789012';

/** One subnet, every target type; ids in no particular order (sorting is part of the check). */
const oneSubnet: Deployment = {
  name: 'web',
  region: 'eu-west-1',
  account: ACCOUNT,
  networkInterfaceIds: ['eni-0bbbbbbbbbbbbbbb1', 'eni-0aaaaaaaaaaaaaaa2'],
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef0'],
  privateIps: ['10.0.1.10', '10.0.1.11'],
  instanceIds: ['i-0bbbbbbbbbbbbbbb1', 'i-0aaaaaaaaaaaaaaa2'],
  priorities: [150, 100],
  vip: '10.0.1.50/24',
  secondaryIp: true,
  allocationId: 'eipalloc-0123456789abcdef0',
  routeTableIds: ['rtb-0ffffffffffffffff', 'rtb-0123456789abcdef0'],
  routeDestination: '192.168.100.10/32',
};

/** Two AZs: no secondary IP; the EIP maps to each holder's own address; a route to an overlay VIP. */
const twoAzs: Deployment = {
  ...oneSubnet,
  subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  privateIps: ['10.0.1.10', '10.0.2.10'],
  vip: '192.168.100.10/32',
  secondaryIp: false,
  routeTableIds: ['rtb-0ffffffffffffffff'],
  routeDestination: null,
};

const only = (d: Deployment, kinds: string[]): Deployment => ({
  ...d,
  secondaryIp: kinds.includes('secondary-ip'),
  allocationId: kinds.includes('elastic-ip') ? d.allocationId : null,
  routeTableIds: kinds.includes('route-table') ? d.routeTableIds : [],
});

const deployments: [string, Deployment][] = [
  ['one subnet, every target type', oneSubnet],
  ['two AZs, elastic-ip + route-table', twoAzs],
  ['secondary-ip only', only(oneSubnet, ['secondary-ip'])],
  ['elastic-ip only', only(oneSubnet, ['elastic-ip'])],
  ['route-table only', only(oneSubnet, ['route-table'])],
  ['secondary-ip + elastic-ip', only(oneSubnet, ['secondary-ip', 'elastic-ip'])],
  ['secondary-ip + route-table', only(oneSubnet, ['secondary-ip', 'route-table'])],
];

/** `floatd plan -c FILE --policy-only --region R --account A`, through the CLI's own function. */
async function floatdPlanPolicy(config: string, region: string, account: string): Promise<unknown> {
  const file = join(dir, `floatd-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, config);
  let stdout = '';
  let stderr = '';
  const code = await runPlan(
    ['-c', file, '--policy-only', '--region', region, '--account', account],
    {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
    },
  );
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout);
}

describe('generated policy templates', () => {
  it('are current: what generate.ts writes is what is checked in', () => {
    for (const [path, text] of generatedFiles()) {
      expect(
        readFileSync(join(TERRAFORM_DIR, path), 'utf8'),
        `${path}: run npx tsx infra/terraform/generate.ts`,
      ).toBe(text);
    }
  });

  it('use only the placeholders that agent.tf and modules/controller/main.tf pass', () => {
    const agentTf = readFileSync(join(TERRAFORM_DIR, 'agent.tf'), 'utf8');
    const controllerTf = readFileSync(join(TERRAFORM_DIR, 'modules/controller/main.tf'), 'utf8');
    for (const name of Object.keys(PLACEHOLDERS)) {
      expect(agentTf, name).toMatch(
        new RegExp(`^\\s+${name}\\s+= join\\(",", \\[for id in sort\\(distinct\\(`, 'm'),
      );
      expect(controllerTf, name).toMatch(
        new RegExp(`^\\s+${name}\\s+= join\\(",", \\[for id in sort\\(distinct\\(`, 'm'),
      );
    }
    for (const path of generatedFiles().keys()) {
      for (const variable of templateVariables(readTemplate(path))) {
        expect(Object.keys(PLACEHOLDERS), `${path}: \${${variable}}`).toContain(variable);
      }
    }
  });

  it("the floatd config template uses only variables agent.tf's templatefile call passes", () => {
    const agentTf = readFileSync(join(TERRAFORM_DIR, 'agent.tf'), 'utf8');
    const call = agentTf.slice(
      agentTf.indexOf('templates/floatd.yaml.tftpl'),
      agentTf.indexOf('agent_user_data'),
    );
    for (const variable of templateVariables(readTemplate('templates/floatd.yaml.tftpl'))) {
      expect(call, variable).toMatch(new RegExp(`^\\s+${variable}\\s+=`, 'm'));
    }
    const userData = agentTf.slice(agentTf.indexOf('templates/user-data.sh.tftpl'));
    for (const variable of templateVariables(readTemplate('templates/user-data.sh.tftpl'))) {
      expect(userData, variable).toMatch(new RegExp(`^\\s+${variable}\\s+=`, 'm'));
    }
  });
});

describe('agent: the instance profile policy equals `floatd plan --policy-only` on the rendered config', () => {
  for (const [title, deployment] of deployments) {
    it(title, async () => {
      for (const i of [0, 1] as const) {
        const config = renderFloatdConfig(deployment, i);
        const rendered: unknown = JSON.parse(renderAgentPolicy(deployment, i));
        const planned = await floatdPlanPolicy(config, deployment.region, deployment.account);
        expect(rendered).toEqual(planned);
        // Scoped to this instance's own ENI: the peer's never appears.
        expect(JSON.stringify(rendered)).not.toContain(deployment.networkInterfaceIds[1 - i]);
      }
    });
  }

  it('fails when the template drifts from floatd (a widened Resource)', async () => {
    const template = readTemplate('policies/agent/secondary-ip.json.tftpl').replace(
      '${network_interface_arns}',
      '"arn:aws:ec2:*:*:network-interface/*"',
    );
    const d = only(oneSubnet, ['secondary-ip']);
    const rendered: unknown = JSON.parse(
      renderTemplate(template, {
        subnet_arns: `"arn:aws:ec2:${d.region}:${ACCOUNT}:subnet/${d.subnetIds[0]}"`,
      }),
    );
    const planned = await floatdPlanPolicy(renderFloatdConfig(d, 0), d.region, ACCOUNT);
    expect(rendered).not.toEqual(planned);
  });
});

describe('controller: the EC2 policy equals controllerPolicyFor on the rendered config', () => {
  for (const [title, deployment] of deployments.filter(
    ([, d]) => d.secondaryIp || d.allocationId === null,
  )) {
    it(title, () => {
      const json = renderControllerConfig(deployment);
      // The configuration terraform renders is one the controller accepts.
      const config = parseControllerConfig(json);
      expect(JSON.parse(renderControllerPolicy(json, ACCOUNT))).toEqual(
        controllerPolicyFor(config, { accountId: ACCOUNT }),
      );
    });
  }

  it('two groups with shared route tables and subnets: duplicates named once', () => {
    const one = JSON.parse(renderControllerConfig(oneSubnet)) as {
      groups: Record<string, unknown>[];
    };
    const two = JSON.parse(
      renderControllerConfig({
        ...oneSubnet,
        name: 'db',
        vip: '10.0.1.60/24',
        allocationId: 'eipalloc-0fedcba9876543210',
      }),
    ) as {
      groups: Record<string, unknown>[];
    };
    const json = JSON.stringify({ ...one, groups: [...one.groups, ...two.groups] });
    expect(JSON.parse(renderControllerPolicy(json, ACCOUNT))).toEqual(
      controllerPolicyFor(parseControllerConfig(json), { accountId: ACCOUNT }),
    );
  });

  it('fails when the template drifts (DescribeInstances left out)', () => {
    const json = renderControllerConfig(oneSubnet);
    const policy = JSON.parse(
      renderControllerPolicy(json, ACCOUNT).replace('"ec2:DescribeInstances",', ''),
    ) as unknown;
    expect(policy).not.toEqual(
      controllerPolicyFor(parseControllerConfig(json), { accountId: ACCOUNT }),
    );
  });
});

describe('renderTemplate follows templatefile()', () => {
  it('refuses a variable it was not given, and anything but plain variables', () => {
    expect(() => renderTemplate('${a}', {})).toThrow(/does not contain key "a"/);
    expect(() => renderTemplate('${upper(a)}', { a: 'x' })).toThrow(/not a plain variable/);
    expect(() => renderTemplate('%{ if a }x%{ endif }', { a: 'x' })).toThrow(/directive/);
    expect(renderTemplate('$${a} %%{b} ${a}', { a: 1 })).toBe('${a} %{b} 1');
  });
});

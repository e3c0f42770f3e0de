// The IAM policies the terraform module renders, generated from floatd's own policy code (terraform
// cannot run floatd): one template per combination of target kinds, with ${...} placeholders for
// the resource ARNs, which main.tf fills in with templatefile(). `npx tsx infra/terraform/generate.ts`
// writes them; test/infra/ checks they are current and that, rendered as terraform renders them,
// they equal `floatd plan --policy-only` (agents) and controllerPolicyFor (the controller).
import { iamPolicyFor, type IamPolicyDocument } from '../../src/cloud/aws/iam-policy.js';
import { controllerPolicyFor } from '../../src/cloud/controller/iam-policy.js';
import type { Candidate } from '../../src/cloud/controller/logic/types.js';
import type { CloudTarget, CloudTargetKind } from '../../src/cloud/target.js';

/** The canonical order of kinds in a template's name (main.tf builds the same name). */
export const TARGET_KINDS: readonly CloudTargetKind[] = [
  'secondary-ip',
  'elastic-ip',
  'route-table',
];

/**
 * Each placeholder is a comma-separated list of JSON strings, the ARNs of that resource type,
 * sorted and without duplicates (iam-policy.ts sorts each Resource list). main.tf computes every
 * one as `join(",", [for id in sort(distinct(IDS)) : jsonencode("${local.arn_prefix}:TYPE/${id}")])`.
 */
export const PLACEHOLDERS = {
  network_interface_arns: 'network-interface',
  subnet_arns: 'subnet',
  elastic_ip_arns: 'elastic-ip',
  route_table_arns: 'route-table',
  /** The first route table of each route target: where its fence records live (fence-tag.ts). */
  fence_route_table_arns: 'route-table',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** The resource ids behind each placeholder, as a deployment knows them. */
export type PolicyIds = Readonly<Record<Placeholder, readonly string[]>>;

// Stand-ins that no real id looks like, replaced by placeholders after the policy is built.
const ENI = '__ENI__';
const SUBNET = '__SUBNET__';
const EIP = '__EIP__';
const RTB_FIRST = '__RTB_FIRST__';
const RTB_REST = '__RTB_REST__';
// The placeholders hold whole ARNs; the region and account are in them.
const REGION = '__REGION__';
const ACCOUNT = '__ACCOUNT__';

function sampleTargets(kinds: readonly CloudTargetKind[]): CloudTarget[] {
  return kinds.map((kind): CloudTarget => {
    switch (kind) {
      case 'secondary-ip':
        return { kind, address: '10.0.0.1' };
      case 'elastic-ip':
        return { kind, allocationId: EIP, privateIp: '10.0.0.1' };
      case 'route-table':
        // Two tables: every table gets the route, only the first carries the fence records.
        return { kind, routeTableIds: [RTB_FIRST, RTB_REST], destinationCidr: '10.0.0.1/32' };
    }
  });
}

/** Every non-empty combination of kinds, each in canonical order. */
export function kindCombinations(): CloudTargetKind[][] {
  const combos: CloudTargetKind[][] = [];
  for (let mask = 1; mask < 1 << TARGET_KINDS.length; mask++) {
    combos.push(TARGET_KINDS.filter((_kind, i) => (mask & (1 << i)) !== 0));
  }
  return combos;
}

export function templateName(kinds: readonly CloudTargetKind[]): string {
  return `${kinds.join('+')}.json.tftpl`;
}

/** The policy of one agent (its own ENI and subnet), as `floatd plan` builds it for its config. */
export function agentPolicyTemplate(kinds: readonly CloudTargetKind[]): string {
  return toTemplate(
    iamPolicyFor(sampleTargets(kinds), {
      region: REGION,
      accountId: ACCOUNT,
      networkInterfaceId: ENI,
      subnetId: SUBNET,
      // The module turns source/destination checking off on the ENIs itself.
      disableSourceDestCheck: false,
    }),
  );
}

/** The controller's EC2 policy (every candidate's ENI and subnet). */
export function controllerPolicyTemplate(kinds: readonly CloudTargetKind[]): string {
  const candidate = (instanceId: string): Candidate => ({
    instanceId,
    networkInterfaceId: ENI,
    subnetId: SUBNET,
    priority: 100,
    address: '10.0.0.2',
  });
  const policy = controllerPolicyFor(
    {
      region: REGION,
      groups: [
        {
          name: 'sample',
          targets: sampleTargets(kinds),
          candidates: [candidate('i-00000001'), candidate('i-00000002')],
          health: {
            check: { type: 'tcp', port: 80 },
            intervalMs: 5000,
            timeoutMs: 2000,
            rise: 2,
            fall: 3,
          },
          preempt: true,
          preemptHoldDownMs: 60_000,
        },
      ],
    },
    { accountId: ACCOUNT },
  );
  return toTemplate(policy);
}

function toTemplate(policy: IamPolicyDocument): string {
  const arn = (type: string, id: string): string =>
    JSON.stringify(`arn:aws:ec2:${REGION}:${ACCOUNT}:${type}/${id}`);
  let text = JSON.stringify(policy, null, 2);
  if (/\$\{|%\{/.test(text)) {
    // Terraform would read these as interpolations or directives.
    throw new Error('the policy contains "${" or "%{": it cannot be a terraform template as is');
  }
  // Every table of a route target is contiguous in a sorted Resource list: same type prefix.
  const table = new RegExp(
    `${escape(arn('route-table', RTB_FIRST))},\\s*${escape(arn('route-table', RTB_REST))}`,
    'g',
  );
  text = text
    .replace(table, '${route_table_arns}')
    .replaceAll(arn('route-table', RTB_FIRST), '${fence_route_table_arns}')
    .replaceAll(arn('network-interface', ENI), '${network_interface_arns}')
    .replaceAll(arn('subnet', SUBNET), '${subnet_arns}')
    .replaceAll(arn('elastic-ip', EIP), '${elastic_ip_arns}');
  if (/__[A-Z_]+__/.test(text)) {
    throw new Error(`a stand-in id was left in the template (an ARN of a new shape?):\n${text}`);
  }
  return `${text}\n`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every generated file, by path under infra/terraform/. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const kinds of kindCombinations()) {
    files.set(`policies/agent/${templateName(kinds)}`, agentPolicyTemplate(kinds));
    files.set(
      `modules/controller/policies/${templateName(kinds)}`,
      controllerPolicyTemplate(kinds),
    );
  }
  return files;
}

/** The placeholders' values for these ids, computed as main.tf computes them. */
export function placeholderValues(
  region: string,
  account: string,
  ids: PolicyIds,
): Record<Placeholder, string> {
  const values = {} as Record<Placeholder, string>;
  for (const [name, type] of Object.entries(PLACEHOLDERS) as [Placeholder, string][]) {
    values[name] = [...new Set(ids[name])]
      .sort()
      .map((id) => JSON.stringify(`arn:aws:ec2:${region}:${account}:${type}/${id}`))
      .join(',');
  }
  return values;
}

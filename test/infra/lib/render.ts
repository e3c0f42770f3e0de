// What terraform would render, computed here the way the module's HCL computes it (no terraform CLI
// can run here): templatefile()'s interpolation, jsonencode(), and the module's locals for the
// floatd configuration (agent.tf), the policy placeholders (agent.tf, modules/controller/main.tf)
// and the controller's configuration (controller.tf, modules/controller/main.tf).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { placeholderValues, type PolicyIds } from '../../../infra/terraform/policy-templates.js';
import { TERRAFORM_DIR } from './hcl.js';

/**
 * templatefile() for templates that only interpolate variables: `${name}` is replaced by the
 * variable (numbers in decimal), `$${` and `%%{` are literal; anything else (an expression, a
 * directive, an undefined variable) throws, as terraform fails on a variable it was not given.
 */
export function renderTemplate(
  text: string,
  vars: Readonly<Record<string, string | number>>,
): string {
  return text.replace(
    /\$\$\{|%%\{|\$\{([^}]*)\}|%\{[^}]*\}/g,
    (match, name: string | undefined) => {
      if (match === '$${') return '${';
      if (match === '%%{') return '%{';
      if (name === undefined) throw new Error(`template directive ${match}: not supported here`);
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`template expression ${match}: not a plain variable`);
      const value = vars[name];
      if (value === undefined)
        throw new Error(`templatefile: vars map does not contain key "${name}"`);
      return String(value);
    },
  );
}

/** The `${name}` variables a template uses. */
export function templateVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<!\$)\$\{([a-z_][a-z0-9_]*)\}/g)].map((m) => m[1] ?? ''));
}

/** jsonencode(): object keys in lexicographic order, as terraform's object type has them. */
export function jsonencode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function readTemplate(path: string): string {
  return readFileSync(join(TERRAFORM_DIR, path), 'utf8');
}

/** The module's inputs and what AWS assigns (ids, addresses), for one deployment. */
export interface Deployment {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly networkInterfaceIds: readonly [string, string];
  readonly subnetIds: readonly [string, string];
  readonly privateIps: readonly [string, string];
  readonly instanceIds: readonly [string, string];
  readonly priorities: readonly [number, number];
  readonly vip: string;
  readonly secondaryIp: boolean;
  /** The EIP's allocation id, or null without var.elastic_ip. */
  readonly allocationId: string | null;
  readonly routeTableIds: readonly string[];
  readonly routeDestination: string | null;
}

export function targetKinds(d: Deployment): string[] {
  return [
    d.secondaryIp ? 'secondary-ip' : '',
    d.allocationId !== null ? 'elastic-ip' : '',
    d.routeTableIds.length > 0 ? 'route-table' : '',
  ].filter((k) => k !== '');
}

const vipAddress = (d: Deployment): string => d.vip.split('/')[0] ?? '';
const routeDestination = (d: Deployment): string => d.routeDestination ?? `${vipAddress(d)}/32`;

/** agent.tf's local.floatd_configs[i]. */
export function renderFloatdConfig(d: Deployment, i: 0 | 1): string {
  const targets = [
    ...(d.secondaryIp ? [{ type: 'secondary-ip', address: vipAddress(d) }] : []),
    ...(d.allocationId !== null
      ? [
          {
            type: 'elastic-ip',
            allocationId: d.allocationId,
            privateIp: d.secondaryIp ? vipAddress(d) : d.privateIps[i],
          },
        ]
      : []),
    ...(d.routeTableIds.length > 0
      ? [{ type: 'route-table', routeTableIds: d.routeTableIds, destination: routeDestination(d) }]
      : []),
  ];
  return renderTemplate(readTemplate('templates/floatd.yaml.tftpl'), {
    name: d.name,
    region: d.region,
    network_interface_id: d.networkInterfaceIds[i],
    subnet_id: d.subnetIds[i],
    vrid: 51,
    interface: 'ens5',
    priority: d.priorities[i],
    advert_interval: '1s',
    peer_address: d.privateIps[1 - i] ?? '',
    vip: d.vip,
    cloud_targets: jsonencode(targets),
  });
}

/** agent.tf's aws_iam_role_policy.floatd[i].policy. */
export function renderAgentPolicy(d: Deployment, i: 0 | 1): string {
  const ids: PolicyIds = {
    network_interface_arns: [d.networkInterfaceIds[i]],
    subnet_arns: [d.subnetIds[i]],
    elastic_ip_arns: d.allocationId === null ? [] : [d.allocationId],
    route_table_arns: d.routeTableIds,
    fence_route_table_arns: d.routeTableIds.slice(0, 1),
  };
  const template = readTemplate(`policies/agent/${targetKinds(d).join('+')}.json.tftpl`);
  return renderTemplate(template, placeholderValues(d.region, d.account, ids));
}

/** controller.tf's groups and modules/controller's local.config, as FLOATD_CONTROLLER_CONFIG. */
export function renderControllerConfig(d: Deployment): string {
  const vip = vipAddress(d);
  const group = {
    name: d.name,
    targets: [
      ...(d.secondaryIp ? [{ kind: 'secondary-ip', address: vip }] : []),
      ...(d.allocationId !== null
        ? [{ kind: 'elastic-ip', allocationId: d.allocationId, privateIp: vip }]
        : []),
      ...(d.routeTableIds.length > 0
        ? [
            {
              kind: 'route-table',
              routeTableIds: d.routeTableIds,
              destinationCidr: routeDestination(d),
            },
          ]
        : []),
    ],
    candidates: ([0, 1] as const).map((i) => ({
      instanceId: d.instanceIds[i],
      networkInterfaceId: d.networkInterfaceIds[i],
      subnetId: d.subnetIds[i],
      priority: d.priorities[i],
      address: d.privateIps[i],
    })),
    health: {
      check: { type: 'http', port: 80, path: '/health' },
      intervalMs: 5000,
      timeoutMs: 2000,
      rise: 2,
      fall: 3,
    },
    preempt: true,
  };
  return jsonencode({
    region: d.region,
    controllerId: `${d.name}-controller`,
    schedulePeriodMs: 60000,
    groups: [group],
  });
}

/** modules/controller's aws_iam_role_policy.ec2.policy, for the configuration it is given. */
export function renderControllerPolicy(configJson: string, account: string): string {
  const config = JSON.parse(configJson) as {
    region: string;
    groups: {
      targets: { kind: string; allocationId?: string; routeTableIds?: string[] }[];
      candidates: { networkInterfaceId: string; subnetId: string }[];
    }[];
  };
  const targets = config.groups.flatMap((g) => g.targets);
  const candidates = config.groups.flatMap((g) => g.candidates);
  const kinds = new Set(targets.map((t) => t.kind));
  const template = readTemplate(
    `modules/controller/policies/${['secondary-ip', 'elastic-ip', 'route-table'].filter((k) => kinds.has(k)).join('+')}.json.tftpl`,
  );
  const ids: PolicyIds = {
    network_interface_arns: candidates.map((c) => c.networkInterfaceId),
    subnet_arns: candidates.map((c) => c.subnetId),
    elastic_ip_arns: targets.flatMap((t) =>
      t.kind === 'elastic-ip' && t.allocationId !== undefined ? [t.allocationId] : [],
    ),
    route_table_arns: targets.flatMap((t) =>
      t.kind === 'route-table' ? (t.routeTableIds ?? []) : [],
    ),
    fence_route_table_arns: targets.flatMap((t) =>
      t.kind === 'route-table' && t.routeTableIds?.[0] !== undefined ? [t.routeTableIds[0]] : [],
    ),
  };
  return renderTemplate(template, placeholderValues(config.region, account, ids));
}

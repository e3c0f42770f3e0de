// `floatd plan -c FILE`: the EC2 calls floatd would make for each cloud target, by phase of the
// reconciler (src/cloud/reconcile/target-machine.ts), and the least-privilege IAM policy for exactly them.
// Offline: nothing is sent to AWS. The calls come from awsCallsFor, so a test can compare this
// plan with what an EC2 emulator saw.
import { parseArgs } from 'node:util';

import { awsActionsFor, awsCallsFor, type AwsCallPlan } from '../../cloud/aws/aws-calls.js';
import {
  iamPolicyStatements,
  type ExplainedStatement,
  type IamPolicyDocument,
} from '../../cloud/aws/iam-policy.js';
import { PEER_PROBE_CALLS } from '../../cloud/aws/peer-probe-calls.js';
import { targetName, type CloudTarget, type CloudTargetKind } from '../../cloud/target.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import { EC2_PROBE_MIN_INTERVAL_MS } from '../daemon/ec2-probe-interval.js';
import type { FloatdConfig, InstanceConfig } from '../config/schema.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './validate-command.js';

export const PLAN_USAGE = `Usage: floatd plan -c FILE [--json | --policy-only] [--region REGION] [--account ID]

Show the EC2 calls floatd makes for each cloud target (at startup, on becoming MASTER, to read
the result back, and while MASTER) and the least-privilege IAM policy that allows exactly them.
Nothing is sent to AWS.

Options:
  -c, --config FILE   the configuration file (YAML)
      --json          one JSON object: { file, actions, instances, policy }
      --policy-only   only the IAM policy document, e.g. for
                      aws iam put-role-policy --policy-document file://policy.json
      --region REGION the region in resource ARNs (default: cloud.region, else *)
      --account ID    the 12-digit account id in resource ARNs (default: *)
  -h, --help          show this help
`;

/** The calls of one target grouped by when the reconciler makes them. */
export interface PlanPhases {
  /** Preflight at agent start. */
  readonly startup: readonly string[];
  /** On becoming MASTER: the claim and our fence record, sent together. */
  readonly onMaster: readonly string[];
  /** Read back until the cloud names this host (or a newer term fences us). */
  readonly readBack: readonly string[];
  /** Each re-check while MASTER: fence records, our heartbeat, the owner. */
  readonly whileMaster: readonly string[];
  /** Giving the target up: never done by the agent (the next MASTER takes it over). */
  readonly release: readonly string[];
}

export interface TargetPlan {
  readonly target: string;
  readonly kind: CloudTargetKind;
  /** awsCallsFor(target), verbatim. */
  readonly calls: AwsCallPlan;
  readonly phases: PlanPhases;
}

export interface InstancePlan {
  readonly name: string;
  readonly vrid: number;
  readonly targets: readonly TargetPlan[];
}

export interface CloudPlan {
  readonly file: string;
  /** Every EC2 action, sorted: what the IAM policy allows. */
  readonly actions: readonly string[];
  readonly instances: readonly InstancePlan[];
  /** Region and account in the policy's ARNs ('*': any). */
  readonly arnScope: { readonly region: string; readonly accountId: string };
  /** null when no instance has a cloud target. */
  readonly policy: IamPolicyDocument | null;
}

export interface PlanScope {
  readonly region?: string | undefined;
  readonly accountId?: string | undefined;
}

/** `argv` holds the arguments after "plan". Returns 0 done, 1 bad config, 2 usage error. */
export async function runPlan(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    const parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        'policy-only': { type: 'boolean' },
        region: { type: 'string' },
        account: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (parsed.values.help === true) {
      io.stdout(PLAN_USAGE);
      return EXIT.ok;
    }
    if (parsed.positionals.length > 0) {
      return usageError(io, `unexpected argument '${parsed.positionals[0] ?? ''}'`);
    }
    values = parsed.values;
  } catch (err) {
    // parseArgs: unknown option, or an option without its value.
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  const file = values.config;
  if (file === undefined || file === '') return usageError(io, 'missing -c FILE');
  if (values.json === true && values['policy-only'] === true) {
    return usageError(io, '--json and --policy-only exclude each other');
  }
  if (values.region !== undefined && !REGION.test(values.region)) {
    return usageError(io, `--region: expected a region like "eu-west-1", got '${values.region}'`);
  }
  if (values.account !== undefined && !ACCOUNT.test(values.account)) {
    return usageError(io, `--account: expected a 12-digit account id, got '${values.account}'`);
  }

  let config: FloatdConfig;
  try {
    config = await loadConfigFile(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${err.message}\n`);
    return EXIT.config;
  }
  const { plan, statements } = buildPlan(config, file, {
    region: values.region,
    accountId: values.account,
  });

  if (values['policy-only'] === true) {
    if (plan.policy === null) io.stderr(noTargets(file));
    else io.stdout(`${JSON.stringify(plan.policy, null, 2)}\n`);
    return EXIT.ok;
  }
  if (values.json === true) {
    if (plan.policy === null) io.stderr(noTargets(file));
    io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout(renderPlan(plan, statements, config));
  return EXIT.ok;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;

/** The plan and the policy's statements with their reasons. Region defaults to cloud.region. */
export function buildPlan(
  config: FloatdConfig,
  file: string,
  scope: PlanScope = {},
): { plan: CloudPlan; statements: ExplainedStatement[] } {
  const options = {
    disableSourceDestCheck: config.cloud.disableSourceDestCheck,
    ec2PeerProbe: config.instances.some(usesEc2PeerProbe),
  };
  const instances = config.instances.map((instance) => ({
    name: instance.name,
    vrid: instance.vrid,
    targets: instance.cloud.map((target): TargetPlan => {
      const calls = awsCallsFor(target, options);
      return { target: targetName(target), kind: target.kind, calls, phases: phasesOf(calls) };
    }),
  }));
  const targets: CloudTarget[] = config.instances.flatMap((instance) => instance.cloud);
  const arnScope = {
    region: scope.region ?? config.cloud.region ?? '*',
    accountId: scope.accountId ?? '*',
  };
  // The EC2 peer probe alone (no target) still calls EC2, and needs its policy.
  const callsEc2 = targets.length > 0 || options.ec2PeerProbe;
  const statements = callsEc2
    ? iamPolicyStatements(targets, {
        ...options,
        ...arnScope,
        networkInterfaceId: config.cloud.networkInterfaceId,
        subnetId: config.cloud.subnetId,
      })
    : [];
  return {
    plan: {
      file,
      actions: awsActionsFor(targets, options),
      instances,
      arnScope,
      policy: callsEc2
        ? { Version: '2012-10-17', Statement: statements.map((s) => s.statement) }
        : null,
    },
    statements,
  };
}

/** The instance's split-brain probe asks EC2 whether its peer runs (unicast.probe: ec2). */
function usesEc2PeerProbe(instance: InstanceConfig): boolean {
  return instance.unicast.probe?.kind === 'ec2';
}

/**
 * Map awsCallsFor's groups onto the reconciler's steps (reconcile/target-machine.ts): takeover = writeFence +
 * claim; verify = readFences + observe; re-check = readFences, writeFence (heartbeat), observe.
 * EC2 reads are the Describe* actions, so that splits the fence group into read and write.
 */
export function phasesOf(calls: AwsCallPlan): PlanPhases {
  const isRead = (action: string): boolean => action.startsWith('Describe');
  const fenceRead = calls.fence.filter(isRead);
  const fenceWrite = calls.fence.filter((action) => !isRead(action));
  return {
    startup: unique(calls.startup),
    onMaster: unique([...calls.claim, ...fenceWrite]),
    readBack: unique([...fenceRead, ...calls.verify]),
    whileMaster: unique([...fenceRead, ...fenceWrite, ...calls.verify]),
    release: [],
  };
}

function renderPlan(
  plan: CloudPlan,
  statements: readonly ExplainedStatement[],
  config: FloatdConfig,
): string {
  if (plan.policy === null) return noTargets(plan.file);
  const { cloud } = config;
  const lines: string[] = [
    `floatd plan for ${plan.file}: the EC2 calls per cloud target (nothing is sent now)`,
    '',
  ];
  const every = `while MASTER, every ${formatMs(cloud.recheckIntervalMs)}`;
  const ec2Probes = new Set(config.instances.filter((i) => usesEc2PeerProbe(i)).map((i) => i.name));
  for (const instance of plan.instances) {
    const probesEc2 = ec2Probes.has(instance.name);
    if (instance.targets.length === 0 && !probesEc2) {
      lines.push(`instance ${instance.name} (vrid ${instance.vrid}): no cloud targets`, '');
      continue;
    }
    lines.push(`instance ${instance.name} (vrid ${instance.vrid})`);
    if (probesEc2) {
      lines.push(
        '  split-brain probe of each unicast peer (unicast.probe: ec2)',
        row(`at most every ${formatMs(EC2_PROBE_MIN_INTERVAL_MS)}`, PEER_PROBE_CALLS),
      );
    }
    for (const target of instance.targets) {
      const { phases } = target;
      lines.push(
        `  ${target.target}`,
        row('at startup (preflight)', phases.startup),
        row('on MASTER: claim + fence', phases.onMaster),
        row('read back until ours', phases.readBack),
        row(every, phases.whileMaster),
        row('  if another owner shows', [`${target.calls.claim.join(', ')}, then read back`]),
        row('on leaving MASTER', [
          'CreateTags (our fence record marked released); the next MASTER takes the target over',
        ]),
      );
    }
    lines.push('');
  }
  const { region, accountId } = plan.arnScope;
  lines.push(
    `IAM policy: least privilege for exactly these calls (ARNs: region ${region}, account ${accountId})`,
  );
  for (const { statement, why } of statements) {
    lines.push(`  ${statement.Sid}: ${why}`);
  }
  if (cloud.networkInterfaceId !== undefined) {
    lines.push(
      `  note: network-interface ARNs name ${cloud.networkInterfaceId} (cloud.networkInterfaceId); ` +
        "a role shared by both peers needs each peer's ENI (or leave it out: network-interface/*)",
    );
  }
  lines.push('', JSON.stringify(plan.policy, null, 2), '');
  return lines.join('\n');
}

const COLUMN = 30;

function row(label: string, actions: readonly string[]): string {
  return `    ${label.padEnd(COLUMN + 2)}${actions.length === 0 ? '(none)' : actions.join(', ')}`;
}

function noTargets(file: string): string {
  return `${file}: no instance has cloud targets: floatd makes no EC2 calls and needs no IAM policy\n`;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function unique(actions: readonly string[]): string[] {
  return [...new Set(actions)];
}

function usageError(io: CommandIo, message: string): number {
  io.stderr(`floatd plan: ${message}\n\n${PLAN_USAGE}`);
  return EXIT.usage;
}

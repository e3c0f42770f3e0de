// The exact EC2 actions floatd may call for a target, by phase: `floatd plan` prints them, the
// IAM policy in infra/ must allow them, and a test compares them with what the emulator saw.
import type { CloudTarget } from '../target.js';
import { peerProbeCallsFor, type PeerProbeCallOptions } from './peer-probe-calls.js';

export interface AwsCallPlan {
  /** preflight.ts at startup. */
  readonly startup: readonly string[];
  /** AwsProvider.claim. */
  readonly claim: readonly string[];
  /** AwsProvider.observe (read-back). */
  readonly verify: readonly string[];
  /** AwsProvider.readFences / writeFence. */
  readonly fence: readonly string[];
  /** AwsProvider.release. */
  readonly release: readonly string[];
}

export interface AwsCallPlanOptions extends PeerProbeCallOptions {
  /** preflight may turn source/destination checking off (route-table targets only). */
  readonly disableSourceDestCheck?: boolean | undefined;
}

const FENCE = ['DescribeTags', 'CreateTags'] as const;

export function awsCallsFor(target: CloudTarget, options: AwsCallPlanOptions = {}): AwsCallPlan {
  switch (target.kind) {
    case 'secondary-ip':
      return {
        startup: ['DescribeNetworkInterfaces'],
        claim: ['AssignPrivateIpAddresses'],
        verify: ['DescribeNetworkInterfaces'],
        fence: FENCE,
        release: ['DescribeNetworkInterfaces', 'UnassignPrivateIpAddresses'],
      };
    case 'elastic-ip':
      return {
        startup: ['DescribeNetworkInterfaces', 'DescribeAddresses'],
        claim: ['AssociateAddress'],
        verify: ['DescribeAddresses'],
        fence: FENCE,
        release: ['DescribeAddresses', 'DisassociateAddress'],
      };
    case 'route-table':
      return {
        startup: [
          'DescribeNetworkInterfaces',
          'DescribeRouteTables',
          'DescribeNetworkInterfaceAttribute',
          ...(options.disableSourceDestCheck === true ? ['ModifyNetworkInterfaceAttribute'] : []),
        ],
        claim: ['ReplaceRoute', 'CreateRoute'],
        verify: ['DescribeRouteTables'],
        fence: FENCE,
        // Never released: deleting the route would blackhole the destination (aws-provider.ts).
        release: [],
      };
  }
}

/**
 * Every action the agent calls for these targets (and for the EC2 peer probe, when on), sorted
 * and deduplicated: the IAM policy's `ec2:` actions. Not `release`: the agent never gives a target up (a BACKUP leaves it to the
 * next MASTER, which moves it; releasing would leave a window with no owner), so its calls are
 * not granted.
 */
export function awsActionsFor(
  targets: readonly CloudTarget[],
  options: AwsCallPlanOptions = {},
): string[] {
  const all = new Set<string>();
  for (const target of targets) {
    const plan = awsCallsFor(target, options);
    for (const list of [plan.startup, plan.claim, plan.verify, plan.fence]) {
      for (const action of list) all.add(action);
    }
  }
  for (const action of peerProbeCallsFor(options)) all.add(action);
  return [...all].sort();
}

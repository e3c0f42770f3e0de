// The controller's configuration: JSON (terraform renders it into the Lambda's environment as
// FLOATD_CONTROLLER_CONFIG), checked in full before anything runs. Every problem is reported with
// its path (groups[0].candidates[1].priority) and what was expected.
import { z } from 'zod';
import { FloatdError } from '../../errors.js';
import type { CloudTarget } from '../target.js';
import type { ControllerGroup } from './logic/types.js';

export class ControllerConfigError extends FloatdError {
  override readonly code = 'FLOATD_ERR_CONTROLLER_CONFIG';

  constructor(readonly problems: readonly string[]) {
    super(`controller configuration: ${problems.join('; ')}`);
  }
}

const awsId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), {
    error: `expected an id like "${prefix}-0123456789abcdef0"`,
  });
const ipv4 = z.ipv4({ error: 'expected an IPv4 address like "10.0.1.50"' });
const cidr = z.cidrv4({ error: 'expected an IPv4 CIDR like "10.0.1.50/32"' });
const ms = (min: number, max: number) =>
  z
    .int()
    .min(min)
    .max(max, { error: `expected whole milliseconds from ${min} to ${max}` });

const target = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('secondary-ip'), address: ipv4 }),
  z.strictObject({
    kind: z.literal('elastic-ip'),
    allocationId: awsId('eipalloc'),
    privateIp: ipv4,
  }),
  z.strictObject({
    kind: z.literal('route-table'),
    routeTableIds: z.array(awsId('rtb')).min(1),
    destinationCidr: cidr,
  }),
]);

const candidate = z.strictObject({
  instanceId: awsId('i'),
  networkInterfaceId: awsId('eni'),
  /** The ENI's subnet: a secondary IP's fence records live there (fence-tag.ts). */
  subnetId: awsId('subnet'),
  priority: z.int().min(1).max(254),
  address: ipv4,
});

const check = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tcp'), port: z.int().min(1).max(65535) }),
  z.strictObject({
    type: z.literal('http'),
    port: z.int().min(1).max(65535),
    path: z.string().startsWith('/').default('/'),
  }),
]);

const group = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    targets: z.array(target).min(1),
    candidates: z.array(candidate).min(2, { error: 'expected at least two candidates' }),
    health: z.strictObject({
      check,
      intervalMs: ms(1000, 60_000).default(5000),
      timeoutMs: ms(100, 30_000).default(2000),
      rise: z.int().min(1).max(10).default(2),
      fall: z.int().min(1).max(10).default(3),
    }),
    preempt: z.boolean().default(true),
    preemptHoldDownMs: ms(0, 3_600_000).default(60_000),
  })
  .superRefine((g, ctx) => {
    if (g.health.timeoutMs >= g.health.intervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['health', 'timeoutMs'],
        message: `expected less than intervalMs (${g.health.intervalMs})`,
      });
    }
    // A secondary IP lives in one subnet and moves only between ENIs of it (its fence records
    // are on that subnet too).
    const subnets = new Set(g.candidates.map((c) => c.subnetId));
    if (g.targets.some((t) => t.kind === 'secondary-ip') && subnets.size > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['candidates'],
        message: `a secondary-ip target moves within one subnet: the candidates are in ${[...subnets].join(', ')}`,
      });
    }
    // One private address for every candidate: AssociateAddress needs it on the candidate's
    // ENI, so it must be a secondary IP this group moves first (claim-order.ts).
    g.targets.forEach((t, i) => {
      if (t.kind !== 'elastic-ip') return;
      const moved = g.targets.some((o) => o.kind === 'secondary-ip' && o.address === t.privateIp);
      if (!moved) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'privateIp'],
          message: `expected the address of a secondary-ip target of this group: ${t.privateIp} must move to a candidate before its Elastic IP can point there`,
        });
      }
    });
    const ids = g.candidates.map((c) => c.instanceId);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['candidates'], message: `${twice} listed twice` });
    }
  });

const config = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'expected a region like "eu-west-1"' }),
  /** EC2 API endpoint override (a VPC endpoint, or an emulator in tests). */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  /** Whose fence records the controller writes (terraform sets the function's name). */
  controllerId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected 1-64 letters, digits, "_", "." or "-"' })
    .default('floatd-controller'),
  /** How often the scheduled rule starts a run: each run probes until shortly before the next. */
  schedulePeriodMs: ms(10_000, 900_000).default(60_000),
  /** A fence record unchanged this long belongs to a holder that is gone (the agents' own lease). */
  fenceLeaseMs: ms(1_000, 600_000).default(15_000),
  groups: z.array(group).min(1),
});

export interface ControllerConfig {
  readonly region: string;
  readonly endpoint?: string | undefined;
  readonly controllerId: string;
  readonly schedulePeriodMs: number;
  readonly fenceLeaseMs: number;
  readonly groups: readonly ControllerGroup[];
}

/** Parses and checks the JSON text; throws ControllerConfigError listing every problem. */
export function parseControllerConfig(text: string): ControllerConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ControllerConfigError([`not JSON: ${(error as Error).message}`]);
  }
  const parsed = config.safeParse(data);
  if (!parsed.success) {
    throw new ControllerConfigError(
      parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
    );
  }
  const groups = parsed.data.groups;
  const names = groups.map((g) => g.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ControllerConfigError([`groups: ${dup} named twice`]);
  return {
    region: parsed.data.region,
    endpoint: parsed.data.endpoint,
    controllerId: parsed.data.controllerId,
    schedulePeriodMs: parsed.data.schedulePeriodMs,
    fenceLeaseMs: parsed.data.fenceLeaseMs,
    groups: groups.map((g) => ({ ...g, targets: g.targets as CloudTarget[] })),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

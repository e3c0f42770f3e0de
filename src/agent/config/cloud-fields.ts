// The cloud keys: a top-level `cloud` mapping (provider, endpoints, identity overrides, timings)
// and, per instance, a `cloud` list of targets moved when it becomes MASTER.
import { z } from 'zod';

import {
  bool,
  durationMs,
  expected,
  expectedMapping,
  hostAddress,
  oneOf,
} from './field-schemas.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

function awsId(prefix: string) {
  const what = `an id like "${prefix}-0123456789abcdef0"`;
  return z
    .string({ error: expected(what) })
    .regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), { error: expected(what) });
}

const httpUrl = z.string({ error: expected('a URL like "http://127.0.0.1:4566"') }).refine(
  (text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: expected('an http:// or https:// URL') },
);

const region = z
  .string({ error: expected('a region like "eu-west-1"') })
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: expected('a region like "eu-west-1"') });

const cidr = z
  .string({ error: expected('a CIDR like "192.168.100.10/32"') })
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, {
    error: expected('an IPv4 CIDR like "192.168.100.10/32"'),
  });

const cloudObject = z.strictObject(
  {
    provider: oneOf(['aws']).default('aws'),
    /** Default: IMDS's region, else the SDK's chain (AWS_REGION, profile). */
    region: region.optional(),
    /** EC2 API endpoint override: a VPC endpoint, or an emulator. */
    endpoint: httpUrl.optional(),
    /** Default http://169.254.169.254 (or FLOATD_IMDS_ENDPOINT). */
    imdsEndpoint: httpUrl.optional(),
    /** Identity overrides: with these three and region, IMDS is not needed. */
    instanceId: awsId('i').optional(),
    networkInterfaceId: awsId('eni').optional(),
    subnetId: awsId('subnet').optional(),
    /** Per API call; a call that takes longer is abandoned and retried. */
    callTimeout: durationMs(100, MINUTE_MS).default(2 * SECOND_MS),
    /** While MASTER: re-read owner and fence, renew the fence record. */
    recheckInterval: durationMs(100, 10 * MINUTE_MS).default(5 * SECOND_MS),
    /** A holder whose fence record is not renewed for this long is presumed gone. */
    fenceLease: durationMs(300, 60 * MINUTE_MS).default(15 * SECOND_MS),
    /** Route-table targets need source/destination check off: turn it off at startup. */
    disableSourceDestCheck: bool.default(false),
  },
  {
    error: expectedMapping(
      'a mapping { provider, region, endpoint, imdsEndpoint, instanceId, networkInterfaceId, subnetId, callTimeout, recheckInterval, fenceLease, disableSourceDestCheck }',
    ),
  },
);

/**
 * A holder renews its fence record every re-check (and a renewal may take a call timeout and a
 * retry): a lease shorter than two of those would read a live holder as gone.
 */
export const cloudFields = cloudObject.superRefine((cloud, ctx) => {
  const minimumMs = 2 * cloud.recheckInterval + cloud.callTimeout;
  if (cloud.fenceLease <= minimumMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['fenceLease'],
      message: `expected more than 2 x recheckInterval + callTimeout (${minimumMs} ms), got ${cloud.fenceLease} ms: a live holder renews its record only once per re-check`,
    });
  }
});

const secondaryIpTarget = z.strictObject(
  {
    type: z.literal('secondary-ip'),
    /** Default: the instance's first VIP. */
    address: hostAddress.optional(),
  },
  { error: expectedMapping('a mapping { type: secondary-ip, address }') },
);

const elasticIpTarget = z.strictObject(
  {
    type: z.literal('elastic-ip'),
    allocationId: awsId('eipalloc'),
    /** The private address on our ENI the EIP maps to. Default: the instance's first VIP. */
    privateIp: hostAddress.optional(),
  },
  { error: expectedMapping('a mapping { type: elastic-ip, allocationId, privateIp }') },
);

const routeTableTarget = z.strictObject(
  {
    type: z.literal('route-table'),
    routeTableIds: z
      .array(awsId('rtb'), { error: expected('a list of route table ids') })
      .min(1, { error: 'expected at least one route table id' }),
    /** Default: the instance's first VIP as a /32. */
    destination: cidr.optional(),
  },
  { error: expectedMapping('a mapping { type: route-table, routeTableIds, destination }') },
);

const TARGET_TYPES = ['secondary-ip', 'elastic-ip', 'route-table'] as const;

export const cloudTarget = z.discriminatedUnion(
  'type',
  [secondaryIpTarget, elasticIpTarget, routeTableTarget],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `expected "type" to be one of ${TARGET_TYPES.join(', ')}`
        : expected(`a mapping { type: ${TARGET_TYPES.join(' | ')}, ... }`)(issue),
  },
);

export const cloudTargets = z.array(cloudTarget, {
  error: expected('a list of cloud targets'),
});

export type CloudFields = z.output<typeof cloudFields>;
export type CloudTargetFields = z.output<typeof cloudTarget>;

// The floatd.yaml schema (zod 4). The TypeScript types are inferred from it: the normalised
// config (durations in unit-named fields, family derived, defaults filled in).
import { z } from 'zod';

import { cloudFields } from './cloud-fields.js';
import { checkInstances } from './config-rules.js';
import { expected, expectedMapping, oneOf } from './field-schemas.js';
import { instanceFields } from './instance-fields.js';
import { checkInstance } from './instance-rules.js';
import { normaliseCloud, normaliseInstance } from './normalise.js';
import { isRecord } from './valid-at.js';

// Rules run even beside failed fields (they check what parsed), so every problem is reported.
const evenBesideFailures = { when: (payload: { value: unknown }) => isRecord(payload.value) };

export const logSchema = z.strictObject(
  {
    level: oneOf(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    format: oneOf(['json', 'pretty']).default('json'),
  },
  { error: expectedMapping('a mapping { level, format }') },
);

export const instanceSchema = instanceFields.superRefine(checkInstance, evenBesideFailures);

const MAX_INSTANCES = 255;
const instanceCount = (issue: { input?: unknown }): string =>
  `expected 1 to ${MAX_INSTANCES} instances, got ${Array.isArray(issue.input) ? issue.input.length : 0}`;

export const floatdConfigSchema = z
  .strictObject(
    {
      log: logSchema.prefault({}),
      cloud: cloudFields.prefault({}),
      instances: z
        .array(instanceSchema, { error: expected('a list of instances') })
        .min(1, { error: instanceCount })
        .max(MAX_INSTANCES, { error: instanceCount }),
    },
    { error: expectedMapping('a mapping with an "instances" list') },
  )
  .superRefine(checkInstances, evenBesideFailures)
  .transform((config) => ({
    log: config.log,
    cloud: normaliseCloud(config.cloud),
    instances: config.instances.map(normaliseInstance),
  }));

export type FloatdConfig = z.output<typeof floatdConfigSchema>;
export type InstanceConfig = FloatdConfig['instances'][number];
export type VipConfig = InstanceConfig['vips'][number];
export type LogConfig = FloatdConfig['log'];
export type CloudConfig = FloatdConfig['cloud'];

// The floatd.yaml schema (zod 4). The TypeScript types are inferred from it: the normalised
// config (durations in unit-named fields, family derived, defaults filled in).
import { z } from 'zod';

import { cloudFields } from './cloud-fields.js';
import { checkInstances } from './config-rules.js';
import { checkEc2Probes } from './peer-probe-rules.js';
import { checkReferences } from './reference-rules.js';
import { expected, expectedMapping, oneOf } from './field-schemas.js';
import { instanceFields } from './instance-fields.js';
import { checkInstance } from './instance-rules.js';
import {
  normaliseCloud,
  normaliseInstance,
  normaliseNotify,
  normaliseTracker,
} from './normalise.js';
import { scriptUserFields } from './notify-fields.js';
import { notifyFifo, statusFields, syncGroupFields } from './sync-group-fields.js';
import { trackerFields } from './track-fields.js';
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
      // Optional here (defaults filled in below): `unicast.probe: ec2` needs the section written.
      cloud: cloudFields.optional(),
      trackers: z.array(trackerFields, { error: expected('a list of trackers') }).default([]),
      syncGroups: z
        .array(syncGroupFields, { error: expected('a list of sync groups') })
        .default([]),
      notifyFifo: notifyFifo.optional(),
      /** keepalived's script_user: the default user of notify scripts and script trackers. */
      scriptUser: scriptUserFields.optional(),
      status: statusFields.default({ listen: '127.0.0.1:9657' }),
      instances: z
        .array(instanceSchema, { error: expected('a list of instances') })
        .min(1, { error: instanceCount })
        .max(MAX_INSTANCES, { error: instanceCount }),
    },
    { error: expectedMapping('a mapping with an "instances" list') },
  )
  .superRefine(checkInstances, evenBesideFailures)
  .superRefine(checkReferences, evenBesideFailures)
  .superRefine(checkEc2Probes, evenBesideFailures)
  .transform((config) => ({
    log: config.log,
    cloud: normaliseCloud(config.cloud ?? cloudFields.parse({})),
    trackers: config.trackers.map((t) => normaliseTracker(t, config.scriptUser)),
    syncGroups: config.syncGroups.map((g) => ({
      name: g.name,
      instances: g.instances,
      ...(g.notify === undefined ? {} : { notify: normaliseNotify(g.notify, config.scriptUser) }),
    })),
    notifyFifo: config.notifyFifo,
    status: config.status,
    instances: config.instances.map((i) => normaliseInstance(i, config.scriptUser)),
  }));

export type FloatdConfig = z.output<typeof floatdConfigSchema>;
export type InstanceConfig = FloatdConfig['instances'][number];
export type VipConfig = InstanceConfig['vips'][number];
export type LogConfig = FloatdConfig['log'];
export type CloudConfig = FloatdConfig['cloud'];
export type TrackerConfig = FloatdConfig['trackers'][number];
export type SyncGroupConfig = FloatdConfig['syncGroups'][number];
export type TrackConfig = InstanceConfig['track'][number];
export type NotifyConfig = NonNullable<InstanceConfig['notify']>;

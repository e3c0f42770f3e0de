// Sync groups (keepalived's vrrp_sync_group): instances that always share one state, and the
// top-level notify FIFO and status endpoint settings.
import { z } from 'zod';

import { bool, expected, expectedMapping, instanceName } from './field-schemas.js';
import { notifyFields } from './notify-fields.js';

export const syncGroupFields = z.strictObject(
  {
    name: instanceName,
    instances: z
      .array(instanceName, { error: expected('a list of instance names') })
      .min(1, { error: 'expected at least one instance' }),
    notify: notifyFields.optional(),
  },
  { error: expectedMapping('a mapping { name, instances, notify }') },
);

const LISTEN = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

export const statusFields = z.union(
  [
    z.literal(false),
    z.strictObject({
      listen: z
        .string({ error: expected('an address and port like "127.0.0.1:9657"') })
        .refine((l) => LISTEN.test(l) && Number(LISTEN.exec(l)?.[3]) <= 65535, {
          error: expected('an address and port like "127.0.0.1:9657" or "[::1]:9657"'),
        })
        .default('127.0.0.1:9657'),
      /** Also serve keepalived-exporter's metric names on /metrics (dashboards, alerts). */
      keepalivedExporterMetrics: bool.optional(),
    }),
  ],
  {
    error: () =>
      'expected false or a mapping { listen: "127.0.0.1:9657", keepalivedExporterMetrics: true }',
  },
);

export const notifyFifo = z
  .string({ error: expected('an absolute path') })
  .refine((p) => p.startsWith('/'), { error: expected('an absolute path') });

// Health trackers (keepalived's vrrp_script, track_file, track_process, plus native HTTP and TCP
// checks) and how an instance refers to them. Weight rules (keepalived.conf(5)): 0 puts the
// instance in FAULT while the tracker fails; > 0 is added while it succeeds; < 0 while it fails.
import { z } from 'zod';

import {
  durationMs,
  expected,
  expectedMapping,
  hostAddress,
  instanceName,
  intIn,
  interfaceName,
} from './field-schemas.js';

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

const weight = intIn(-254, 254);
const absolutePath = z
  .string({ error: expected('an absolute path') })
  .refine((p) => p.startsWith('/'), { error: expected('an absolute path') });

const timing = {
  interval: durationMs(10, HOUR_MS).default(1 * SECOND_MS),
  timeout: durationMs(10, HOUR_MS).optional(),
  weight: weight.default(0),
  rise: intIn(1, 255).default(1),
  fall: intIn(1, 255).default(1),
  /** keepalived's init_fail: start as failed (needs `rise` successes), not as not-yet-known. */
  initFail: z.boolean({ error: expected('true or false') }).optional(),
};

const scriptTracker = z.strictObject(
  {
    name: instanceName,
    type: z.literal('script'),
    script: absolutePath,
    args: z
      .array(z.string({ error: expected('a string') }), { error: expected('a list of arguments') })
      .default([]),
    user: z
      .string({ error: expected('a user name') })
      .min(1)
      .optional(),
    ...timing,
  },
  {
    error: expectedMapping(
      'a mapping { name, type: script, script, args, user, interval, timeout, weight, rise, fall, initFail }',
    ),
  },
);

const httpTracker = z.strictObject(
  {
    name: instanceName,
    type: z.literal('http'),
    url: z
      .string({ error: expected('an http:// or https:// URL') })
      .refine((u) => /^https?:\/\/[^\s]+$/.test(u), {
        error: expected('an http:// or https:// URL'),
      }),
    expectStatus: intIn(100, 599).default(200),
    /** false: accept any certificate (a self-signed one on the local service), as curl -k. */
    tlsVerify: z.boolean({ error: expected('true or false') }).default(true),
    ...timing,
  },
  {
    error: expectedMapping(
      'a mapping { name, type: http, url, expectStatus, tlsVerify, interval, timeout, weight, rise, fall }',
    ),
  },
);

const tcpTracker = z.strictObject(
  {
    name: instanceName,
    type: z.literal('tcp'),
    host: hostAddress,
    port: intIn(1, 65535),
    ...timing,
  },
  {
    error: expectedMapping(
      'a mapping { name, type: tcp, host, port, interval, timeout, weight, rise, fall }',
    ),
  },
);

const fileTracker = z.strictObject(
  {
    name: instanceName,
    type: z.literal('file'),
    path: absolutePath,
    weight: weight.default(1),
    interval: durationMs(10, HOUR_MS).default(1 * SECOND_MS),
  },
  { error: expectedMapping('a mapping { name, type: file, path, weight, interval }') },
);

const processTracker = z.strictObject(
  {
    name: instanceName,
    type: z.literal('process'),
    process: z
      .string({ error: expected('a process name') })
      .min(1)
      .max(15, { error: expected('a process name of at most 15 characters (/proc/<pid>/comm)') }),
    minProcesses: intIn(1, 65535).default(1),
    ...timing,
  },
  {
    error: expectedMapping(
      'a mapping { name, type: process, process, minProcesses, interval, weight, rise, fall }',
    ),
  },
);

const TYPES = ['script', 'http', 'tcp', 'file', 'process'] as const;

export const trackerFields = z.discriminatedUnion(
  'type',
  [scriptTracker, httpTracker, tcpTracker, fileTracker, processTracker],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `expected "type" to be one of ${TYPES.join(', ')}`
        : expected(`a mapping { name, type: ${TYPES.join(' | ')}, ... }`)(issue),
  },
);

/** An instance's track entry: a named tracker, or an interface's link. */
export const trackEntry = z.union(
  [
    z.strictObject({ tracker: instanceName, weight: weight.optional() }),
    z.strictObject({ interface: interfaceName, weight: weight.default(0) }),
  ],
  { error: () => 'expected a mapping { tracker, weight } or { interface, weight }' },
);

export type TrackerFields = z.output<typeof trackerFields>;

// The keys of one instance and of its sub-mappings, value by value, with their defaults.
// Durations are whole milliseconds here; schema.ts renames and normalises them.
import { z } from 'zod';

import {
  bool,
  durationMs,
  expected,
  expectedMapping,
  hostAddress,
  instanceName,
  intIn,
  interfaceName,
  oneOf,
  vipEntry,
} from './field-schemas.js';
import { cloudTargets } from './cloud-fields.js';
import { notifyFields } from './notify-fields.js';
import { peerProbe, probeInterval } from './peer-probe-fields.js';
import { trackEntry } from './track-fields.js';

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

export const unicastFields = z.strictObject(
  {
    /** Default: the interface's primary address of the instance's family. */
    source: hostAddress.optional(),
    peers: z.array(hostAddress, { error: expected('a list of IP addresses') }).default([]),
    /** false: adverts only from listed peers are accepted. */
    acceptUnknownPeers: bool.default(false),
    /** Split-brain diagnosis: is a silent peer up? Default icmp (peer-probe-fields.ts). */
    probe: peerProbe.optional(),
    probeInterval: probeInterval.optional(),
  },
  {
    error: expectedMapping('a mapping { source, peers, acceptUnknownPeers, probe, probeInterval }'),
  },
);

export const autoFields = z.strictObject(
  {
    /** With a peer known and multicast silent this long, auto mode switches to unicast. */
    multicastSilence: durationMs(100, HOUR_MS).default(5 * SECOND_MS),
  },
  { error: expectedMapping('a mapping { multicastSilence }') },
);

const V2_PASSWORD_MAX_BYTES = 8;

// The password is never echoed in a message: messages end up in logs.
const password = z
  .string({
    error: (issue) =>
      issue.input === undefined ? 'required: expected a password' : 'expected a string (quote it)',
  })
  .superRefine((text, ctx) => {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes === 0) ctx.addIssue({ code: 'custom', message: 'expected 1 to 8 bytes, got none' });
    if (bytes > V2_PASSWORD_MAX_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `expected at most 8 bytes, got ${bytes}: VRRPv2 carries 8 (keepalived silently truncates a longer one; floatd refuses it)`,
      });
    }
  });

/** RFC 3768 §5.3.6 / keepalived auth_pass: the simple text password of VRRPv2. */
export const authenticationFields = z.strictObject(
  {
    type: z.literal('pass', { error: expected('"pass" (AH is not supported)') }),
    password,
  },
  { error: expectedMapping('a mapping { type: pass, password }') },
);

/** keepalived's garp_master_delay, _repeat, _refresh, _refresh_repeat and garp_interval. */
export const garpFields = z.strictObject(
  {
    /** Second burst this long after becoming MASTER; 0: none. */
    masterDelay: durationMs(0, 1000 * SECOND_MS).default(5 * SECOND_MS),
    masterRepeat: intIn(1, 255).default(5),
    /** Refresh period while MASTER; 0: off. */
    masterRefresh: durationMs(0, 24 * HOUR_MS).default(0),
    masterRefreshRepeat: intIn(1, 255).default(1),
    /** Between the GARPs of one burst. */
    interval: durationMs(0, 10 * SECOND_MS).default(0),
  },
  {
    error: expectedMapping(
      'a mapping { masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, interval }',
    ),
  },
);

export const instanceFields = z.strictObject(
  {
    name: instanceName,
    vrid: intIn(1, 255),
    interface: interfaceName,
    priority: intIn(1, 255).default(100),
    version: z.literal([2, 3], { error: expected('2 or 3') }).default(3),
    // The range depends on the version: instance-rules.ts.
    advertInterval: durationMs(0).default(1 * SECOND_MS),
    preempt: bool.default(true),
    // keepalived's preempt_delay range.
    preemptDelay: durationMs(0, 1000 * SECOND_MS).default(0),
    acceptMode: bool.default(false),
    vips: z
      .array(vipEntry, { error: expected('a list of VIPs like "10.0.0.1/24"') })
      .min(1, { error: 'expected at least one VIP' }),
    mode: oneOf(['multicast', 'unicast', 'auto']).default('multicast'),
    unicast: unicastFields.optional(),
    auto: autoFields.prefault({}),
    authentication: authenticationFields.optional(),
    garp: garpFields.prefault({}),
    checkAddressList: bool.default(true),
    /** Moved to this host when the instance becomes MASTER (issue: cloud failover). */
    cloud: cloudTargets.default([]),
    /** Trackers whose results change this instance's priority or put it in FAULT. */
    track: z.array(trackEntry, { error: expected('a list of track entries') }).default([]),
    notify: notifyFields.optional(),
  },
  { error: expectedMapping('a mapping with name, vrid, interface and vips') },
);

export type InstanceFields = z.output<typeof instanceFields>;

// The split-brain diagnosis' probe of each unicast peer (issue 14): is the peer up while its
// adverts do not arrive? ICMP echo by default; a TCP port where ICMP is filtered; in EC2, the
// API saying the peer's instance is running (needs the cloud: section: its client and identity);
// off.
import { z } from 'zod';

import { durationMs, intIn } from './field-schemas.js';

const PROBE_WHAT = 'icmp, ec2, off, or a mapping { tcp: PORT }';

export const peerProbe = z.union(
  [z.literal('icmp'), z.literal('ec2'), z.literal('off'), z.strictObject({ tcp: intIn(1, 65535) })],
  { error: () => `expected ${PROBE_WHAT}` },
);

/** Default: the advert interval, within these bounds (a probe per interval is cheap). */
export const probeInterval = durationMs(10, 60_000);

export type PeerProbeFields = z.output<typeof peerProbe>;

/** The normalised probe: a kind, and the port for TCP. */
export type PeerProbeConfig =
  | { readonly kind: 'icmp' }
  | { readonly kind: 'ec2' }
  | { readonly kind: 'off' }
  | { readonly kind: 'tcp'; readonly port: number };

export function normalisePeerProbe(fields: PeerProbeFields): PeerProbeConfig {
  return typeof fields === 'string' ? { kind: fields } : { kind: 'tcp', port: fields.tcp };
}

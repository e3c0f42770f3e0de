// bench:failover's command line: the case (one VIP, or many VIPs), faults, reps, interval.
import { parseArgs } from 'node:util';
import { FAULT_HELP, FAULT_NAMES } from './faults.js';
import type { FaultName } from './faults.js';
import { parseLayout, VIP_BLOCK } from './many-vips/layout.js';
import type { Layout } from './many-vips/layout.js';
import { TOLERANCE_MS } from './report.js';
import { IMPL_NAMES } from './routers.js';
import type { FloatdFrom, ImplName } from './routers.js';
import { BACKUP_PRIORITY, MASTER_PRIORITY } from './run.js';

export type BenchCase = 'single' | 'many-vips';

export interface BenchOptions {
  readonly case: BenchCase;
  readonly floatdFrom: FloatdFrom;
  readonly reps: number;
  readonly advertIntervalMs: number;
  readonly faults: readonly FaultName[];
  readonly impls: readonly ImplName[];
  /** many-vips only. */
  readonly layouts: readonly Layout[];
  /** many-vips: the client's probe interval per VIP; undefined: from the VIP count. */
  readonly probeMs: number | undefined;
  /** many-vips: floatd's takeover → last GARP of the first burst must be within this. */
  readonly garpTargetMs: number;
}

const DEFAULT_LAYOUTS = '2x20,255x1';
const DEFAULT_GARP_TARGET_MS = 20;

export const USAGE = `Usage: npm run bench:failover -- [options]

Runs floatd and then keepalived (VRRP v3, h1 priority ${MASTER_PRIORITY} MASTER, h2 priority ${BACKUP_PRIORITY}
BACKUP) in one 3-host network-namespace lab, the same faults on h1 at the same advert phases
for both. Needs root, iproute2, keepalived, tcpdump (optional for --case single).

--case single (default): one VRID, one VIP. Takeover = (the VIP appears on h2, per the
kernel's address event) - (the fault's injection), with where the time went.

--case many-vips: every layout of --layouts (INSTANCESxVIPS: 2x20 is two VRIDs with 20 VIPs
each, 255x1 is VRIDs 1-255 with one VIP each; keepalived gets one vrrp_instance per VRID), VIPs
as /32s from ${VIP_BLOCK}. A tap in h3 sees the wire: an instance's takeover = its first advert
from h2; then, per instance, takeover -> the last gratuitous ARP of h2's first burst (the 4.5 s
before the second burst, garp_master_delay 5 s; the worst instance is reported) and the frames
(VIPs x 5 expected), takeover -> every VIP announced once and -> the last VIP added on h2.
A client in h3 pings every VIP all along (ICMP through its
own neighbour cache): the outage per VIP is its gap in replies around the fault, median and
max over all VIPs and reps (resolution: the probe interval).

Faults:
${FAULT_NAMES.map((f) => `  ${f.padEnd(9)} ${FAULT_HELP[f]}`).join('\n')}

Options:
  --case CASE         single | many-vips (default single)
  --floatd-from FROM  build: compile first (npm run build) and run dist/, as a release runs
                      floatd (default); source: run src/ under tsx (slower to react: ~1 ms
                      more on the Master_Down path, measured)
  --reps N            repetitions per fault and implementation (default 5; many-vips 3)
  --interval-ms MS    advert interval, 10..40950 in steps of 10 (default 1000)
  --faults LIST       comma-separated, from: ${FAULT_NAMES.join(',')} (default: all; many-vips:
                      sigterm,kill)
  --impls LIST        comma-separated, from: ${IMPL_NAMES.join(',')} (default: both)
  --layouts LIST      many-vips: comma-separated INSTANCESxVIPS (default ${DEFAULT_LAYOUTS})
  --probe-ms MS       many-vips: the client's probe interval per VIP (default: 10 ms, or
                      VIPs / 2 ms when that is more: ~2000 probes a second)
  --garp-target-ms MS many-vips: floatd's target for takeover -> last GARP (default ${DEFAULT_GARP_TARGET_MS}, the
                      issue's target for 200 VIPs; applied to every layout)
  -h, --help          this text

Exit status: 0 when, for every fault, floatd's median takeover is within ${TOLERANCE_MS} ms of keepalived's
or better (for kill and linkdown at equal phase: the median excess over the RFC 5798 figure,
as phases differ by a few ms between the runs) and, with many-vips, floatd's first GARP burst is
complete and its median takeover -> last GARP meets the target; 1 when not; 2 on bad
arguments; 3 when the bench could not run. Timing on a shared machine is noisy: compare the
two implementations within one run, over enough reps.`;

function listOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((f) => f.trim());
  const unknown = items.filter((f) => !(allowed as readonly string[]).includes(f));
  if (unknown.length > 0 || items.length === 0) {
    throw new RangeError(`${flag}: unknown ${unknown.join(', ')}; choose from ${allowed}`);
  }
  return [...new Set(items as T[])];
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      case: { type: 'string', default: 'single' },
      'floatd-from': { type: 'string', default: 'build' },
      reps: { type: 'string' },
      'interval-ms': { type: 'string', default: '1000' },
      faults: { type: 'string' },
      impls: { type: 'string', default: IMPL_NAMES.join(',') },
      layouts: { type: 'string', default: DEFAULT_LAYOUTS },
      'probe-ms': { type: 'string' },
      'garp-target-ms': { type: 'string', default: String(DEFAULT_GARP_TARGET_MS) },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.case !== 'single' && values.case !== 'many-vips') {
    throw new RangeError(`--case must be single or many-vips, got "${values.case}"`);
  }
  const many = values.case === 'many-vips';
  const floatdFrom = values['floatd-from'];
  if (floatdFrom !== 'build' && floatdFrom !== 'source') {
    throw new RangeError(`--floatd-from must be build or source, got "${floatdFrom}"`);
  }
  const intervalMs = Number(values['interval-ms']);
  // VRRP v3 carries centiseconds in 12 bits (RFC 5798 §5.2.7).
  if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 40_950 || intervalMs % 10) {
    throw new RangeError(
      `--interval-ms must be 10..40950 in steps of 10, got "${values['interval-ms']}"`,
    );
  }
  return {
    case: values.case,
    floatdFrom,
    reps: wholeNumber('--reps', values.reps ?? (many ? '3' : '5'), 1, 1000),
    advertIntervalMs: intervalMs,
    faults: listOf('--faults', values.faults ?? (many ? 'sigterm,kill' : FAULT_NAMES.join(',')), [
      ...FAULT_NAMES,
    ]),
    impls: listOf('--impls', values.impls, [...IMPL_NAMES]),
    layouts: values.layouts.split(',').map(parseLayout),
    probeMs:
      values['probe-ms'] === undefined
        ? undefined
        : wholeNumber('--probe-ms', values['probe-ms'], 1, 10_000),
    garpTargetMs: wholeNumber('--garp-target-ms', values['garp-target-ms'], 0, 600_000),
  };
}

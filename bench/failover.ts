// npm run bench:failover -- [--reps N] [--interval-ms MS] [--faults sigterm,kill,linkdown]
// Takeover time of floatd and keepalived, in one lab, measured with one yardstick: the kernel's
// address event for the VIP on the backup, from the moment the fault is injected on the MASTER.
import { parseArgs } from 'node:util';
import { AddressWatch } from '../src/lab/agents.js';
import { Lab, labUnavailableReason } from '../src/lab/lab.js';
import { AdvertTap } from './failover/advert-tap.js';
import { FAULT_HELP, FAULT_NAMES } from './failover/faults.js';
import type { FaultName } from './failover/faults.js';
import { breakdownTable, takeoverTable, TOLERANCE_MS, verdicts } from './failover/report.js';
import { IMPL_NAMES } from './failover/routers.js';
import type { BenchPlan } from './failover/run.js';
import { BACKUP_PRIORITY, MASTER_PRIORITY, runBench, theory } from './failover/run.js';

const EXIT = { ok: 0, worse: 1, usage: 2, failed: 3 } as const;

const usage = `Usage: npm run bench:failover -- [options]

Runs floatd and then keepalived (VRRP v3, h1 priority ${MASTER_PRIORITY} MASTER, h2 priority ${BACKUP_PRIORITY}
BACKUP, one VIP) in one 3-host network-namespace lab and measures, for each fault on h1,
takeover = (the VIP appears on h2, per the kernel's address event) - (the fault's injection).
Faults are spread over the advert interval's phase (after an advert of h1 seen from h3), the
same phases for both implementations. Needs root, iproute2, keepalived; tcpdump is optional.

Faults:
${FAULT_NAMES.map((f) => `  ${f.padEnd(9)} ${FAULT_HELP[f]}`).join('\n')}

Options:
  --reps N            repetitions per fault and implementation (default 5)
  --interval-ms MS    advert interval, 10..40950 in steps of 10 (default 1000)
  --faults LIST       comma-separated, from: ${FAULT_NAMES.join(',')} (default: all)
  -h, --help          this text

Exit status: 0 when floatd's median takeover is within ${TOLERANCE_MS} ms of keepalived's or better for
every fault, 1 when it is worse for one, 2 on bad arguments, 3 when the bench could not run.`;

function parsePlan(argv: readonly string[]): BenchPlan | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      reps: { type: 'string', default: '5' },
      'interval-ms': { type: 'string', default: '1000' },
      faults: { type: 'string', default: FAULT_NAMES.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1 || reps > 1000) {
    throw new RangeError(`--reps must be a whole number from 1 to 1000, got "${values.reps}"`);
  }
  const intervalMs = Number(values['interval-ms']);
  // VRRP v3 carries centiseconds in 12 bits (RFC 5798 §5.2.7).
  if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 40_950 || intervalMs % 10) {
    throw new RangeError(
      `--interval-ms must be 10..40950 in steps of 10, got "${values['interval-ms']}"`,
    );
  }
  const faults = values.faults.split(',').map((f) => f.trim());
  const unknown = faults.filter((f) => !(FAULT_NAMES as readonly string[]).includes(f));
  if (unknown.length > 0 || faults.length === 0) {
    throw new RangeError(`--faults: unknown ${unknown.join(', ')}; choose from ${FAULT_NAMES}`);
  }
  return {
    reps,
    advertIntervalMs: intervalMs,
    faults: [...new Set(faults as FaultName[])],
    impls: IMPL_NAMES,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let plan: BenchPlan | 'help';
  try {
    plan = parsePlan(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return EXIT.usage;
  }
  if (plan === 'help') {
    console.log(usage);
    return EXIT.ok;
  }
  const unavailable = labUnavailableReason();
  if (unavailable !== undefined) {
    console.error(`bench:failover: ${unavailable}`);
    return EXIT.failed;
  }

  const { skewMs, mdiMs } = theory(plan.advertIntervalMs);
  const lab = await Lab.create({ hosts: 3 });
  return lab.runThenDestroy(() => bench(lab, plan, skewMs, mdiMs));
}

async function bench(lab: Lab, plan: BenchPlan, skewMs: number, mdiMs: number): Promise<number> {
  try {
    const watch = await AddressWatch.start(lab.host(2));
    const tap = await AdvertTap.start(lab.host(3));
    console.log(
      `bench:failover: VRRP v3, advert interval ${plan.advertIntervalMs} ms, ${plan.reps} reps, ` +
        `VIP ${lab.address(100)}; h1 ${MASTER_PRIORITY}, h2 ${BACKUP_PRIORITY}.\n` +
        `Theory for h2 (RFC 5798 §6.1): Skew_Time ${skewMs.toFixed(1)} ms, ` +
        `Master_Down_Interval = 3 x ${plan.advertIntervalMs} + Skew_Time = ${mdiMs.toFixed(1)} ms ` +
        `(a silent MASTER is noticed MDI after its last advert: MDI - phase after the fault).\n` +
        (tap === undefined
          ? 'tcpdump unavailable: fault phases are blind and no advert-based breakdown.\n'
          : ''),
    );
    const samples = await runBench({ lab, watch, tap, say: (line) => console.log(line) }, plan);
    const results = verdicts(samples, plan.faults);
    console.log(
      [
        '',
        'Takeover = VIP on h2 (kernel address event) - fault injected on h1, in ms;',
        'excess_med = median of (takeover - the theory for that sample: Skew_Time, or MDI - phase).',
        takeoverTable(samples, plan.faults, plan.impls, { skewMs, mdiMs }),
        '',
        'Where the time went (medians, ms; adverts as captured on h3): phase = from the last advert',
        "of h1 to the fault; release = from the fault to h1's priority-0 advert; advert→vip = from",
        "that advert to the VIP on h2; log→vip = from h2's logged MASTER transition to the VIP on h2",
        '(keepalived logs no sub-second time).',
        breakdownTable(samples, plan.faults, plan.impls),
        '',
        `Verdict (floatd may be up to ${TOLERANCE_MS} ms slower in median):`,
        ...results.map((v) => `  ${v.line}`),
      ].join('\n'),
    );
    return results.every((v) => v.ok) ? EXIT.ok : EXIT.worse;
  } catch (error) {
    console.error(`bench:failover failed: ${(error as Error).stack ?? String(error)}`);
    return EXIT.failed;
  }
}

process.exitCode = await main(process.argv.slice(2));

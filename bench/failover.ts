// npm run bench:failover -- [--case single|many-vips] [--reps N] [--interval-ms MS] [...]
// Takeover time of floatd and keepalived, in one lab, measured with one yardstick: the kernel's
// address event for the VIP on the backup (and, with many VIPs, the wire seen from a third host),
// from the moment the fault is injected on the MASTER. --help says everything.
import { execFileSync } from 'node:child_process';
import { PACKAGE_ROOT } from '../src/agent/cli/self-command.js';
import { AddressWatch, labTempDir } from '../lab/agents.js';
import { Lab, labUnavailableReason } from '../lab/lab.js';
import { AdvertTap } from './failover/advert-tap.js';
import { VipClient } from '../lab/vip-client.js';
import { allVips, VIP_BLOCK } from './failover/many-vips/layout.js';
import { manyVipTable, manyVipVerdicts } from './failover/many-vips/report.js';
import { BURST_WINDOW_MS, GARP_REPEAT, runManyVips } from './failover/many-vips/run.js';
import { WireTap } from './failover/many-vips/wire-tap.js';
import type { BenchOptions } from './failover/options.js';
import { parseOptions, USAGE } from './failover/options.js';
import { breakdownTable, takeoverTable, TOLERANCE_MS, verdicts } from './failover/report.js';
import { BACKUP_PRIORITY, MASTER_PRIORITY, runBench, theory } from './failover/run.js';

const EXIT = { ok: 0, worse: 1, usage: 2, failed: 3 } as const;

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options === 'help') {
    console.log(USAGE);
    return EXIT.ok;
  }
  const unavailable = labUnavailableReason();
  if (unavailable !== undefined) {
    console.error(`bench:failover: ${unavailable}`);
    return EXIT.failed;
  }
  const plan = options;
  if (plan.floatdFrom === 'build' && plan.impls.includes('floatd')) {
    try {
      buildFloatd();
    } catch (error) {
      console.error(`bench:failover: building floatd failed: ${(error as Error).message}`);
      return EXIT.failed;
    }
  }
  const lab = await Lab.create({ hosts: 3 });
  return lab.runThenDestroy(async () => {
    try {
      return plan.case === 'single' ? await single(lab, plan) : await manyVips(lab, plan);
    } catch (error) {
      console.error(`bench:failover failed: ${(error as Error).stack ?? String(error)}`);
      return EXIT.failed;
    }
  });
}

/** `npm run build` (tsc into dist/): the bench runs floatd as a release does. */
function buildFloatd(): void {
  console.log('bench:failover: building floatd (npm run build) to run it as a release does...');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
}

function theoryLine(intervalMs: number): string {
  const { skewMs, mdiMs } = theory(intervalMs);
  return (
    `Theory for h2 (RFC 5798 §6.1): Skew_Time ${skewMs.toFixed(1)} ms, ` +
    `Master_Down_Interval = 3 x ${intervalMs} + Skew_Time = ${mdiMs.toFixed(1)} ms ` +
    `(a silent MASTER is noticed MDI after its last advert: MDI - phase after the fault).`
  );
}

async function single(lab: Lab, plan: BenchOptions): Promise<number> {
  const watch = await AddressWatch.start(lab.host(2));
  const tap = await AdvertTap.start(lab.host(3));
  console.log(
    `bench:failover: VRRP v3, advert interval ${plan.advertIntervalMs} ms, ${plan.reps} reps, ` +
      `floatd from ${plan.floatdFrom === 'build' ? 'dist/ (built)' : 'src/ (tsx)'}, ` +
      `VIP ${lab.address(100)}; h1 ${MASTER_PRIORITY}, h2 ${BACKUP_PRIORITY}.\n` +
      `${theoryLine(plan.advertIntervalMs)}\n` +
      (tap === undefined
        ? 'tcpdump unavailable: fault phases are blind and no advert-based breakdown.\n'
        : ''),
  );
  const samples = await runBench({ lab, watch, tap, say: (line) => console.log(line) }, plan);
  const { skewMs, mdiMs } = theory(plan.advertIntervalMs);
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
      '(keepalived logs no sub-second time; floatd logs a transition once its advert and address',
      'change are out, in whole ms).',
      breakdownTable(samples, plan.faults, plan.impls),
      '',
      `Verdict (floatd may be up to ${TOLERANCE_MS} ms slower in median):`,
      ...results.map((v) => `  ${v.line}`),
    ].join('\n'),
  );
  return results.every((v) => v.ok) ? EXIT.ok : EXIT.worse;
}

async function manyVips(lab: Lab, plan: BenchOptions): Promise<number> {
  const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
  const [h1Mac, h2Mac] = [await h1.mac(), await h2.mac()];
  const firstVrid = plan.layouts[0]?.instances[0]?.vrid ?? 1;
  // All ARP; h2's adverts; h1's of one VRID (the phase of the faults). ip[21]: the VRID byte.
  const filter = `arp or (ip proto 112 and (ether src ${h2Mac} or (ether src ${h1Mac} and ip[21] = ${firstVrid})))`;
  const tap = await WireTap.start(h3, labTempDir(), filter);
  if (tap === undefined)
    throw new Error('--case many-vips needs tcpdump in the lab (apt-get install tcpdump)');
  // The client reaches the VIP block on its link (it asks ARP for each VIP itself).
  await h3.exec('ip', ['route', 'add', VIP_BLOCK, 'dev', 'eth0']);
  const watch = await AddressWatch.start(h2);
  const vipCount = Math.max(...plan.layouts.map((l) => allVips(l).length));
  console.log(
    `bench:failover --case many-vips: VRRP v3, advert interval ${plan.advertIntervalMs} ms, ` +
      `floatd from ${plan.floatdFrom === 'build' ? 'dist/ (built)' : 'src/ (tsx)'}, ` +
      `${plan.reps} reps, layouts ${plan.layouts.map((l) => l.label).join(', ')} (VIPs /32 from ` +
      `${VIP_BLOCK}); h1 ${MASTER_PRIORITY}, h2 ${BACKUP_PRIORITY}.\n${theoryLine(plan.advertIntervalMs)}\n`,
  );
  const samples = [];
  for (const layout of plan.layouts) {
    const vips = allVips(layout);
    const probeMs = plan.probeMs ?? Math.max(10, Math.ceil(vips.length / 2));
    const client = await VipClient.start(h3, vips, probeMs);
    console.log(
      `${layout.label}: ${layout.instances.length} VRIDs, ${vips.length} VIPs; the client probes ` +
        `each VIP every ${probeMs} ms.`,
    );
    try {
      samples.push(
        ...(await runManyVips(
          { lab, tap, client, watch, h1Mac, h2Mac, say: (line) => console.log(line) },
          { ...plan, layouts: [layout], dir: labTempDir() },
        )),
      );
    } finally {
      await client.stop();
    }
  }
  const results = manyVipVerdicts(samples, plan.layouts, plan.faults, plan.garpTargetMs);
  console.log(
    [
      '',
      `Per layout, fault and implementation (ms; medians over reps unless said; up to ${vipCount} VIPs):`,
      "takeover = fault -> h2's first advert on the wire (first instance); excess = takeover - theory (Skew_Time,",
      "or MDI - phase); last_inst = fault -> the last instance's first advert (each instance has its",
      "own advert phase). Per instance from its own takeover: last_garp = -> h2's last gratuitous",
      `ARP of its first burst (within ${BURST_WINDOW_MS} ms), the worst instance; frames_min = the fewest GARP`,
      `frames in those bursts over the reps / VIPs x ${GARP_REPEAT}; all_garped = -> every VIP announced`,
      "once; last_vip_added = -> the last VIP in h2's kernel; outage = the client's reply gap per",
      'VIP, median and max over every VIP of every rep; never_back = VIPs that did not answer',
      'again within 60 s.',
      manyVipTable(samples, plan.layouts, plan.faults, plan.impls),
      '',
      `Verdict (GARP target ${plan.garpTargetMs} ms for floatd; takeover within ${TOLERANCE_MS} ms of keepalived):`,
      ...results.map((v) => `  ${v.line}`),
    ].join('\n'),
  );
  await tap.stop(); // tcpdump says what it dropped when it ends
  const dropped = tap.droppedByKernel();
  if (dropped !== undefined && dropped > 0) {
    console.log(`(the tap's kernel buffer dropped ${dropped} frames: counts may be low)`);
  }
  return results.every((v) => v.ok) ? EXIT.ok : EXIT.worse;
}

process.exitCode = await main(process.argv.slice(2));

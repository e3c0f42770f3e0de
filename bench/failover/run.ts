// The measurement loop: for each fault and each implementation, a MASTER/BACKUP pair in one lab,
// `reps` faults on the MASTER at phases spread over an advert interval, and h1 restored between.
import type { AddressWatch } from '../../lab/agents.js';
import { labTempDir, sleep } from '../../lab/agents.js';
import type { Lab, LabHost } from '../../lab/lab.js';
import { masterDownIntervalMs, skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import type { AdvertTap } from './advert-tap.js';
import type { FaultName } from './faults.js';
import { injectFault, restoreHost, wallNowMs } from './faults.js';
import type { FloatdFrom, ImplName, Implementation, Router } from './routers.js';
import { implementation } from './routers.js';

export const MASTER_PRIORITY = 150;
export const BACKUP_PRIORITY = 100;
const VRID = 51;
const VIP_OCTET = 100;

export interface BenchPlan {
  readonly floatdFrom: FloatdFrom;
  readonly reps: number;
  readonly advertIntervalMs: number;
  readonly faults: readonly FaultName[];
  readonly impls: readonly ImplName[];
}

export interface Sample {
  readonly fault: FaultName;
  readonly impl: ImplName;
  readonly rep: number;
  /** Fault injection → the VIP appears on h2 (the kernel's address event). */
  readonly takeoverMs: number;
  /** What RFC 5798 predicts for this sample (Skew_Time; or MDI minus the phase). */
  readonly theoryMs: number | undefined;
  /** Fault time minus h1's last advert on the wire before it (kill, linkdown). */
  readonly phaseMs: number | undefined;
  /** sigterm: fault → h1's priority-0 advert on the wire. */
  readonly releaseLagMs: number | undefined;
  /** The advert h2 acted on (last one heard, or the priority-0 one) → VIP on h2. */
  readonly advertToVipMs: number | undefined;
  /** h2's logged MASTER transition → VIP on h2 (floatd: pino's time; keepalived: n/a). */
  readonly logToVipMs: number | undefined;
}

/** The theoretical figures for the backup (priority 100), RFC 5798 §6.1. */
export function theory(advertIntervalMs: number): { skewMs: number; mdiMs: number } {
  const cs = advertIntervalMs / 10;
  return {
    skewMs: skewTimeMs(3, BACKUP_PRIORITY, cs),
    mdiMs: masterDownIntervalMs(3, BACKUP_PRIORITY, cs),
  };
}

/** Phases spread evenly over one interval, in a random order shared by both implementations. */
export function spreadPhases(reps: number, advertIntervalMs: number): number[] {
  const phases = Array.from({ length: reps }, (_, i) => ((i + 0.5) / reps) * advertIntervalMs);
  for (let i = phases.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [phases[i], phases[j]] = [phases[j] as number, phases[i] as number];
  }
  return phases.map(Math.round);
}

export interface BenchContext {
  readonly lab: Lab;
  readonly watch: AddressWatch;
  readonly tap: AdvertTap | undefined;
  readonly say: (line: string) => void;
}

export async function runBench(ctx: BenchContext, plan: BenchPlan): Promise<Sample[]> {
  const samples: Sample[] = [];
  const dir = labTempDir();
  for (const fault of plan.faults) {
    const phases = spreadPhases(plan.reps, plan.advertIntervalMs);
    for (const name of plan.impls) {
      const impl = implementation(name, {
        instances: [{ vrid: VRID, vips: [ctx.lab.address(VIP_OCTET)] }],
        floatdFrom: plan.floatdFrom,
        prefixLength: 24,
        advertIntervalMs: plan.advertIntervalMs,
        dir,
      });
      samples.push(...(await runBlock(ctx, plan, impl, fault, phases)));
    }
  }
  return samples;
}

async function runBlock(
  ctx: BenchContext,
  plan: BenchPlan,
  impl: Implementation,
  fault: FaultName,
  phases: readonly number[],
): Promise<Sample[]> {
  const { lab, watch, tap, say } = ctx;
  const [h1host, h2host] = [lab.host(1), lab.host(2)];
  const vip = lab.address(VIP_OCTET);
  const intervalMs = plan.advertIntervalMs;
  const { skewMs, mdiMs } = theory(intervalMs);
  // Generous: an agent restart under tsx, then MDI for h1 to find no MASTER or to preempt.
  const convergeMs = 2 * mdiMs + 20_000;

  let h1 = await impl.start(h1host, MASTER_PRIORITY);
  let h2: Router | undefined;
  const samples: Sample[] = [];
  try {
    h2 = await impl.start(h2host, BACKUP_PRIORITY);
    await h1.waitForState('master', 0, convergeMs);
    await h2.waitForState('backup', 0, convergeMs);
    for (let rep = 0; rep < plan.reps; rep++) {
      // Settle: two intervals of the pair in steady state, then the VIP on h1 only.
      await sleep(2 * intervalMs);
      await expectHolder(h1host, h2host, vip);
      const phaseTarget = phases[rep] ?? 0;
      await waitForPhase(tap, h1host.ip, phaseTarget, intervalMs);

      const h2Mark = h2.mark();
      const faultAtMs = await injectFault(fault, h1);
      const vipAtMs = await watch.waitForAdd(vip, faultAtMs, mdiMs + 10_000);
      const entry = await h2.waitForState('master', h2Mark, 5000);
      const sample = toSample(fault, impl.name, rep, faultAtMs, vipAtMs, entry.atMs, {
        tap,
        src: h1host.ip,
        skewMs,
        mdiMs,
      });
      samples.push(sample);
      say(progressLine(sample));

      // Restore: h1 back as MASTER, h2 back to BACKUP (and so without the VIP).
      const h2Back = h2.mark();
      const restored = await restoreHost(fault, h1, impl, MASTER_PRIORITY);
      h1 = restored.router;
      await h1.waitForState('master', restored.mark, convergeMs);
      await h2.waitForState('backup', h2Back, convergeMs);
    }
  } finally {
    await stopPair(h2 === undefined ? [h1] : [h1, h2], vip);
  }
  return samples;
}

/** Sleep until `phaseMs` after one of h1's adverts on the wire (blindly when there is no tap). */
async function waitForPhase(
  tap: AdvertTap | undefined,
  src: string,
  phaseMs: number,
  intervalMs: number,
): Promise<void> {
  if (tap === undefined) {
    await sleep(phaseMs);
    return;
  }
  const advert = await tap.next(src, wallNowMs(), 3 * intervalMs + 2000);
  // Seen too late for this phase (the tap lags a few ms): the same phase after a later advert,
  // which the MASTER sends at its interval. Waiting for that one on the tap could lag again.
  let atMs = advert.atMs + phaseMs;
  while (atMs - wallNowMs() < 1) atMs += intervalMs;
  await sleep(atMs - wallNowMs());
}

function toSample(
  fault: FaultName,
  impl: ImplName,
  rep: number,
  faultAtMs: number,
  vipAtMs: number,
  logAtMs: number | undefined,
  t: { tap: AdvertTap | undefined; src: string; skewMs: number; mdiMs: number },
): Sample {
  const takeoverMs = vipAtMs - faultAtMs;
  const logToVipMs = logAtMs === undefined ? undefined : vipAtMs - logAtMs;
  if (fault === 'sigterm') {
    const release = t.tap
      ?.adverts(t.src)
      .find((a) => a.atMs >= faultAtMs && a.priority === 0 && a.atMs <= vipAtMs);
    return {
      fault,
      impl,
      rep,
      takeoverMs,
      theoryMs: t.skewMs,
      phaseMs: undefined,
      releaseLagMs: release === undefined ? undefined : release.atMs - faultAtMs,
      advertToVipMs: release === undefined ? undefined : vipAtMs - release.atMs,
      logToVipMs,
    };
  }
  const last = t.tap?.lastBefore(t.src, faultAtMs);
  const phaseMs = last === undefined ? undefined : faultAtMs - last.atMs;
  return {
    fault,
    impl,
    rep,
    takeoverMs,
    theoryMs: phaseMs === undefined ? undefined : t.mdiMs - phaseMs,
    phaseMs,
    releaseLagMs: undefined,
    advertToVipMs: last === undefined ? undefined : vipAtMs - last.atMs,
    logToVipMs,
  };
}

function progressLine(s: Sample): string {
  const f = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(1));
  const parts = [
    `${s.fault.padEnd(8)} ${s.impl.padEnd(10)} #${s.rep + 1}`,
    `takeover ${f(s.takeoverMs)} ms`,
    `theory ${f(s.theoryMs)}`,
  ];
  if (s.phaseMs !== undefined) parts.push(`phase ${f(s.phaseMs)}`);
  if (s.releaseLagMs !== undefined) parts.push(`release advert +${f(s.releaseLagMs)}`);
  parts.push(`advert→VIP ${f(s.advertToVipMs)}`, `log→VIP ${f(s.logToVipMs)}`);
  return parts.join(', ');
}

async function expectHolder(h1: LabHost, h2: LabHost, vip: string): Promise<void> {
  const [on1, on2] = await Promise.all([h1.hasAddress(vip), h2.hasAddress(vip)]);
  if (!on1 || on2) {
    throw new Error(`before a fault the VIP must be on h1 only: h1 ${on1}, h2 ${on2}`);
  }
}

/** Stop both routers gracefully and leave no VIP behind for the next implementation. */
async function stopPair(routers: readonly Router[], vip: string): Promise<void> {
  await Promise.all(routers.map((r) => r.proc.kill('SIGTERM')));
  for (const r of routers) {
    await r.host.setLink(true);
    await r.host.reconnect();
    if (await r.host.hasAddress(vip)) {
      await r.host.exec('ip', ['addr', 'del', `${vip}/24`, 'dev', 'eth0']);
    }
  }
}

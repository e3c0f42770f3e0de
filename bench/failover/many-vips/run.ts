// The many-VIP measurement loop: per layout, fault and implementation, a MASTER/BACKUP pair
// carrying every instance of the layout, a client in h3 reaching every VIP, and `reps` faults
// on the MASTER at phases spread over an advert interval (the same for both implementations).
import { sleep } from '../../../lab/agents.js';
import type { AddressWatch } from '../../../lab/agents.js';
import type { Lab, LabHost } from '../../../lab/lab.js';
import { injectFault, restoreHost, wallNowMs } from '../faults.js';
import type { FaultName } from '../faults.js';
import type { FloatdFrom, ImplName, Implementation, Router } from '../routers.js';
import { implementation } from '../routers.js';
import { BACKUP_PRIORITY, MASTER_PRIORITY, spreadPhases, theory } from '../run.js';
import type { VipClient } from '../../../lab/vip-client.js';
import type { Layout } from './layout.js';
import { allVips, VIP_BLOCK, VIP_PREFIX_LENGTH } from './layout.js';
import type { WireAdvert, WireTap } from './wire-tap.js';

/** GARPs per VIP in the first burst (keepalived's garp_master_repeat = floatd's masterRepeat). */
export const GARP_REPEAT = 5;
/** The second burst comes garp_master_delay (5 s) after the first: the first's window ends before. */
export const BURST_WINDOW_MS = 4500;

export interface ManyPlan {
  readonly floatdFrom: FloatdFrom;
  readonly layouts: readonly Layout[];
  readonly reps: number;
  readonly advertIntervalMs: number;
  readonly faults: readonly FaultName[];
  readonly impls: readonly ImplName[];
  readonly dir: string;
}

export interface ManySample {
  readonly layout: string;
  readonly fault: FaultName;
  readonly impl: ImplName;
  readonly rep: number;
  readonly vipCount: number;
  /** Fault → h2's first advert on the wire for the layout's first instance. */
  readonly takeoverMs: number;
  /** Fault → the last instance's first advert from h2 (instances have their own phases). */
  readonly lastTakeoverMs: number;
  /** What RFC 5798 predicts for it: Skew_Time, or MDI minus the phase. */
  readonly theoryMs: number | undefined;
  /** sigterm: fault → h1's priority-0 advert of the first instance on the wire. */
  readonly releaseMs: number | undefined;
  /**
   * Per instance, its takeover (its first advert from h2) → the last gratuitous ARP of its first
   * burst (within BURST_WINDOW_MS); the worst instance.
   */
  readonly lastGarpMs: number | undefined;
  /** Gratuitous ARP frames of those bursts for the layout's VIPs; VIPs × GARP_REPEAT expected. */
  readonly garpFrames: number;
  /** Per VIP, its instance's takeover → its first GARP; the worst (undefined: one had none). */
  readonly allAnnouncedMs: number | undefined;
  /** Per VIP, its instance's takeover → the VIP added on h2 (kernel address events); worst. */
  readonly lastVipAddedMs: number | undefined;
  /** Per VIP: the client's reply gap around the fault (undefined: no reply again in time). */
  readonly outagesMs: readonly (number | undefined)[];
}

export interface ManyContext {
  readonly lab: Lab;
  readonly tap: WireTap;
  readonly client: VipClient;
  /** Address events on h2. */
  readonly watch: AddressWatch;
  readonly h1Mac: string;
  readonly h2Mac: string;
  readonly say: (line: string) => void;
}

export async function runManyVips(ctx: ManyContext, plan: ManyPlan): Promise<ManySample[]> {
  const samples: ManySample[] = [];
  for (const layout of plan.layouts) {
    for (const fault of plan.faults) {
      const phases = spreadPhases(plan.reps, plan.advertIntervalMs);
      for (const name of plan.impls) {
        const impl = implementation(name, {
          instances: layout.instances,
          floatdFrom: plan.floatdFrom,
          prefixLength: VIP_PREFIX_LENGTH,
          advertIntervalMs: plan.advertIntervalMs,
          dir: plan.dir,
        });
        samples.push(...(await runBlock(ctx, plan, layout, impl, fault, phases)));
      }
    }
  }
  return samples;
}

async function runBlock(
  ctx: ManyContext,
  plan: ManyPlan,
  layout: Layout,
  impl: Implementation,
  fault: FaultName,
  phases: readonly number[],
): Promise<ManySample[]> {
  const { lab, client, say } = ctx;
  const [h1host, h2host] = [lab.host(1), lab.host(2)];
  const intervalMs = plan.advertIntervalMs;
  const { mdiMs } = theory(intervalMs);
  // Generous: hundreds of instances starting under tsx, then MDI to preempt.
  const convergeMs = 2 * mdiMs + 60_000;
  const samples: ManySample[] = [];
  let h1 = await impl.start(h1host, MASTER_PRIORITY);
  let h2: Router | undefined;
  try {
    h2 = await impl.start(h2host, BACKUP_PRIORITY);
    await h1.waitForAll('master', 0, convergeMs);
    await h2.waitForAll('backup', 0, convergeMs);
    for (let rep = 0; rep < plan.reps; rep++) {
      if (!(await client.waitAllAnswering(convergeMs))) {
        throw new Error(`${layout.label} ${impl.name}: the client does not reach every VIP`);
      }
      await sleep(intervalMs);
      await waitForPhase(ctx, h1host.ip, phases[rep] ?? 0, intervalMs);
      const h2Mark = h2.mark();
      const faultAtMs = await injectFault(fault, h1);
      const sample = await measure(ctx, plan, layout, impl.name, fault, rep, faultAtMs, h2host);
      samples.push(sample);
      say(progressLine(sample));
      await h2.waitForAll('master', h2Mark, convergeMs);

      const h2Back = h2.mark();
      const restored = await restoreHost(fault, h1, impl, MASTER_PRIORITY);
      h1 = restored.router;
      await h1.waitForAll('master', restored.mark, convergeMs);
      await h2.waitForAll('backup', h2Back, convergeMs);
    }
  } finally {
    await stopPair(h2 === undefined ? [h1] : [h1, h2]);
  }
  return samples;
}

async function measure(
  ctx: ManyContext,
  plan: ManyPlan,
  layout: Layout,
  impl: ImplName,
  fault: FaultName,
  rep: number,
  faultAtMs: number,
  h2host: LabHost,
): Promise<ManySample> {
  const { tap, client } = ctx;
  const { skewMs, mdiMs } = theory(plan.advertIntervalMs);
  const vips = allVips(layout);
  // Each instance has its own advert phase on h1, so its own takeover on h2: everything after
  // a takeover is measured from that instance's first advert.
  const takeovers = await waitFor(
    () => {
      tap.update();
      const firsts = new Map<number, number>();
      for (const a of tap.adverts) {
        if (a.src !== h2host.ip || a.atMs <= faultAtMs || a.priority === 0) continue;
        if (!firsts.has(a.vrid)) firsts.set(a.vrid, a.atMs);
      }
      return firsts.size === layout.instances.length ? firsts : undefined;
    },
    mdiMs + 20_000,
    `not every instance advertised from h2 after the fault (${impl}, ${layout.label})`,
  );
  const lastTakeoverMs = Math.max(...takeovers.values());
  await sleep(lastTakeoverMs + BURST_WINDOW_MS - wallNowMs());
  // Also lets tcpdump catch up on writing what it captured.
  const outagesMs = await client.outages(faultAtMs, 3 * client.probeMs + 100, 60_000);
  tap.update();
  const takeoverOf = new Map<string, number>();
  for (const instance of layout.instances) {
    for (const vip of instance.vips) takeoverOf.set(vip, takeovers.get(instance.vrid) as number);
  }
  const burst = tap.garps.filter((g) => {
    const t = takeoverOf.get(g.address);
    return g.srcMac === ctx.h2Mac && t !== undefined && g.atMs >= t && g.atMs < t + BURST_WINDOW_MS;
  });
  const sinceTakeover = (address: string, atMs: number): number =>
    atMs - (takeoverOf.get(address) as number);
  const firstGarp = new Map<string, number>();
  for (const g of burst) if (!firstGarp.has(g.address)) firstGarp.set(g.address, g.atMs);
  const added = new Map<string, number>();
  for (const e of ctx.watch.events()) {
    if (e.added && e.atMs >= faultAtMs && takeoverOf.has(e.address) && !added.has(e.address)) {
      added.set(e.address, e.atMs);
    }
  }
  const worst = (times: ReadonlyMap<string, number>): number | undefined =>
    times.size < vips.length
      ? undefined
      : Math.max(...[...times].map(([address, atMs]) => sinceTakeover(address, atMs)));
  const release = tap.adverts.find(
    (a) => a.srcMac === ctx.h1Mac && a.atMs >= faultAtMs && a.priority === 0,
  );
  const lastPhase = lastAdvertOf(tap.adverts, ctx.h1Mac, faultAtMs);
  const phaseMs = lastPhase === undefined ? undefined : faultAtMs - lastPhase.atMs;
  // The phase is that of the layout's first instance (the tap keeps h1's adverts of it only).
  const firstTakeoverMs = takeovers.get(layout.instances[0]?.vrid ?? 0) as number;
  return {
    layout: layout.label,
    fault,
    impl,
    rep,
    vipCount: vips.length,
    takeoverMs: firstTakeoverMs - faultAtMs,
    lastTakeoverMs: lastTakeoverMs - faultAtMs,
    theoryMs: fault === 'sigterm' ? skewMs : phaseMs === undefined ? undefined : mdiMs - phaseMs,
    releaseMs: release === undefined ? undefined : release.atMs - faultAtMs,
    lastGarpMs:
      burst.length === 0
        ? undefined
        : Math.max(...burst.map((g) => sinceTakeover(g.address, g.atMs))),
    garpFrames: burst.length,
    allAnnouncedMs: worst(firstGarp),
    lastVipAddedMs: worst(added),
    outagesMs,
  };
}

/** The MASTER's adverts of the first VRID are in the capture (the filter keeps only those). */
function lastAdvertOf(
  adverts: readonly WireAdvert[],
  mac: string,
  beforeMs: number,
): WireAdvert | undefined {
  return adverts.filter((a) => a.srcMac === mac && a.atMs <= beforeMs && a.priority > 0).at(-1);
}

/**
 * Sleep until `phaseMs` after one of h1's adverts (of the first VRID). The tap sees an advert
 * some milliseconds late (tcpdump's buffer, the poll): for a phase smaller than that, waiting for
 * the next advert on the tap would never be in time, so the target is the same phase after a
 * later advert, which a MASTER sends at its advert interval.
 */
async function waitForPhase(
  ctx: ManyContext,
  src: string,
  phaseMs: number,
  intervalMs: number,
): Promise<void> {
  const afterMs = wallNowMs();
  const advert = await waitFor(
    () => {
      ctx.tap.update();
      return ctx.tap.adverts.find((a) => a.src === src && a.atMs > afterMs);
    },
    3 * intervalMs + 2000,
    `no advert from h1 (${src})`,
  );
  let atMs = advert.atMs + phaseMs;
  while (atMs - wallNowMs() < 1) atMs += intervalMs;
  await sleep(atMs - wallNowMs());
}

async function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = check();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(5);
  }
}

function progressLine(s: ManySample): string {
  const f = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(1));
  const answered = s.outagesMs.filter((o): o is number => o !== undefined).sort((a, b) => a - b);
  const median = answered[Math.floor((answered.length - 1) / 2)];
  return [
    `${s.layout.padEnd(6)} ${s.fault.padEnd(8)} ${s.impl.padEnd(10)} #${s.rep + 1}`,
    `takeover ${f(s.takeoverMs)} ms (theory ${f(s.theoryMs)}` +
      `${s.releaseMs === undefined ? '' : `, release advert +${f(s.releaseMs)}`}; last instance ${f(s.lastTakeoverMs)})`,
    `last GARP +${f(s.lastGarpMs)} ms (${s.garpFrames}/${s.vipCount * GARP_REPEAT} frames)`,
    `all announced +${f(s.allAnnouncedMs)}`,
    `last VIP added +${f(s.lastVipAddedMs)}`,
    `outage median ${f(median)} max ${f(answered.at(-1))}` +
      (answered.length < s.vipCount ? ` (${s.vipCount - answered.length} VIPs never back)` : ''),
  ].join(', ');
}

/** Stop both routers gracefully; leave no VIP of the block behind for the next block. */
async function stopPair(routers: readonly Router[]): Promise<void> {
  await Promise.all(routers.map((r) => r.proc.kill('SIGTERM')));
  for (const r of routers) {
    await r.host.setLink(true);
    await r.host.reconnect();
    await r.host.exec('ip', ['addr', 'flush', 'dev', 'eth0', 'to', VIP_BLOCK]);
  }
}

// One seeded run: build the world, alternate fault episodes with quiet windows, check the
// invariants after every step. The seed alone decides everything, so it replays exactly.
import { skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import { SimAdversary } from './adversary.js';
import type { InvariantId, Violation } from './invariants.js';
import {
  checkBackupStays,
  checkSettledComponent,
  checkSettledGroup,
  checkVipsFollowState,
  groupRankingCrossed,
  liveComponents,
} from './invariants.js';
import { Prng } from './prng.js';
import type { ScenarioLimits, VridPlan } from './scenario.js';
import type { SyncGroupPlan } from './scenario-groups.js';
import { planScenario } from './scenario.js';
import { SimClock } from './sim-clock.js';
import type { TransitionRecord } from './sim-host.js';
import type { Sabotage } from './sim-host.js';
import { SimHost } from './sim-host.js';
import { QUIET_LINK, SimNetwork } from './sim-network.js';
import { CLOUD_SETTLE_MS, CloudChecks, type CloudInvariantId } from './cloud-checks.js';
import { planCloud } from './scenario-cloud.js';
import { QUIET_API, SimCloud } from './sim-cloud.js';
import type { CloudSabotage } from './sim-cloud-agent.js';

export interface SeedOptions extends Partial<ScenarioLimits> {
  readonly seed: number;
  readonly trace?: boolean;
  /** Make every host defective in this way (tests of the checker itself). */
  readonly sabotage?: Sabotage;
  /** Make every host's cloud side defective in this way (tests of the cloud checks). */
  readonly cloudSabotage?: CloudSabotage;
}

export interface SeedResult {
  readonly seed: number;
  readonly violations: readonly Violation[];
  readonly simulatedMs: number;
  readonly steps: number;
  readonly transitions: number;
  readonly drops: ReadonlyMap<string, number>;
  /** Adverts the adversary sent (0 when the seed has none), and how many were forged. */
  readonly adversary: { readonly sent: number; readonly forged: number };
  readonly trace: readonly string[];
  /** How often each invariant was evaluated. */
  readonly checked: ReadonlyMap<InvariantId | CloudInvariantId, number>;
  /** Whether the seed had a simulated EC2, and the owner changes it saw. */
  readonly cloud: { readonly enabled: boolean; readonly ownerChanges: number };
}

/** Names the adversary's run-time generator (its plan draws from another fork: scenario.ts). */
const ADVERSARY_RUN_STREAM = 3;
/** The cloud's plan and its run-time faults draw from generators of their own. */
const CLOUD_PLAN_STREAM = 11;
const CLOUD_RUN_STREAM = 12;
const CLOUD_CHECK_EVERY_MS = 20;
const SETTLED_SAMPLE_MS = 20;

type EventKind =
  | 'crash-master'
  | 'crash'
  | 'restart'
  | 'stop-master'
  | 'partition'
  | 'heal'
  | 'priority'
  | 'iface-down'
  | 'iface-up'
  | 'api-cut'
  | 'none';

const EVENT_KINDS: readonly EventKind[] = [
  'crash-master',
  'crash-master',
  'crash',
  'restart',
  'restart',
  'stop-master',
  'stop-master',
  'partition',
  'heal',
  'priority',
  'priority',
  'iface-down',
  'iface-up',
  'api-cut',
  'none',
];

export function runSeed(options: SeedOptions): SeedResult {
  const prng = new Prng(options.seed);
  const plan = planScenario(prng, { maxLossRate: options.maxLossRate ?? 0.3 });
  const clock = new SimClock();
  const network = new SimNetwork(clock, prng);
  const trace: string[] = [];
  const violations: Violation[] = [];
  const drops = new Map<string, number>();
  const log = (line: string): void => {
    if (options.trace) trace.push(`${clock.nowMs().toFixed(3).padStart(12)} ms  ${line}`);
  };

  const groupOf = (vrid: number): SyncGroupPlan | undefined =>
    plan.syncGroups.find((g) => g.vrids.includes(vrid));
  // Per (host, vrid), or (host, group) for a grouped VRID: MASTER exits since the current fault
  // event, and MASTER at any time in the current quiet window.
  const masterExits = new Map<string, number>();
  // A group leaves MASTER as one: its members leave in one cascade (sync-groups.ts), at one
  // simulated instant; that is one exit of the group, not one flap per member.
  const lastGroupExitMs = new Map<string, number>();
  const wasMaster = new Map<number, Set<string>>();
  let transitions = 0;
  const seen = new Set<string>();
  const checked = new Map<InvariantId | CloudInvariantId, number>();
  const counted = (id: InvariantId, n = 1): void => {
    checked.set(id, (checked.get(id) ?? 0) + n);
  };
  const violate = (invariant: InvariantId | CloudInvariantId, message: string): void => {
    const key = `${invariant}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    violations.push({ invariant, atMs: clock.nowMs(), message });
    log(`!! VIOLATION ${invariant}: ${message}`);
  };
  let flapCounting = true;

  const observer = {
    transition(r: TransitionRecord): void {
      transitions++;
      log(`${r.host} vrid ${r.vrid}: ${r.from} -> ${r.to} (${r.reason}, prio ${r.priority})`);
      if (r.to === 'master') wasMaster.get(r.vrid)?.add(r.host);
      if (r.from === 'backup' && r.to === 'master') checkTakeover(r);
      if (r.from === 'master') {
        const group = groupOf(r.vrid);
        const key = `${r.host}/${group?.name ?? r.vrid}`;
        if (group !== undefined && lastGroupExitMs.get(key) === r.atMs) return;
        lastGroupExitMs.set(key, r.atMs);
        // Weights that cross the group's ranking make a second election legitimate (see
        // groupRankingCrossed): that exit is not a flap of ours.
        if (group !== undefined && groupRankingCrossed(liveWith(r.host, group), group, addressOf)) {
          return;
        }
        counted('c-no-flap');
        const exits = (masterExits.get(key) ?? 0) + 1;
        masterExits.set(key, exits);
        if (flapCounting && exits > 1) {
          violate(
            'c-no-flap',
            `${r.host} ${group === undefined ? 'vrid' : `group ${group.name} (vrid)`} ${r.vrid} left MASTER ${exits} times in one fault event`,
          );
        }
      }
    },
    drop(host: string, reason: string): void {
      drops.set(reason, (drops.get(reason) ?? 0) + 1);
      log(`${host} dropped an advert: ${reason}`);
    },
  };

  const cloudPlan = planCloud(prng.fork(CLOUD_PLAN_STREAM), plan.vrids);
  const cloud =
    cloudPlan === undefined ? undefined : new SimCloud(clock, prng.fork(CLOUD_RUN_STREAM));
  const targetsOf = (vrid: number) => cloudPlan?.targets.get(vrid) ?? [];
  let cloudChecks: CloudChecks | undefined;
  const hosts: SimHost[] = plan.hosts.map(
    (h) =>
      new SimHost(
        h.id,
        h.ipv4,
        h.ipv6,
        h.configs,
        clock,
        network,
        observer,
        options.sabotage,
        h.syncGroups,
        cloud === undefined
          ? undefined
          : {
              cloud,
              targetsOf,
              prng: prng.fork(CLOUD_RUN_STREAM + 1 + plan.hosts.indexOf(h)),
              sabotage: options.cloudSabotage,
              observer: {
                claim: (agent, target) => {
                  if (options.trace) {
                    log(`${agent.caller.hostId} vrid ${agent.vrid}: cloud claim ${target.kind}`);
                  }
                  cloudChecks?.onClaim(agent, target);
                },
                note: (agent, event) => {
                  if (options.trace && event !== 'cloud-call-failed') {
                    log(`${agent.caller.hostId} vrid ${agent.vrid}: ${event}`);
                  }
                },
              },
            },
      ),
  );
  if (cloud !== undefined) {
    cloudChecks = new CloudChecks(
      cloud,
      hosts,
      plan.vrids.map((v) => v.vrid),
      targetsOf,
      violate,
    );
  }
  /** Hosts cut off from the API in the current episode (they return at the next quiet window). */
  const cutOff = new Set<string>();
  const hostById = new Map(hosts.map((h) => [h.id, h]));
  const adversary =
    plan.adversary === undefined
      ? undefined
      : new SimAdversary(
          plan.adversary,
          plan.vrids,
          plan.hosts,
          hosts,
          clock,
          network,
          prng.fork(ADVERSARY_RUN_STREAM),
          log,
        );
  const addressOf = (vrid: number) => (host: SimHost) =>
    host.router(vrid)?.config.primaryAddress ?? host.ipv4;
  /** The live hosts of a group that can hear this one (itself included). */
  const liveWith = (hostId: string, group: SyncGroupPlan): SimHost[] => {
    const first = plan.vrids.find((v) => v.vrid === group.vrids[0]);
    if (first === undefined) return [];
    return liveComponents(hosts, network, first).find((c) => c.some((h) => h.id === hostId)) ?? [];
  };

  for (const v of plan.vrids) {
    log(
      `vrid ${v.vrid}: ` +
        hosts
          .filter((h) => v.members.includes(h.id))
          .map((h) => {
            const c = plan.hosts.find((p) => p.id === h.id)?.configs.find((x) => x.vrid === v.vrid);
            return `${h.id} v${c?.version}/${c?.family} prio ${c?.priority} ${c?.advertIntervalCs}cs${c?.preempt ? '' : ' nopreempt'}${c?.preemptDelayMs ? ` delay ${c.preemptDelayMs}ms` : ''}`;
          })
          .join(', '),
    );
  }
  for (const g of plan.syncGroups) {
    log(`sync group ${g.name}: vrids ${g.vrids.join(' ')} on ${g.members.join(' ')}`);
  }
  log(
    `chaos: loss ${(plan.chaos.lossRate * 100).toFixed(1)}%, delay up to ${plan.chaos.delayMaxMs.toFixed(1)} ms, dup ${(plan.chaos.duplicateRate * 100).toFixed(1)}%, corrupt ${(plan.chaos.corruptRate * 100).toFixed(1)}%`,
  );

  // Settled checks run only inside [settleAtMs, windowEndMs].
  let settleAtMs = Infinity;
  // (g): in a settled window only the adversary acts; no BACKUP may leave for it.
  function checkTakeover(r: TransitionRecord): void {
    if (clock.nowMs() < settleAtMs) return;
    const v = plan.vrids.find((p) => p.vrid === r.vrid);
    const taker = hostById.get(r.host);
    if (v === undefined || taker === undefined) return;
    const component = liveComponents(hosts, network, v).find((c) => c.includes(taker)) ?? [];
    const group = groupOf(r.vrid);
    // Weights that cross a group's ranking make a new election legitimate (groupRankingCrossed).
    if (group !== undefined && groupRankingCrossed(liveWith(r.host, group), group, addressOf)) {
      return;
    }
    counted('g-backup-stays');
    for (const p of checkBackupStays(taker, component, r.vrid, clock.nowMs(), addressOf(r.vrid))) {
      const [id, message] = p.split('|') as [InvariantId, string];
      violate(id, message);
    }
  }
  // Past VRRP's own window (the cloud's bound keeps the window open longer), the settled checks
  // run every SETTLED_SAMPLE_MS of simulated time, not at every advert: a wrong state there
  // persists (a flap is caught as it happens by c and g), and every step costs them all.
  let vrrpWindowEndMs = Infinity;
  let nextSettledCheckMs = -Infinity;
  const checkSettled = (): void => {
    if (clock.nowMs() < settleAtMs) return;
    if (clock.nowMs() > vrrpWindowEndMs) {
      if (clock.nowMs() < nextSettledCheckMs) return;
      nextSettledCheckMs = clock.nowMs() + SETTLED_SAMPLE_MS;
    }
    for (const v of plan.vrids) {
      for (const component of liveComponents(hosts, network, v)) {
        counted('a-one-master');
        counted('b-right-master');
        for (const p of checkSettledComponent(
          component,
          v.vrid,
          wasMaster.get(v.vrid) ?? new Set(),
          addressOf(v.vrid),
          groupOf(v.vrid) !== undefined,
        )) {
          const [id, message] = p.split('|') as [InvariantId, string];
          violate(id, message);
        }
      }
    }
    for (const g of plan.syncGroups) {
      const first = plan.vrids.find((v) => v.vrid === g.vrids[0]);
      if (first === undefined) continue;
      for (const component of liveComponents(hosts, network, first)) {
        const was = (vrid: number): ReadonlySet<string> => wasMaster.get(vrid) ?? new Set();
        counted('f-group-together');
        for (const p of checkSettledGroup(component, g, was, addressOf)) {
          const [id, message] = p.split('|') as [InvariantId, string];
          violate(id, message);
        }
      }
    }
  };
  let cloudSettledAtMs = Infinity;
  /** For a VRID, whether its live routers are split into more than one component. */
  const split = (vrid: number): boolean => {
    const v = plan.vrids.find((p) => p.vrid === vrid);
    return v !== undefined && liveComponents(hosts, network, v).length > 1;
  };
  // The cloud is checked every CLOUD_CHECK_EVERY_MS of simulated time, not after every step:
  // its state changes at API calls, tens of ms apart, and the check walks every VRID.
  let nextCloudCheckMs = -Infinity;
  const afterEachStep = (): void => {
    if (clock.nowMs() >= cloudSettledAtMs && clock.nowMs() >= nextCloudCheckMs) {
      nextCloudCheckMs = clock.nowMs() + CLOUD_CHECK_EVERY_MS;
      cloudChecks?.checkConverged(split);
    }
    for (const v of plan.vrids) {
      counted('e-vips-follow-state');
      for (const p of checkVipsFollowState(hosts, v.vrid)) {
        const [id, message] = p.split('|') as [InvariantId, string];
        violate(id, message);
      }
    }
    checkSettled();
  };

  const maxIntervalMs = Math.max(...plan.vrids.map((v) => v.maxIntervalMs));
  const maxDelayMs = Math.max(...plan.vrids.map((v) => v.maxPreemptDelayMs));
  // Master_Down_Interval <= 4 intervals; a preemption may wait a hold, then Skew_Time (< 1 interval).
  const settleMs = maxDelayMs + 2 * 4 * maxIntervalMs + 2 * maxIntervalMs + 50;

  const quietWindow = (): void => {
    network.conditions = QUIET_LINK;
    for (const v of plan.vrids) {
      const masters = new Set(hosts.filter((h) => h.stateOf(v.vrid) === 'master').map((h) => h.id));
      wasMaster.set(v.vrid, masters);
    }
    const startMs = clock.nowMs();
    settleAtMs = startMs + settleMs;
    log(`-- quiet; settled from ${settleAtMs.toFixed(3)} ms`);
    let endMs = settleAtMs + 3 * maxIntervalMs;
    vrrpWindowEndMs = endMs;
    nextSettledCheckMs = -Infinity;
    if (cloud !== undefined && cloudChecks !== undefined) {
      // The API heals too, and agents cut off from it return.
      cloud.conditions = QUIET_API;
      if (cutOff.size > 0) log(`== API reachable again from ${[...cutOff].join(' ')}`);
      cloudChecks.startWindow(settleAtMs, cutOff);
      cutOff.clear();
      cloudSettledAtMs = settleAtMs + CLOUD_SETTLE_MS;
      endMs = Math.max(endMs, cloudSettledAtMs + 3 * maxIntervalMs);
      log(`-- cloud agrees from ${cloudSettledAtMs.toFixed(3)} ms`);
    }
    clock.runUntil(endMs, afterEachStep);
    checkSettled();
    if (cloudChecks !== undefined) {
      cloudChecks.checkConverged(split);
      cloudChecks.endWindow(
        clock.nowMs() - startMs,
        plan.vrids.some((v) => split(v.vrid)),
      );
    }
    settleAtMs = Infinity;
    cloudSettledAtMs = Infinity;
    vrrpWindowEndMs = Infinity;
  };

  if (plan.adversary !== undefined) {
    log(
      `adversary x: an advert every ~${plan.adversary.meanGapMs.toFixed(0)} ms, ${(plan.adversary.forgeRate * 100).toFixed(0)} % forged`,
    );
  }
  adversary?.start();
  // Start every host within half a second, as a fleet booting.
  for (const host of hosts) {
    clock.setTimer(prng.range(0, 500), () => {
      log(`== start ${host.id}`);
      host.start();
    });
  }
  clock.runUntil(500, afterEachStep);
  quietWindow();

  for (let episode = 0; episode < plan.episodes; episode++) {
    const kind = prng.pick(EVENT_KINDS);
    const disturbed = kind === 'none' || prng.chance(0.5);
    masterExits.clear();
    lastGroupExitMs.clear();
    flapCounting = !disturbed; // loss makes a backup miss adverts: a takeover then is the protocol's
    applyEvent(kind, disturbed);
    if (disturbed) {
      network.conditions = plan.chaos;
      if (cloud !== undefined && cloudPlan !== undefined) cloud.conditions = cloudPlan.chaos;
      const lengthMs = maxIntervalMs * prng.range(2, 15);
      log(`-- chaos for ${lengthMs.toFixed(0)} ms`);
      clock.runUntil(clock.nowMs() + lengthMs, afterEachStep);
      masterExits.clear();
      lastGroupExitMs.clear();
      flapCounting = true;
    }
    quietWindow();
  }

  function masterHostsOf(): SimHost[] {
    return hosts.filter((h) => plan.vrids.some((v) => h.stateOf(v.vrid) === 'master'));
  }

  function applyEvent(kind: EventKind, disturbed: boolean): void {
    const running = hosts.filter((h) => h.life === 'running');
    const down = hosts.filter((h) => h.life !== 'running');
    const masters = masterHostsOf();
    switch (kind) {
      case 'crash-master':
      case 'crash': {
        const pool = kind === 'crash-master' && masters.length > 0 ? masters : running;
        if (pool.length === 0) return applyEvent('restart', disturbed);
        const host = prng.pick(pool);
        log(`== crash ${host.id} (SIGKILL)`);
        host.crash();
        return;
      }
      case 'restart': {
        if (down.length === 0) return applyEvent('priority', disturbed);
        const host = prng.pick(down);
        log(`== restart ${host.id}`);
        host.start();
        return;
      }
      case 'stop-master': {
        const pool = masters.length > 0 ? masters : running;
        if (pool.length === 0) return applyEvent('restart', disturbed);
        const host = prng.pick(pool);
        log(`== stop ${host.id} (SIGTERM)`);
        const handovers = plan.vrids.filter((v) => host.stateOf(v.vrid) === 'master');
        host.stop();
        if (!disturbed) {
          for (const v of handovers) scheduleHandoverCheck(host, v);
        }
        return;
      }
      case 'partition': {
        const shuffled = prng.shuffle(hosts.map((h) => h.id));
        const cut = prng.int(1, shuffled.length - 1);
        const groups = [shuffled.slice(0, cut), shuffled.slice(cut)];
        log(`== partition ${groups.map((g) => `[${g.join(' ')}]`).join(' | ')}`);
        network.partition(groups);
        return;
      }
      case 'heal':
        log('== heal');
        network.heal();
        return;
      case 'priority': {
        const v = prng.pick(plan.vrids);
        const host = hostById.get(prng.pick(v.members));
        if (host === undefined) return;
        const weight = prng.chance(0.3) ? 0 : prng.int(-120, 120);
        log(`== ${host.id} vrid ${v.vrid}: tracking weight ${weight}`);
        host.setWeight(v.vrid, weight);
        return;
      }
      case 'iface-down': {
        const pool = masters.length > 0 && prng.chance(0.7) ? masters : running;
        if (pool.length === 0) return applyEvent('restart', disturbed);
        const host = prng.pick(pool);
        log(`== ${host.id} link down`);
        host.setInterface(false);
        return;
      }
      case 'iface-up': {
        const pool = hosts.filter((h) => !network.isLinkUp(h.id));
        if (pool.length === 0) return applyEvent('heal', disturbed);
        const host = prng.pick(pool);
        log(`== ${host.id} link up`);
        host.setInterface(true);
        return;
      }
      case 'api-cut': {
        if (cloud === undefined) return applyEvent('none', disturbed);
        const pool = masters.length > 0 && prng.chance(0.7) ? masters : running;
        if (pool.length === 0) return applyEvent('restart', disturbed);
        const host = prng.pick(pool);
        log(`== ${host.id} cut off from the API`);
        cloud.setReachable(host.id, false);
        cutOff.add(host.id);
        return;
      }
      case 'none':
        log('== (no event: link chaos only)');
        return;
      default: {
        const never: never = kind;
        throw new Error(`unknown event ${String(never)}`);
      }
    }
  }

  // (d): after a graceful stop of a MASTER on a quiet link, some backup takes over within its
  // Skew_Time plus one advert interval (RFC 5798 §6.4.2, priority-0 advert). A grouped VRID
  // waits for its whole group: a host takes over when its slowest member is ready, so the
  // deadline is the smallest over hosts of their largest Skew_Time in the group.
  function scheduleHandoverCheck(stopped: SimHost, v: VridPlan): void {
    const atMs = clock.nowMs();
    const component = liveComponents(hosts, network, v).find((c) =>
      c.some((h) => network.reachable(h.id, stopped.id)),
    );
    if (component === undefined || component.length === 0) return;
    const group = groupOf(v.vrid);
    const vrids = group?.vrids ?? [v.vrid];
    const skewOf = (h: SimHost, vrid: number): number => {
      const snap = h.router(vrid)?.snapshot();
      const version = h.router(vrid)?.config.version ?? 3;
      return skewTimeMs(version, snap?.effectivePriority ?? 1, snap?.masterAdvertIntervalCs ?? 100);
    };
    const skews = component.map((h) => Math.max(...vrids.map((vrid) => skewOf(h, vrid))));
    const intervalMs = Math.max(
      ...plan.vrids.filter((p) => vrids.includes(p.vrid)).map((p) => p.maxIntervalMs),
    );
    const deadlineMs = atMs + Math.min(...skews) + intervalMs + 1;
    clock.setTimer(deadlineMs, () => {
      counted('d-shutdown-handover');
      const live = component.filter((h) => h.life === 'running' && network.isLinkUp(h.id));
      if (live.length === 0) return;
      if (!live.some((h) => h.stateOf(v.vrid) === 'master')) {
        violate(
          'd-shutdown-handover',
          `vrid ${v.vrid}: no MASTER ${(deadlineMs - atMs).toFixed(1)} ms after ${stopped.id} stopped`,
        );
      }
    });
  }

  return {
    seed: options.seed,
    violations,
    simulatedMs: clock.nowMs(),
    steps: clock.eventsRun,
    transitions,
    drops,
    adversary: { sent: adversary?.counters.sent ?? 0, forged: adversary?.counters.forged ?? 0 },
    trace,
    checked: new Map([...checked, ...(cloudChecks?.checked ?? [])]),
    cloud: { enabled: cloud !== undefined, ownerChanges: cloud?.changes.length ?? 0 },
  };
}

/** The one-line command that replays a seed. */
export function replayCommand(seed: number): string {
  return `npm run sim -- --seed ${seed} --trace`;
}

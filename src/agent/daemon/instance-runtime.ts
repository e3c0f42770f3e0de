// One VRRP instance at run time: the pure core behind its driver, fed what the adapters and the
// agent say (adverts, link, tracking, mode, reloads, the sync groups' decisions); its actions
// run in instance-actions.ts. It decides nothing the core should: it only routes inputs.

import {
  allocateReleaseEntry,
  freeReleaseEntry,
  signalReleaseInstalled,
} from '../io/signal-release.js';
import type { NotifyRunner } from '../notify/notify-runner.js';
import type { NotifyState } from '../notify/types.js';
import type { InstanceConfig } from '../config/schema.js';
import { toRouterConfig } from '../config/to-router-config.js';
import { InstanceDriver } from '../instance-driver.js';
import type { ReceivedAdvert } from '../vrrp/codec/types.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../vrrp/codec/types.js';
import { DISCARDED_PAST_CHECKS } from '../vrrp/accept-advert.js';
import { VirtualRouter } from '../vrrp/router.js';
import type { SyncFeed, SyncGroupInput, SyncMemberView } from '../vrrp/sync-groups.js';
import type { AdvertDropReason, TrackingStatus, VrrpState } from '../vrrp/types.js';
import { InstanceActions, type InstanceActionDeps } from './instance-actions.js';
import { InstanceDrops } from './instance-drops.js';
import type { InstanceStatus, TransportMode } from '../status/instance-status.js';
import type { Vip } from './ports.js';
import { probeIntervalMs, probeOf, type PeerProbes } from './peer-probes.js';
import { SplitBrainMonitor } from './split-brain-monitor.js';

export type { InstanceStatus, TransportMode } from '../status/instance-status.js';

export interface InstanceDeps extends Omit<InstanceActionDeps, 'drops'> {
  readonly config: InstanceConfig;
  /** Source of our adverts and our identity in ties. */
  readonly primaryAddress: string;
  readonly mode: TransportMode;
  /** Notify scripts and the FIFO (keepalived's notify_*); absent when none is configured. */
  readonly notifier?: NotifyRunner | undefined;
  /** The split-brain diagnosis' probes of unicast peers; absent: none run. */
  readonly peerProbes?: PeerProbes | undefined;
}

export class InstanceRuntime {
  readonly driver: InstanceDriver;
  private mode: TransportMode;
  /** The deps' configuration, replaced by a reload that changes only what applies in place. */
  private cfg: InstanceConfig;
  /** The deps' notifier; a reload that adds the first notify hook brings one. */
  private notifier: NotifyRunner | undefined;
  private vipByAddress: Map<string, Vip>;
  /** Dropped adverts: counted, warned about within bounds, non-peers listed. */
  private readonly drops: InstanceDrops;
  /** The core's actions, executed. */
  private readonly actions: InstanceActions;
  private advertsReceived = 0;
  private lastMulticastHeardMs: number | undefined;
  private stopped: Promise<void> | undefined;
  private tracking: TrackingStatus = { weightDelta: 0, fault: false };
  /** This instance's entry in the SIGTERM handler's table (io/signal-release.ts). */
  private releaseEntry: number | undefined;
  /** What that entry holds now, as a key: re-armed only when the core's release changes. */
  private armedReleaseKey: string | undefined;
  /** Both MASTER while the peer is up: said in the status, a metric and the log (issue 14). */
  private readonly splitBrain: SplitBrainMonitor;
  private stopProbes: (() => void) | undefined;

  constructor(private readonly deps: InstanceDeps) {
    const { config } = deps;
    this.cfg = config;
    this.notifier = deps.notifier;
    this.mode = deps.mode;
    this.vipByAddress = new Map(config.vips.map((v) => [v.address, v]));
    this.splitBrain = new SplitBrainMonitor({
      peers: config.unicast.peers,
      advertIntervalMs: config.advertIntervalCs * 10,
      probe: probeOf(config),
      clock: deps.clock,
      logger: deps.logger,
    });
    this.drops = new InstanceDrops({
      name: config.name,
      logger: deps.logger,
      clock: deps.clock,
      metrics: deps.metrics,
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters read the runtime now
    const runtime = this;
    this.actions = new InstanceActions(
      {
        get name() {
          return runtime.name;
        },
        get config() {
          return runtime.cfg;
        },
        primaryAddress: deps.primaryAddress,
        destinations: () => this.destinations(),
        vipsOf: (addresses) => this.vipsOf(addresses),
        notify: (state, priority) => this.notifyState(state, priority),
      },
      { ...deps, drops: this.drops },
    );
    const router = new VirtualRouter({
      ...toRouterConfig(config, deps.primaryAddress),
      unicastPeers: this.peerPolicy(),
    });
    this.driver = new InstanceDriver(
      router,
      deps.clock,
      (action) => this.actions.execute(action),
      () => {
        this.actions.recordTransitions();
        this.armRelease();
        this.actions.tellGroups();
        this.splitBrain.afterCoreInput(this.driver.router.snapshot());
      },
    );
  }

  get name(): string {
    return this.cfg.name;
  }

  get config(): InstanceConfig {
    return this.cfg;
  }

  /** The core's state now (for a reload's report and the sync groups). */
  get state(): VrrpState {
    return this.driver.router.snapshot().state;
  }

  get transportMode(): TransportMode {
    return this.mode;
  }

  /** When we last heard another router's advert on the multicast group (for mode auto). */
  get lastMulticastHeardAtMs(): number | undefined {
    return this.lastMulticastHeardMs;
  }

  setMode(mode: TransportMode, why: string): void {
    if (mode === this.mode) return;
    this.deps.logger.warn({ from: this.mode, to: mode, why }, 'transport mode switched');
    this.mode = mode;
    // The core applies the peer policy of the new mode (accept-advert.ts: not-a-peer).
    this.driver.feed({ type: 'peers', peers: this.peerPolicy() });
    // The shutdown advert goes to the new destinations from now on.
    this.armRelease();
  }

  /** Unicast without acceptUnknownPeers: only the configured peers' adverts count. */
  private peerPolicy(): readonly string[] | undefined {
    const { unicast } = this.deps.config;
    return this.mode === 'unicast' && !unicast.acceptUnknownPeers ? unicast.peers : undefined;
  }

  /** The link's state before start (the core says so to the sync groups, when wired). */
  presetLink(up: boolean): void {
    if (!up) this.driver.feed({ type: 'interface', up: false });
  }

  start(): void {
    this.driver.feed({ type: 'startup' });
    const { config } = this.deps;
    this.stopProbes = this.deps.peerProbes?.add({
      name: config.name,
      family: config.family,
      vrid: config.vrid,
      peers: config.unicast.peers,
      probe: probeOf(config),
      intervalMs: probeIntervalMs(config.unicast.probeIntervalMs, config.advertIntervalCs * 10),
      state: () => this.state,
      probed: (peer, ok) => this.splitBrain.probed(peer, ok),
      peerSaid: (peer, state) => this.splitBrain.peerSaid(peer, state),
    });
  }

  /**
   * A reload changed only what applies in place (see reload-plan.ts): the base priority, the
   * VIPs, notify scripts, tracking. The state stays; a MASTER swaps only the changed VIPs.
   * Tracking itself is re-wired by the agent.
   */
  /**
   * A reload in two steps (the agent runs step one on every instance, then step two): first
   * everything but the removal of VIPs, so that a VIP moving to another instance is added there
   * before it leaves here and never leaves the host.
   */
  reconfigureKeepingVips(next: InstanceConfig, notifier: NotifyRunner | undefined): void {
    const before = this.cfg;
    this.cfg = next;
    this.notifier = notifier;
    if (next.priority !== before.priority) {
      this.deps.logger.info(
        { event: 'priority-reloaded', priority: next.priority },
        'base priority changed by reload',
      );
      this.driver.feed({ type: 'priority', priority: next.priority });
    }
    if (JSON.stringify(next.vips) !== JSON.stringify(before.vips)) {
      this.deps.logger.info(
        { event: 'vips-reloaded', vips: next.vips.map((v) => v.address) },
        'VIPs changed by reload',
      );
      // Old and new together for now: the old ones go in dropReloadedVips().
      this.vipByAddress = new Map([
        ...this.vipByAddress,
        ...next.vips.map((v) => [v.address, v] as const),
      ]);
      this.driver.feed({ type: 'vips', vips: [...this.vipByAddress.keys()] });
    }
  }

  /** Step two of a reload: the VIPs no longer configured are removed. */
  dropReloadedVips(): void {
    const wanted = this.cfg.vips.map((v) => v.address);
    if (wanted.length === this.vipByAddress.size) return;
    // Looked up while the core's del-vips runs (synchronously), then forgotten.
    this.driver.feed({ type: 'vips', vips: wanted });
    this.vipByAddress = new Map(this.cfg.vips.map((v) => [v.address, v]));
  }

  /** What the trackers say (summed weights, FAULT): the core recomputes its priority. */
  setTracking(status: TrackingStatus): void {
    const { weightDelta, fault } = this.tracking;
    if (status.weightDelta === weightDelta && status.fault === fault) return;
    this.deps.logger.info(
      { event: 'tracking', weightDelta: status.weightDelta, fault: status.fault },
      'tracking changed',
    );
    this.tracking = status;
    this.driver.feed({ type: 'tracking', status });
  }

  /** What the sync groups' machine starts from. */
  syncView(): SyncMemberView {
    const snap = this.driver.router.snapshot();
    return {
      state: snap.state,
      syncReady: snap.syncReady,
      ownFault: snap.ownFault,
      groupFault: snap.groupFault,
    };
  }

  setSyncSink(sink: ((input: SyncGroupInput) => void) | undefined): void {
    this.actions.syncSink = sink;
  }

  /** What the sync groups' machine decided for this member: the core's 'sync-*' inputs. */
  feedSync(input: SyncFeed): void {
    if (input.type === 'group-fault') {
      this.deps.logger.warn(
        { event: 'sync-group-fault', fault: input.fault },
        input.fault ? 'sync group in FAULT' : 'sync group FAULT cleared',
      );
    }
    this.driver.feed(input);
  }

  setLink(up: boolean): void {
    this.deps.logger.warn({ up }, up ? 'link up' : 'link down');
    this.driver.feed({ type: 'interface', up });
  }

  /** An advert for our VRID from the socket, for the core (which applies the peer policy too). */
  receive(received: ReceivedAdvert, receivedAgoMs = 0): void {
    this.actions.droppedFor = undefined;
    // keepalived reads adverts only as BACKUP or MASTER; in INIT or FAULT the core ignores them.
    const listening = this.state === 'backup' || this.state === 'master';
    this.driver.feed({ type: 'advert', src: received.src, advert: received.advert }, receivedAgoMs);
    const droppedFor = this.actions.droppedFor;
    // A non-peer's advert is no advert of this group: not counted, not heard.
    if (droppedFor === 'not-a-peer') return;
    const { priority } = received.advert;
    this.splitBrain.advert(received.src, priority, this.state);
    this.advertsReceived++;
    this.deps.metrics?.advertsReceived.inc({ instance: this.name });
    // Only a priority-0 advert pays for the check (this runs for every advert).
    if (priority === 0 && listening && passedChecks(droppedFor)) {
      this.deps.metrics?.priorityZeroAdverts.inc({ instance: this.name, direction: 'received' });
    }
    if (received.dst === VRRP_MULTICAST_V4 || received.dst === VRRP_MULTICAST_V6) {
      this.lastMulticastHeardMs = this.deps.clock.nowMs();
    }
  }

  /** Graceful stop: priority 0 if MASTER (§6.4.3), VIPs removed; resolves when done. Once. */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopProbes?.();
    const entry = this.releaseEntry;
    const releaseSent = entry !== undefined && this.deps.socket.releasedBySignal?.(entry) === true;
    if (releaseSent) {
      this.actions.releasedBySignal();
      this.deps.logger.info(
        { event: 'release-sent-by-signal' },
        'priority-0 advert sent from the signal handler (RFC 5798 §6.4.3)',
      );
    }
    this.driver.feed({ type: 'shutdown', releaseSent });
    if (entry !== undefined) {
      this.releaseEntry = undefined;
      freeReleaseEntry(entry);
    }
    this.driver.stop();
    this.notifyState('STOP', this.driver.router.snapshot().effectivePriority);
    this.deps.announce.stopped(this.name);
    await Promise.all([this.actions.settled(), this.deps.reconciler?.stop()]);
  }

  private notifyState(state: NotifyState, priority: number): void {
    this.notifier?.notify('INSTANCE', this.name, state, priority, this.cfg.notify ?? {});
  }

  status(): InstanceStatus {
    const snap = this.driver.router.snapshot();
    const diagnoses = this.splitBrain.status();
    return {
      name: this.name,
      vrid: this.cfg.vrid,
      interface: this.cfg.interface,
      state: snap.state,
      mode: this.mode,
      basePriority: snap.basePriority,
      effectivePriority: snap.effectivePriority,
      masterAddress: snap.masterAddress,
      lastTransition:
        snap.lastTransition === undefined
          ? undefined
          : {
              ...snap.lastTransition,
              at: new Date(
                this.deps.clock.epochMs() - (this.deps.clock.nowMs() - snap.lastTransition.atMs),
              ).toISOString(),
            },
      counters: {
        advertsSent: this.actions.advertsSent,
        advertsReceived: this.advertsReceived,
        dropped: Object.fromEntries(this.drops.byReason),
        addressErrors: this.actions.addressErrors,
      },
      ...(this.mode === 'unicast' || this.cfg.unicast.peers.length > 0
        ? {
            unicast: this.drops.unicastStatus(
              this.cfg.unicast.peers,
              this.cfg.unicast.acceptUnknownPeers,
            ),
          }
        : {}),
      ...(diagnoses.length === 0 ? {} : { splitBrain: diagnoses }),
      ...(this.deps.reconciler === undefined ? {} : { cloud: this.deps.reconciler.status() }),
    };
  }

  private destinations(): readonly string[] {
    if (this.mode === 'unicast') return this.cfg.unicast.peers;
    return [this.cfg.family === 'ipv4' ? VRRP_MULTICAST_V4 : VRRP_MULTICAST_V6];
  }

  private vipsOf(addresses: readonly string[]): Vip[] {
    return addresses.flatMap((a) => {
      const vip = this.vipByAddress.get(a);
      return vip === undefined ? [] : [vip];
    });
  }

  /**
   * Keeps the SIGTERM handler's copy of this instance's shutdown advert (the core's
   * releaseAdvert(): a MASTER's priority 0) equal to what the core would send now.
   */
  armRelease(): void {
    const { socket } = this.deps;
    if (socket.armRelease === undefined || !signalReleaseInstalled()) return;
    const advert = this.driver.router.releaseAdvert();
    if (advert === undefined && this.armedReleaseKey === undefined) return;
    const destinations = this.destinations();
    const key =
      advert === undefined
        ? undefined
        : JSON.stringify([advert, this.deps.primaryAddress, destinations]);
    if (key === this.armedReleaseKey) return;
    this.releaseEntry ??= allocateReleaseEntry();
    if (this.releaseEntry === undefined) return;
    socket.armRelease(this.releaseEntry, advert, this.deps.primaryAddress, destinations);
    this.armedReleaseKey = key;
  }
}

/** Whether an advert the core dropped for `droppedFor` (if at all) passed every receive check. */
function passedChecks(droppedFor: AdvertDropReason | undefined): boolean {
  return droppedFor === undefined || DISCARDED_PAST_CHECKS.has(droppedFor);
}

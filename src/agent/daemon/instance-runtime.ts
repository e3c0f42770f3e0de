// One VRRP instance at run time: the pure core behind its driver, and the execution of the
// core's actions on the adapters (socket, addresses, announcements) in the order given.
import type { Logger } from 'pino';
import type { Reconciler } from '../../cloud/reconciler.js';

import type { Clock } from '../clock.js';
import {
  allocateReleaseEntry,
  freeReleaseEntry,
  signalReleaseInstalled,
} from '../io/signal-release.js';
import type { NotifyRunner } from '../notify/notify-runner.js';
import type { NotifyState } from '../notify/types.js';
import type { VrrpMetrics } from '../status/vrrp-metrics.js';
import type { InstanceConfig } from '../config/schema.js';
import { toRouterConfig } from '../config/to-router-config.js';
import { InstanceDriver } from '../instance-driver.js';
import type { ReceivedAdvert } from '../vrrp/codec/types.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../vrrp/codec/types.js';
import { VirtualRouter } from '../vrrp/router.js';
import type { SyncFeed, SyncGroupInput, SyncMemberView } from '../vrrp/sync-groups.js';
import type { TrackingStatus, VrrpAction, VrrpState } from '../vrrp/types.js';
import { InstanceDrops, type InstanceDropReason } from './instance-drops.js';
import type { InstanceStatus, TransportMode } from '../status/instance-status.js';
import type { AddressPort, AdvertSocket, AnnouncePort, Vip } from './ports.js';

export type { InstanceStatus, TransportMode } from '../status/instance-status.js';

export interface InstanceDeps {
  readonly config: InstanceConfig;
  /** Source of our adverts and our identity in ties. */
  readonly primaryAddress: string;
  readonly socket: AdvertSocket;
  /**
   * Called in the core's order, at once; changes to one address must apply in call order (the
   * agent passes HeldAddresses, which also counts holders across instances).
   */
  readonly addresses: AddressPort;
  readonly announce: AnnouncePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mode: TransportMode;
  /** Drives the instance's cloud targets; absent when it has none. */
  readonly reconciler?: Reconciler | undefined;
  /** Prometheus counters (transitions, adverts); absent in tests that do not look. */
  readonly metrics?: VrrpMetrics | undefined;
  /** Notify scripts and the FIFO (keepalived's notify_*); absent when none is configured. */
  readonly notifier?: NotifyRunner | undefined;
}

export interface InstanceCounters {
  advertsSent: number;
  advertsReceived: number;
  /** By reason: a fixed set of values, whatever the senders. */
  readonly dropped: ReadonlyMap<InstanceDropReason, number>;
  addressErrors: number;
}

export class InstanceRuntime {
  readonly driver: InstanceDriver;
  readonly counters: InstanceCounters;
  private mode: TransportMode;
  /** The deps' configuration, replaced by a reload that changes only what applies in place. */
  private cfg: InstanceConfig;
  /** The deps' notifier; a reload that adds the first notify hook brings one. */
  private notifier: NotifyRunner | undefined;
  private vipByAddress: Map<string, Vip>;
  /** This instance's address work in order: its GARP follows its add. */
  private ops: Promise<void> = Promise.resolve();
  /** Dropped adverts: counted, warned about within bounds, non-peers listed. */
  private readonly drops: InstanceDrops;
  /** Bumped when the VIPs go: an announcement still queued behind their add is void then. */
  private vipsGeneration = 0;
  private lastMulticastHeardMs: number | undefined;
  /** The core dropped the advert being received as not from a unicast peer. */
  private notAPeer = false;
  private linkUp = true;
  private stopped: Promise<void> | undefined;
  private tracking: TrackingStatus = { weightDelta: 0, fault: false };
  /** Where the sync groups hear of this member (daemon/sync-groups.ts); unset when ungrouped. */
  private syncSink: ((input: SyncGroupInput) => void) | undefined;
  /** Transitions of the input being executed, recorded once its other actions ran. */
  private readonly unrecorded: Extract<VrrpAction, { type: 'transition' }>[] = [];
  /** This instance's entry in the SIGTERM handler's table (io/signal-release.ts). */
  private releaseEntry: number | undefined;
  /** What that entry holds now, as a key: re-armed only when the core's release changes. */
  private armedReleaseKey: string | undefined;

  constructor(private readonly deps: InstanceDeps) {
    const { config } = deps;
    this.cfg = config;
    this.notifier = deps.notifier;
    this.mode = deps.mode;
    this.vipByAddress = new Map(config.vips.map((v) => [v.address, v]));
    this.drops = new InstanceDrops({
      name: config.name,
      logger: deps.logger,
      clock: deps.clock,
      metrics: deps.metrics,
    });
    this.counters = {
      advertsSent: 0,
      advertsReceived: 0,
      dropped: this.drops.byReason,
      addressErrors: 0,
    };
    const router = new VirtualRouter({
      ...toRouterConfig(config, deps.primaryAddress),
      unicastPeers: this.peerPolicy(),
    });
    this.driver = new InstanceDriver(
      router,
      deps.clock,
      (action) => this.execute(action),
      () => {
        this.recordTransitions();
        this.armRelease();
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

  /**
   * The link's state before start. `tell`: the sync groups are wired already and hear of a
   * FAULT of its own (at startup); a reload wires them after and reads it.
   */
  presetLink(up: boolean, tell = false): void {
    this.linkUp = up;
    if (up) return;
    this.driver.feed({ type: 'interface', up: false });
    if (tell) this.syncSink?.({ type: 'own-fault', member: this.name, fault: true });
  }

  start(): void {
    this.driver.feed({ type: 'startup' });
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
    const before = this.ownFault;
    this.tracking = status;
    this.driver.feed({ type: 'tracking', status });
    this.tellOwnFault(before);
  }

  /** FAULT for a reason of this instance's own (link down, a tracker), not its group's. */
  get ownFault(): boolean {
    return !this.linkUp || this.tracking.fault;
  }

  /** What the sync groups' machine starts from. */
  syncView(): SyncMemberView {
    const snap = this.driver.router.snapshot();
    return {
      state: snap.state,
      syncReady: snap.syncReady,
      ownFault: this.ownFault,
      groupFault: snap.groupFault,
    };
  }

  setSyncSink(sink: ((input: SyncGroupInput) => void) | undefined): void {
    this.syncSink = sink;
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

  private tellOwnFault(before: boolean): void {
    if (this.ownFault === before) return;
    this.syncSink?.({ type: 'own-fault', member: this.name, fault: this.ownFault });
  }

  setLink(up: boolean): void {
    this.deps.logger.warn({ up }, up ? 'link up' : 'link down');
    const before = this.ownFault;
    this.linkUp = up;
    this.driver.feed({ type: 'interface', up });
    this.tellOwnFault(before);
  }

  /** An advert for our VRID from the socket, for the core (which applies the peer policy too). */
  receive(received: ReceivedAdvert, receivedAgoMs = 0): void {
    this.notAPeer = false;
    this.driver.feed({ type: 'advert', src: received.src, advert: received.advert }, receivedAgoMs);
    // A non-peer's advert is no advert of this group: not counted, not heard.
    if (this.notAPeer) return;
    this.counters.advertsReceived++;
    this.deps.metrics?.advertsReceived.inc({ instance: this.name });
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
    const entry = this.releaseEntry;
    const releaseSent = entry !== undefined && this.deps.socket.releasedBySignal?.(entry) === true;
    if (releaseSent) {
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
    await Promise.all([this.ops, this.deps.reconciler?.stop()]);
  }

  private notifyState(state: NotifyState, priority: number): void {
    this.notifier?.notify('INSTANCE', this.name, state, priority, this.cfg.notify ?? {});
  }

  status(): InstanceStatus {
    const snap = this.driver.router.snapshot();
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
        advertsSent: this.counters.advertsSent,
        advertsReceived: this.counters.advertsReceived,
        dropped: Object.fromEntries(this.counters.dropped),
        addressErrors: this.counters.addressErrors,
      },
      ...(this.mode === 'unicast' || this.cfg.unicast.peers.length > 0
        ? {
            unicast: this.drops.unicastStatus(
              this.cfg.unicast.peers,
              this.cfg.unicast.acceptUnknownPeers,
            ),
          }
        : {}),
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

  private enqueue(what: string, op: () => Promise<void>): void {
    this.ops = this.ops.then(op).catch((error: unknown) => {
      this.counters.addressErrors++;
      this.deps.logger.error({ err: error }, `${what} failed`);
    });
  }

  /**
   * The core puts a transition before the advert and address changes it decides; its log line,
   * metrics, notify and sync-group listeners come after them here, so none of that delays what
   * the other routers and the hosts see (keepalived too runs notify after the VIPs are added).
   */
  private recordTransitions(): void {
    if (this.unrecorded.length === 0) return;
    const { logger, metrics } = this.deps;
    for (const action of this.unrecorded.splice(0)) {
      if (action.to !== 'initialize') {
        // Scripts start asynchronously, never blocking.
        this.notifyState(
          action.to === 'master' ? 'MASTER' : action.to === 'backup' ? 'BACKUP' : 'FAULT',
          action.priority,
        );
      }
      this.syncSink?.({ type: 'transition', member: this.name, to: action.to });
      metrics?.transitions.inc({
        instance: this.name,
        from: action.from,
        to: action.to,
        reason: action.reason,
      });
      logger.info(
        {
          event: 'transition',
          from: action.from,
          to: action.to,
          reason: action.reason,
          priority: action.priority,
        },
        `${action.from.toUpperCase()} -> ${action.to.toUpperCase()} (${action.reason})`,
      );
    }
  }

  private execute(action: VrrpAction): void {
    const { logger, socket, addresses, announce, config } = this.deps;
    switch (action.type) {
      case 'transition':
        // Its bookkeeping waits until the input's other actions ran (recordTransitions).
        this.unrecorded.push(action);
        return;
      case 'send-advert':
        socket.send(action.advert, this.deps.primaryAddress, this.destinations());
        this.counters.advertsSent++;
        this.deps.metrics?.advertsSent.inc({ instance: this.name });
        return;
      // Asked now, in the core's order (the agent counts holders of an address at the call and
      // applies changes to one address in call order); awaited in this instance's queue, so
      // its GARP follows its add.
      case 'add-vips': {
        const done = settledLater(
          Promise.all(this.vipsOf(action.vips).map((v) => addresses.add(v))),
        );
        this.enqueue('adding VIPs', async () => {
          await done;
          logger.info({ event: 'vips-added', vips: action.vips }, 'VIPs added');
        });
        return;
      }
      case 'del-vips': {
        announce.stopped(this.name);
        this.vipsGeneration++;
        const done = settledLater(
          Promise.all(this.vipsOf(action.vips).map((v) => addresses.remove(v))),
        );
        this.enqueue('removing VIPs', async () => {
          await done;
          logger.info({ event: 'vips-removed', vips: action.vips }, 'VIPs removed');
        });
        return;
      }
      case 'send-garp': {
        // After the add above has completed: neighbours must not be sent our way before the
        // address is there to answer. Not at all if the VIPs went meanwhile (left MASTER).
        const vips = this.vipsOf(action.vips);
        const generation = this.vipsGeneration;
        this.enqueue('announcing VIPs', async () => {
          if (generation === this.vipsGeneration)
            announce.becameMaster(this.name, vips, config.garp);
        });
        return;
      }
      case 'cloud-claim':
        // The MASTER decision, right after the first advert: the cloud calls go out now, in
        // parallel with the address changes, never delaying VRRP.
        this.deps.reconciler?.becomeMaster(this.deps.clock.epochMs());
        return;
      case 'cloud-release':
        void this.deps.reconciler?.becomeBackup();
        return;
      case 'sync-ready':
        if (action.ready) {
          logger.info({ event: 'sync-ready' }, 'ready to take over: waiting for the sync group');
        }
        this.syncSink?.({ type: 'sync-ready', member: this.name, ready: action.ready });
        return;
      case 'peer-yielded': {
        // When it last spoke, on the wall clock the cloud terms use.
        const agoMs = this.deps.clock.nowMs() - action.heardAtMs;
        this.deps.reconciler?.peerYielded(this.deps.clock.epochMs() - agoMs);
        return;
      }
      case 'advert-dropped':
        if (action.reason === 'not-a-peer') {
          this.notAPeer = true;
          this.drops.dropNotAPeer(action.src, this.deps.config.unicast.peers);
          return;
        }
        this.drops.drop(action.reason, action.src);
        return;
      case 'advert-anomaly':
        this.drops.anomaly(action.reason, action.src);
        return;
      default: {
        const never: never = action;
        throw new Error(`unhandled action ${JSON.stringify(never)}`);
      }
    }
  }
}

/** A promise awaited later: its rejection is handled there, not reported as unhandled now. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

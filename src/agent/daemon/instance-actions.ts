// What one instance does with its core's actions, in the order given: adverts out, addresses
// and announcements (in one queue, so an announcement follows its add), the cloud reconciler,
// and bookkeeping kept off the wire (the transition's log, metrics and notify; what the sync
// groups hear), which runs once the input's other actions ran. It decides nothing.
import type { Logger } from 'pino';
import type { Reconciler } from '../../cloud/reconciler.js';
import type { Clock } from '../clock.js';
import type { InstanceConfig } from '../config/schema.js';
import type { NotifyState } from '../notify/types.js';
import type { VrrpMetrics } from '../status/vrrp-metrics.js';
import type { SyncGroupInput } from '../vrrp/sync-groups.js';
import type { AdvertDropReason, VrrpAction } from '../vrrp/types.js';
import type { InstanceDrops } from './instance-drops.js';
import type { AddressPort, AdvertSocket, AnnouncePort, Vip } from './ports.js';

/** The instance as its executor sees it now (a reload or mode switch changes it). */
export interface ExecutedInstance {
  readonly name: string;
  readonly config: InstanceConfig;
  readonly primaryAddress: string;
  destinations(): readonly string[];
  vipsOf(addresses: readonly string[]): Vip[];
  notify(state: NotifyState, priority: number): void;
}

export interface InstanceActionDeps {
  readonly socket: AdvertSocket;
  /**
   * Called in the core's order, at once; changes to one address must apply in call order (the
   * agent passes HeldAddresses, which also counts holders across instances).
   */
  readonly addresses: AddressPort;
  readonly announce: AnnouncePort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Dropped adverts: counted, warned about within bounds, non-peers listed. */
  readonly drops: InstanceDrops;
  /** Drives the instance's cloud targets; absent when it has none. */
  readonly reconciler?: Reconciler | undefined;
  /** Prometheus counters (transitions, adverts); absent in tests that do not look. */
  readonly metrics?: VrrpMetrics | undefined;
}

export class InstanceActions {
  advertsSent = 0;
  addressErrors = 0;
  /** Where the sync groups hear of this member (daemon/sync-groups.ts); unset when ungrouped. */
  syncSink: ((input: SyncGroupInput) => void) | undefined;
  /** Why the core dropped the advert being received, if it did (reset before each). */
  droppedFor: AdvertDropReason | undefined;
  /** This instance's address work in order: its GARP follows its add. */
  private ops: Promise<void> = Promise.resolve();
  /** Bumped when the VIPs go: an announcement still queued behind their add is void then. */
  private vipsGeneration = 0;
  /** Transitions of the input being executed, recorded once its other actions ran. */
  private readonly unrecorded: Extract<VrrpAction, { type: 'transition' }>[] = [];
  /** What the sync groups hear of the input being executed, told once its actions ran. */
  private readonly untold: SyncGroupInput[] = [];

  constructor(
    private readonly instance: ExecutedInstance,
    private readonly deps: InstanceActionDeps,
  ) {}

  /** The signal handler sent our priority-0 advert (the core then sends none): counted alike. */
  releasedBySignal(): void {
    this.advertsSent++;
    this.deps.metrics?.advertsSent.inc({ instance: this.instance.name });
    this.priorityZeroSent();
  }

  /** A priority-0 advert left (RFC 5798 §6.4.3). */
  private priorityZeroSent(): void {
    this.deps.metrics?.priorityZeroAdverts.inc({ instance: this.instance.name, direction: 'sent' });
  }

  /** Resolves when the address work queued so far is done. */
  settled(): Promise<void> {
    return this.ops;
  }

  /** Last after an input: what the groups then feed this instance queues behind its work. */
  tellGroups(): void {
    for (const input of this.untold.splice(0)) this.syncSink?.(input);
  }

  private enqueue(what: string, op: () => Promise<void>): void {
    this.ops = this.ops.then(op).catch((error: unknown) => {
      this.addressErrors++;
      this.deps.logger.error({ err: error }, `${what} failed`);
    });
  }

  /**
   * The core puts a transition before the advert and address changes it decides; its log line,
   * metrics, notify and sync-group listeners come after them here, so none of that delays what
   * the other routers and the hosts see (keepalived too runs notify after the VIPs are added).
   */
  recordTransitions(): void {
    if (this.unrecorded.length === 0) return;
    const { logger, metrics } = this.deps;
    for (const action of this.unrecorded.splice(0)) {
      if (action.to !== 'initialize') {
        // Scripts start asynchronously, never blocking.
        this.instance.notify(
          action.to === 'master' ? 'MASTER' : action.to === 'backup' ? 'BACKUP' : 'FAULT',
          action.priority,
        );
      }
      metrics?.transitions.inc({
        instance: this.instance.name,
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

  execute(action: VrrpAction): void {
    const { logger, socket, addresses, announce } = this.deps;
    switch (action.type) {
      case 'transition':
        // Its bookkeeping waits until the input's other actions ran (recordTransitions).
        this.unrecorded.push(action);
        this.untold.push({ type: 'transition', member: this.instance.name, to: action.to });
        return;
      case 'send-advert':
        socket.send(action.advert, this.instance.primaryAddress, this.instance.destinations());
        this.advertsSent++;
        this.deps.metrics?.advertsSent.inc({ instance: this.instance.name });
        if (action.advert.priority === 0) this.priorityZeroSent();
        return;
      // Asked now, in the core's order (the agent counts holders of an address at the call and
      // applies changes to one address in call order); awaited in this instance's queue, so
      // its GARP follows its add.
      case 'add-vips': {
        const done = settledLater(
          Promise.all(this.instance.vipsOf(action.vips).map((v) => addresses.add(v))),
        );
        this.enqueue('adding VIPs', async () => {
          await done;
          logger.info({ event: 'vips-added', vips: action.vips }, 'VIPs added');
        });
        return;
      }
      case 'del-vips': {
        announce.stopped(this.instance.name);
        this.vipsGeneration++;
        const done = settledLater(
          Promise.all(this.instance.vipsOf(action.vips).map((v) => addresses.remove(v))),
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
        const vips = this.instance.vipsOf(action.vips);
        const generation = this.vipsGeneration;
        this.enqueue('announcing VIPs', async () => {
          if (generation === this.vipsGeneration)
            announce.becameMaster(this.instance.name, vips, this.instance.config.garp);
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
        this.untold.push({ type: 'sync-ready', member: this.instance.name, ready: action.ready });
        return;
      case 'own-fault':
        this.untold.push({ type: 'own-fault', member: this.instance.name, fault: action.fault });
        return;
      case 'peer-yielded': {
        // When it last spoke, on the wall clock the cloud terms use.
        const agoMs = this.deps.clock.nowMs() - action.heardAtMs;
        this.deps.reconciler?.peerYielded(this.deps.clock.epochMs() - agoMs);
        return;
      }
      case 'advert-dropped':
        this.droppedFor = action.reason;
        if (action.reason === 'not-a-peer') {
          this.deps.drops.dropNotAPeer(action.src, this.instance.config.unicast.peers);
          return;
        }
        this.deps.drops.drop(action.reason, action.src);
        return;
      case 'advert-anomaly':
        this.deps.drops.anomaly(action.reason, action.src);
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

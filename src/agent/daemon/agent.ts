// The agent: every configured instance, the sockets they share (one per interface and family),
// link watching, transport-mode selection, and an orderly stop.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Clock, TimerHandle } from '../clock.js';
import { FloatdError } from '../errors.js';
import type { FloatdConfig, InstanceConfig } from '../config/schema.js';
import type { IpFamily } from '../vrrp/codec/types.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../vrrp/codec/types.js';
import { NotifyFifo } from '../notify/notify-fifo.js';
import { NotifyRunner } from '../notify/notify-runner.js';
import type { NotifyCounters } from '../notify/types.js';
import { TrackerMetrics, type TrackerSample } from '../status/tracker-metrics.js';
import { VrrpMetrics } from '../status/vrrp-metrics.js';
import type { CloudSession, CloudSessionStatus } from './cloud-session.js';
import { planReload, type ReloadPlan } from './reload-plan.js';
import { startSyncGroups } from './sync-groups.js';
import { HeldAddresses } from './held-addresses.js';
import { Tracking } from './tracking.js';
import type { InstanceStatus, TransportMode } from './instance-runtime.js';
import { InstanceRuntime } from './instance-runtime.js';
import { SocketLog } from './socket-log.js';
import type { AddressPort, AdvertSocket, AnnouncePort, LinkPort } from './ports.js';

/** What the agent needs to know about an interface. */
export interface InterfaceFacts {
  readonly name: string;
  readonly up: boolean;
  /** Primary first. */
  readonly ipv4: readonly string[];
  readonly ipv6LinkLocal?: string | undefined;
}

export interface AgentDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readInterface(name: string): Promise<InterfaceFacts>;
  openSocket(iface: InterfaceFacts, family: IpFamily, joinMulticast: boolean): AdvertSocket;
  readonly addresses: AddressPort;
  readonly announce: AnnouncePort;
  readonly links: LinkPort;
  /** mode auto: does a cloud's instance metadata service answer? */
  probeCloud(): Promise<boolean>;
  /** Prometheus metrics of this agent; default: a registry of its own. */
  readonly registry?: Registry | undefined;
}

/** The agent cannot start: the message says what is wrong with the host or the config. */
export class StartupError extends FloatdError {
  override readonly code = 'FLOATD_ERR_STARTUP';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface AgentStatus {
  /** The agent's process (`floatd reload` signals it). */
  readonly pid: number;
  /** Wall-clock time of this status (ISO 8601). */
  readonly time: string;
  /** The agent's monotonic clock now: transition times (atMs) are on it. */
  readonly nowMs: number;
  readonly instances: InstanceStatus[];
  readonly sockets: {
    readonly socket: string;
    readonly sent: number;
    readonly sendErrors: number;
    readonly received: number;
    readonly rejected: Record<string, number>;
    /** Packets the kernel dropped because floatd did not read them in time (absent: unknown). */
    readonly receiveDrops?: number | undefined;
  }[];
  /** Discovery and startup checks, when an instance has cloud targets. */
  readonly cloud?: CloudSessionStatus | undefined;
  /** Each tracker some instance uses: its kind, health (and file value) and result counts. */
  readonly trackers?: readonly TrackerSample[] | undefined;
  /** Notify scripts run, failed, timed out; FIFO lines written and dropped. */
  readonly notify?: NotifyCounters | undefined;
  /** The last reload's outcome (`floatd reload` waits for its seq to move). */
  readonly reload?: ReloadRecord | undefined;
}

export interface ReloadRecord {
  /** Counts reloads since start. */
  readonly seq: number;
  /** Wall-clock time (ISO 8601). */
  readonly at: string;
  readonly ok: boolean;
  readonly why?: string | undefined;
  readonly changes?:
    | {
        readonly kept: readonly string[];
        readonly inPlace: readonly string[];
        readonly restarted: readonly string[];
        readonly added: readonly string[];
        readonly removed: readonly string[];
      }
    | undefined;
}

/** How long a graceful stop waits for STOP notify scripts. */
const NOTIFY_DRAIN_MS = 2000;

const sleepMs = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/** How often mode auto re-checks multicast silence. */
const AUTO_CHECK_INTERVAL_MS = 1000;

export class Agent {
  /** In configuration order; a reload replaces the list. */
  private runtimes: InstanceRuntime[] = [];
  private readonly sockets = new Map<string, AdvertSocket>();
  private readonly multicastJoined = new Map<string, boolean>();
  private readonly interfaces = new Map<string, InterfaceFacts>();
  /** Per watched interface: its link state now (a restarted instance starts with it). */
  private readonly linkUp = new Map<string, boolean>();
  /** mode auto: did a cloud's metadata service answer at startup? */
  private cloudProbed: boolean | undefined;
  private unwireSyncGroups: (() => void) | undefined;
  /** Reloads run one after another. */
  private reloads: Promise<unknown> = Promise.resolve();
  private lastReload: ReloadRecord | undefined;
  /** Per socket: adverts for a VRID no instance runs (shown with the socket's rejects). */
  private readonly unknownVrid = new Map<string, number>();
  private autoTimer: TimerHandle | undefined;
  private startedAtMs = 0;
  private stopping: Promise<void> | undefined;
  private cloud: CloudSession | undefined;
  private notifier: NotifyRunner | undefined;
  private readonly tracking: Tracking;
  /** Shared by every instance: a VIP in two instances stays while either holds it. */
  private readonly addresses: HeldAddresses;
  private fifo: NotifyFifo | undefined;
  readonly registry: Registry;
  private readonly metrics: VrrpMetrics;

  private constructor(
    private config: FloatdConfig,
    private readonly deps: AgentDeps,
  ) {
    this.registry = deps.registry ?? new Registry();
    this.metrics = new VrrpMetrics(
      this.registry,
      () => this.runtimes.map((r) => r.status()),
      () => this.socketStatus(),
    );
    this.addresses = new HeldAddresses(deps.addresses);
    this.tracking = new Tracking(deps.links, deps.logger.child({ component: 'track' }));
    new TrackerMetrics(this.registry, () => this.tracking.samples());
  }

  static async start(config: FloatdConfig, deps: AgentDeps): Promise<Agent> {
    const agent = new Agent(config, deps);
    try {
      await agent.startInstances();
    } catch (error) {
      await agent.stop();
      throw error;
    }
    return agent;
  }

  status(): AgentStatus {
    const trackers = this.tracking.samples();
    return {
      pid: process.pid,
      time: new Date(this.deps.clock.epochMs()).toISOString(),
      nowMs: this.deps.clock.nowMs(),
      instances: this.runtimes.map((r) => r.status()),
      sockets: this.socketStatus(),
      ...(this.cloud === undefined ? {} : { cloud: this.cloud.status() }),
      ...(trackers.length === 0 ? {} : { trackers }),
      ...(this.notifier === undefined ? {} : { notify: this.notifier.counters() }),
      ...(this.lastReload === undefined ? {} : { reload: this.lastReload }),
    };
  }

  private socketStatus(): AgentStatus['sockets'] {
    return [...this.sockets].map(([key, socket]) => {
      const c = socket.counters;
      // Only the reasons that happened: a status line stays readable.
      const counts = { ...c.rejected, 'unknown-vrid': this.unknownVrid.get(key) ?? 0 };
      const rejected = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
      return {
        socket: key,
        sent: c.sent,
        sendErrors: c.sendErrors,
        received: c.received,
        rejected,
        ...(c.receiveDrops === undefined ? {} : { receiveDrops: c.receiveDrops }),
      };
    });
  }

  /** A reload from a file: a file that does not load is a refusal; the outcome goes to status. */
  reloadFrom(load: () => Promise<FloatdConfig>): Promise<ReloadPlan> {
    // The file is read in turn too: two quick SIGHUPs around an edit apply the newer file last.
    const run = this.reloads.then(async () => {
      let plan: ReloadPlan;
      try {
        plan = await this.applyReload(await load());
      } catch (error) {
        plan = { ok: false, why: (error as Error).message };
      }
      this.lastReload = {
        seq: (this.lastReload?.seq ?? 0) + 1,
        at: new Date(this.deps.clock.epochMs()).toISOString(),
        ok: plan.ok,
        ...(plan.ok
          ? {
              changes: {
                kept: plan.kept,
                inPlace: plan.inPlace.map((i) => i.name),
                restarted: plan.restarted.map((i) => i.name),
                added: plan.added.map((i) => i.name),
                removed: plan.removed,
              },
            }
          : { why: plan.why }),
      };
      return plan;
    });
    this.reloads = run.catch(() => undefined);
    return run;
  }

  /**
   * Apply a new configuration while running (see reload-plan.ts): unchanged instances keep
   * their state, in-place changes keep it too, changed instances restart alone. Whatever can
   * fail (interfaces, addresses, sockets) is checked before any instance is touched; if it
   * fails, or the plan refuses, nothing changes and the reason is returned.
   */
  reload(next: FloatdConfig): Promise<ReloadPlan> {
    return this.reloadFrom(() => Promise.resolve(next));
  }

  private async applyReload(next: FloatdConfig): Promise<ReloadPlan> {
    const stopping: ReloadPlan = { ok: false, why: 'floatd is stopping' };
    if (this.stopping !== undefined) return stopping;
    const plan = planReload(this.config, next);
    if (!plan.ok) return plan;
    const fresh = [...plan.restarted, ...plan.added];
    const prepared: { instance: InstanceConfig; iface: InterfaceFacts; primary: string }[] = [];
    try {
      const facts = new Map<string, InterfaceFacts>();
      // Read again: an instance that (re)starts takes the interface's addresses as they are now.
      for (const name of new Set(fresh.map((i) => i.interface))) {
        facts.set(name, await this.readInterface(name));
      }
      for (const instance of fresh) {
        const iface = facts.get(instance.interface) as InterfaceFacts;
        prepared.push({ instance, iface, primary: primaryAddressOf(instance, iface) });
      }
      for (const { instance, iface } of prepared) this.socketFor(iface, instance.family, next);
      await this.probeCloudIfNeeded(fresh);
      for (const [name, iface] of facts) this.interfaces.set(name, iface);
      this.ensureNotifier(next);
    } catch (error) {
      this.closeUnusedSockets();
      return { ok: false, why: (error as Error).message };
    }
    if (this.stopping !== undefined) {
      this.closeUnusedSockets();
      return stopping;
    }

    const log = this.deps.logger;
    const leaving = new Set([...plan.removed, ...plan.restarted.map((i) => i.name)]);
    await Promise.all(this.runtimes.filter((r) => leaving.has(r.name)).map((r) => r.stop()));
    const byName = new Map(
      this.runtimes.filter((r) => !leaving.has(r.name)).map((r) => [r.name, r]),
    );
    // Every instance's new VIPs before any instance's removed ones: a VIP moving between two
    // MASTER instances never leaves the host.
    for (const instance of plan.inPlace) {
      byName.get(instance.name)?.reconfigureKeepingVips(instance, this.notifier);
    }
    for (const instance of plan.inPlace) byName.get(instance.name)?.dropReloadedVips();
    const started: InstanceRuntime[] = [];
    for (const { instance, iface, primary } of prepared) {
      const runtime = this.createRuntime(instance, iface, primary);
      byName.set(instance.name, runtime);
      started.push(runtime);
    }
    this.runtimes = next.instances.map((i) => byName.get(i.name) as InstanceRuntime);
    this.config = next;
    // The new instances' link state and tracking first, then the groups (which read their own
    // FAULT), then they start: a member restarted in FAULT never lifts its group's FAULT.
    for (const runtime of started) {
      runtime.presetLink(await this.watchLink(runtime.config.interface));
    }
    await this.tracking.sync(next.trackers, this.runtimes);
    this.unwireSyncGroups?.();
    this.unwireSyncGroups = startSyncGroups(next.syncGroups, this.runtimes, log, this.notifier);
    for (const runtime of started) runtime.start();
    this.closeUnusedSockets();
    if (this.autoTimer === undefined && this.runtimes.some((r) => r.config.mode === 'auto')) {
      this.scheduleAutoCheck();
    }
    log.info(
      {
        event: 'reload',
        kept: plan.kept,
        inPlace: plan.inPlace.map((i) => i.name),
        restarted: plan.restarted.map((i) => i.name),
        added: plan.added.map((i) => i.name),
        removed: plan.removed,
      },
      'configuration reloaded',
    );
    if (plan.atNextStart.length > 0) {
      log.warn(
        { event: 'reload-deferred', settings: plan.atNextStart },
        `changed ${plan.atNextStart.join(', ')}: applies at the next start of floatd`,
      );
    }
    return plan;
  }

  /** Graceful stop: each MASTER sends priority 0 and removes its VIPs; sockets close. */
  /** Arms every MASTER's shutdown advert in the SIGTERM handler, once it is installed. */
  armReleases(): void {
    for (const runtime of this.runtimes) runtime.armRelease();
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    this.autoTimer?.cancel();
    // Priority 0 goes out now, from every MASTER before any VIP removal starts; a reload under
    // way then finishes (it starts nothing once it sees the stop), and whatever it left running
    // stops too (stop() is idempotent).
    const handedOver = this.addresses.afterwards(() => this.runtimes.map((r) => r.stop()));
    await this.reloads;
    this.tracking.stop();
    this.unwireSyncGroups?.();
    await Promise.all([...handedOver, ...this.runtimes.map((r) => r.stop())]);
    for (const group of this.config.syncGroups) {
      this.notifier?.notify('GROUP', group.name, 'STOP', 0, group.notify ?? {});
    }
    await this.cloud?.stop();
    // STOP scripts (keepalived's notify_stop) get a moment; a hung one does not hold the exit.
    if (this.notifier !== undefined) {
      await Promise.race([this.notifier.drain(), sleepMs(NOTIFY_DRAIN_MS)]);
      this.notifier.close();
    }
    this.fifo?.close();
    for (const socket of this.sockets.values()) socket.close();
    this.deps.links.close();
    this.deps.announce.close();
  }

  private async startInstances(): Promise<void> {
    const { deps, config } = this;
    const log = deps.logger;
    this.startedAtMs = deps.clock.nowMs();

    for (const name of new Set(config.instances.map((i) => i.interface))) {
      this.interfaces.set(name, await this.readInterface(name));
    }

    // A crash (SIGKILL) leaves VIPs on the interface: nobody owns them until VRRP says so.
    const removed = await deps.addresses.removeLeftovers(config.instances.flatMap((i) => i.vips));
    if (removed.length > 0) {
      log.warn(
        { vips: removed.map((v) => v.address) },
        'removed VIPs left behind by a previous run',
      );
    }

    await this.probeCloudIfNeeded(config.instances);

    if (config.notifyFifo !== undefined) {
      try {
        this.fifo = await NotifyFifo.open(config.notifyFifo, log);
      } catch (error) {
        throw new StartupError(`notifyFifo ${config.notifyFifo}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    this.ensureNotifier(config);

    if (config.instances.some((i) => i.cloud.length > 0)) {
      // Loaded only here: the AWS SDK is ~17 MB of heap, 130 MB of RSS and 0.5 s of startup,
      // and an agent carrying it was measured slower to react to SIGTERM (about 1 ms more from
      // the signal to the priority-0 advert) without ever using it.
      const { CloudSession } = await import('./cloud-session.js');
      this.cloud = new CloudSession({
        config: config.cloud,
        instances: config.instances,
        logger: log,
        registry: this.registry,
      });
    }

    for (const instance of config.instances) {
      const iface = this.interfaces.get(instance.interface) as InterfaceFacts;
      this.socketFor(iface, instance.family, config);
      this.runtimes.push(this.createRuntime(instance, iface, primaryAddressOf(instance, iface)));
    }

    // Before the instances start: the group sees every transition, the first included.
    this.unwireSyncGroups = startSyncGroups(config.syncGroups, this.runtimes, log, this.notifier);
    for (const runtime of this.runtimes) {
      runtime.presetLink(await this.watchLink(runtime.config.interface), true);
      runtime.start();
    }
    for (const r of this.runtimes) {
      log.info(
        {
          instance: r.name,
          vrid: r.config.vrid,
          mode: r.transportMode,
          priority: r.config.priority,
        },
        'instance started',
      );
    }
    await this.tracking.sync(config.trackers, this.runtimes);
    if (this.runtimes.some((r) => r.config.mode === 'auto')) this.scheduleAutoCheck();
  }

  private async readInterface(name: string): Promise<InterfaceFacts> {
    try {
      return await this.deps.readInterface(name);
    } catch (error) {
      throw new StartupError(`interface ${name}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** mode auto with peers: does a cloud's metadata service answer? Asked once. */
  private async probeCloudIfNeeded(instances: readonly InstanceConfig[]): Promise<void> {
    if (this.cloudProbed !== undefined) return;
    if (!instances.some((i) => i.mode === 'auto' && i.unicast.peers.length > 0)) return;
    this.cloudProbed = await this.deps.probeCloud();
  }

  /** Notify scripts run from one runner, started when the first instance or group needs it. */
  private ensureNotifier(config: FloatdConfig): void {
    const needed =
      config.notifyFifo !== undefined ||
      config.instances.some((i) => i.notify !== undefined) ||
      config.syncGroups.some((g) => g.notify !== undefined);
    if (!needed || this.notifier !== undefined) return;
    this.notifier = new NotifyRunner({ logger: this.deps.logger, fifo: this.fifo });
    this.notifier.start();
  }

  /** Its socket must be open (socketFor) before. */
  private createRuntime(
    instance: InstanceConfig,
    iface: InterfaceFacts,
    primaryAddress: string,
  ): InstanceRuntime {
    const { deps } = this;
    return new InstanceRuntime({
      config: instance,
      primaryAddress,
      socket: this.sockets.get(socketKey(iface.name, instance.family)) as AdvertSocket,
      addresses: this.addresses,
      announce: deps.announce,
      clock: deps.clock,
      logger: deps.logger.child({
        instance: instance.name,
        vrid: instance.vrid,
        iface: instance.interface,
      }),
      mode: this.initialMode(instance, this.cloudProbed ?? false),
      reconciler: this.cloud?.reconcilerFor(instance.name),
      metrics: this.metrics,
      notifier: this.notifier,
    });
  }

  /** The link state of an interface now; watched from the first call on. */
  private async watchLink(name: string): Promise<boolean> {
    const known = this.linkUp.get(name);
    if (known !== undefined) return known;
    const up = await this.deps.links
      .watch(name, (linkUp) => {
        this.linkUp.set(name, linkUp);
        for (const r of this.runtimes) if (r.config.interface === name) r.setLink(linkUp);
      })
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error, iface: name },
          'cannot watch the link; assuming its state does not change',
        );
        return this.interfaces.get(name)?.up ?? true;
      });
    this.linkUp.set(name, up);
    return up;
  }

  private closeUnusedSockets(): void {
    const used = new Set(this.runtimes.map((r) => socketKey(r.config.interface, r.config.family)));
    for (const [key, socket] of this.sockets) {
      if (used.has(key)) continue;
      socket.close();
      this.sockets.delete(key);
      this.multicastJoined.delete(key);
      this.unknownVrid.delete(key);
    }
  }

  private initialMode(instance: InstanceConfig, cloud: boolean): TransportMode {
    if (instance.mode !== 'auto') return instance.mode;
    if (instance.unicast.peers.length === 0) return 'multicast';
    // Clouds drop multicast: with peers known, unicast from the start.
    return cloud ? 'unicast' : 'multicast';
  }

  /** One socket per (interface, family), shared by its instances, demultiplexed by VRID. */
  private socketFor(iface: InterfaceFacts, family: IpFamily, config: FloatdConfig): AdvertSocket {
    const key = socketKey(iface.name, family);
    const existing = this.sockets.get(key);
    const joinMulticast = config.instances.some(
      (i) => i.interface === iface.name && i.family === family && i.mode !== 'unicast',
    );
    if (existing !== undefined) {
      if (joinMulticast && this.multicastJoined.get(key) !== true) {
        throw new StartupError(
          `the VRRP socket on ${iface.name} (${family}) was opened for unicast only; a multicast instance there needs a restart of floatd`,
        );
      }
      return existing;
    }
    const log = this.deps.logger.child({ component: 'io.socket', iface: iface.name, family });
    const socketLog = new SocketLog(log, this.deps.clock);
    // Unicast-only agents still join the group: mode auto may need it, and it costs nothing.
    let socket: AdvertSocket;
    try {
      socket = this.deps.openSocket(iface, family, joinMulticast);
    } catch (error) {
      throw new StartupError(
        `cannot open a VRRP socket on ${iface.name} (${family}): ${(error as Error).message}` +
          ' (raw sockets need root or CAP_NET_RAW)',
        { cause: error },
      );
    }
    socket.on('advert', (received, receivedAgoMs) => {
      const runtime = this.runtimes.find(
        (r) =>
          r.config.interface === iface.name &&
          r.config.family === family &&
          r.config.vrid === received.advert.vrid,
      );
      if (runtime === undefined) {
        this.unknownVrid.set(key, (this.unknownVrid.get(key) ?? 0) + 1);
        socketLog.unknownVrid(received.advert.vrid, received.src);
        return;
      }
      runtime.receive(received, receivedAgoMs);
    });
    socket.on('reject', (reason, detail, src) => socketLog.rejected(reason, detail, src));
    socket.on('error', (error) => log.warn({ err: error }, 'socket error'));
    this.sockets.set(key, socket);
    this.multicastJoined.set(key, joinMulticast);
    return socket;
  }

  /** mode auto: multicast silence while a peer is known means multicast does not work here. */
  private scheduleAutoCheck(): void {
    const { clock } = this.deps;
    this.autoTimer = clock.setTimer(clock.nowMs() + AUTO_CHECK_INTERVAL_MS, () => {
      const now = clock.nowMs();
      for (const r of this.runtimes) {
        const { config } = r;
        if (config.mode !== 'auto' || r.transportMode !== 'multicast') continue;
        if (config.unicast.peers.length === 0) continue;
        const heardAt = r.lastMulticastHeardAtMs ?? this.startedAtMs;
        if (now - heardAt >= config.auto.multicastSilenceMs) {
          r.setMode(
            'unicast',
            `nothing heard on multicast for ${config.auto.multicastSilenceMs} ms`,
          );
        }
      }
      this.scheduleAutoCheck();
    });
  }
}

function socketKey(iface: string, family: IpFamily): string {
  return `${iface}/${family}`;
}

function primaryAddressOf(instance: InstanceConfig, iface: InterfaceFacts): string {
  if (instance.unicast.source !== undefined) return instance.unicast.source;
  const address = instance.family === 'ipv4' ? iface.ipv4[0] : iface.ipv6LinkLocal;
  if (address === undefined) {
    throw new StartupError(
      `instance ${instance.name}: interface ${iface.name} has no ${instance.family === 'ipv4' ? 'IPv4' : 'IPv6 link-local'} address to send adverts from`,
    );
  }
  return address;
}

export function multicastGroupOf(family: IpFamily): string {
  return family === 'ipv4' ? VRRP_MULTICAST_V4 : VRRP_MULTICAST_V6;
}

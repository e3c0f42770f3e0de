// The agent, the daemon's composition root: it builds the instances from the configuration and
// wires them to what they share (sockets, addresses, notify, trackers, sync groups, the cloud
// session), watches the links, and stops in order. The sockets (socket-table.ts), reloads
// (reload-orchestrator.ts) and mode auto (auto-mode.ts) are parts of their own.
import { Registry } from 'prom-client';
import type { FloatdConfig, InstanceConfig } from '../config/schema.js';
import { NotifyFifo } from '../notify/notify-fifo.js';
import { NotifyRunner } from '../notify/notify-runner.js';
import { KeepalivedExporterMetrics } from '../status/keepalived-exporter-metrics.js';
import { SplitBrainMetrics } from '../status/split-brain-metrics.js';
import { TrackerMetrics } from '../status/tracker-metrics.js';
import { VrrpMetrics } from '../status/vrrp-metrics.js';
import {
  StartupError,
  type AgentDeps,
  type AgentStatus,
  type InterfaceFacts,
} from './agent-types.js';
import { AutoModeWatch } from './auto-mode.js';
import type { CloudSession } from './cloud-session.js';
import { HeldAddresses } from './held-addresses.js';
import type { TransportMode } from './instance-runtime.js';
import { InstanceRuntime } from './instance-runtime.js';
import { callsEc2 } from './calls-ec2.js';
import { PeerProbes } from './peer-probes.js';
import { ReloadOrchestrator, type ReloadHost } from './reload-orchestrator.js';
import type { ReloadPlan } from './reload-plan.js';
import { SocketTable } from './socket-table.js';
import { startSyncGroups } from './sync-groups.js';
import { Tracking } from './tracking.js';

export {
  StartupError,
  type AgentDeps,
  type AgentStatus,
  type InterfaceFacts,
  type ReloadRecord,
} from './agent-types.js';

/** How long a graceful stop waits for STOP notify scripts. */
const NOTIFY_DRAIN_MS = 2000;

const sleepMs = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class Agent {
  /** In configuration order; a reload replaces the list. */
  private runtimes: InstanceRuntime[] = [];
  private readonly sockets: SocketTable;
  private readonly interfaces = new Map<string, InterfaceFacts>();
  /** Per watched interface: its link state now (a restarted instance starts with it). */
  private readonly linkUp = new Map<string, boolean>();
  /** mode auto: did a cloud's metadata service answer at startup? */
  private cloudProbed: boolean | undefined;
  private unwireSyncGroups: (() => void) | undefined;
  private readonly reloads: ReloadOrchestrator;
  private autoMode: AutoModeWatch | undefined;
  private stopping: Promise<void> | undefined;
  private cloud: CloudSession | undefined;
  private notifier: NotifyRunner | undefined;
  private readonly tracking: Tracking;
  /** Shared by every instance: a VIP in two instances stays while either holds it. */
  private readonly addresses: HeldAddresses;
  private fifo: NotifyFifo | undefined;
  readonly registry: Registry;
  private readonly metrics: VrrpMetrics;
  /** The split-brain diagnosis' probes of unicast peers (issue 14); none without a socket. */
  private readonly peerProbes: PeerProbes | undefined;

  private constructor(
    private config: FloatdConfig,
    private readonly deps: AgentDeps,
  ) {
    this.registry = deps.registry ?? new Registry();
    this.sockets = new SocketTable(deps);
    this.metrics = new VrrpMetrics(
      this.registry,
      () => this.runtimes.map((r) => r.status()),
      () => this.sockets.status(),
    );
    this.addresses = new HeldAddresses(deps.addresses);
    this.tracking = new Tracking(deps.links, deps.logger.child({ component: 'track' }));
    new TrackerMetrics(this.registry, () => this.tracking.samples());
    new SplitBrainMetrics(this.registry, () => this.runtimes.map((r) => r.status()));
    const { openEchoSocket } = deps;
    this.peerProbes =
      openEchoSocket === undefined
        ? undefined
        : new PeerProbes({
            clock: deps.clock,
            logger: deps.logger.child({ component: 'peer-probes' }),
            openEchoSocket,
            // Read when a probe runs: the cloud session starts later (startInstances).
            ec2Check: (instance, peer) =>
              this.cloud?.peerReachability(instance, peer) ?? Promise.resolve('unknown'),
          });
    // Decided at start: a change of status needs a restart (reload-plan.ts).
    if (config.status !== false && config.status.keepalivedExporterMetrics === true) {
      new KeepalivedExporterMetrics(
        this.registry,
        this.metrics,
        () =>
          this.runtimes.map((r) => ({
            status: r.status(),
            vips: r.config.vips,
            garpMasterDelayMs: r.config.garp.masterDelayMs,
          })),
        () => this.tracking.samples(),
      );
    }
    this.reloads = new ReloadOrchestrator(this.reloadHost(), deps.clock, deps.logger);
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
    const lastReload = this.reloads.last;
    return {
      pid: process.pid,
      time: new Date(this.deps.clock.epochMs()).toISOString(),
      nowMs: this.deps.clock.nowMs(),
      instances: this.runtimes.map((r) => r.status()),
      sockets: this.sockets.status(),
      ...(this.cloud === undefined ? {} : { cloud: this.cloud.status() }),
      ...(trackers.length === 0 ? {} : { trackers }),
      ...(this.notifier === undefined ? {} : { notify: this.notifier.counters() }),
      ...(lastReload === undefined ? {} : { reload: lastReload }),
    };
  }

  /** A reload from a file: a file that does not load is a refusal; the outcome goes to status. */
  reloadFrom(load: () => Promise<FloatdConfig>): Promise<ReloadPlan> {
    return this.reloads.reloadFrom(load);
  }

  /**
   * Apply a new configuration while running (see reload-plan.ts): unchanged instances keep
   * their state, in-place changes keep it too, changed instances restart alone. If anything
   * fails, or the plan refuses, nothing changes and the reason is returned.
   */
  reload(next: FloatdConfig): Promise<ReloadPlan> {
    return this.reloads.reloadFrom(() => Promise.resolve(next));
  }

  /** Arms every MASTER's shutdown advert in the SIGTERM handler, once it is installed. */
  armReleases(): void {
    for (const runtime of this.runtimes) runtime.armRelease();
  }

  /** Graceful stop: each MASTER sends priority 0 and removes its VIPs; sockets close. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    this.autoMode?.stop();
    // Priority 0 goes out now, from every MASTER before any VIP removal starts; a reload under
    // way then finishes (it starts nothing once it sees the stop), and whatever it left running
    // stops too (stop() is idempotent).
    const handedOver = this.addresses.afterwards(() => this.runtimes.map((r) => r.stop()));
    await this.reloads.idle();
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
    this.peerProbes?.close();
    this.sockets.closeAll();
    this.deps.links.close();
    this.deps.announce.close();
  }

  private async startInstances(): Promise<void> {
    const { deps, config } = this;
    const log = deps.logger;
    this.autoMode = new AutoModeWatch(deps.clock, () => this.runtimes, deps.clock.nowMs());

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

    if (config.instances.some(callsEc2)) {
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
      this.sockets.open(iface, instance.family, config);
      this.runtimes.push(this.createRuntime(instance, iface, primaryAddressOf(instance, iface)));
    }
    this.sockets.bind(this.runtimes);

    // Before the instances start: the group sees every transition, the first included.
    this.unwireSyncGroups = startSyncGroups(config.syncGroups, this.runtimes, log, this.notifier);
    for (const runtime of this.runtimes) {
      runtime.presetLink(await this.watchLink(runtime.config.interface));
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
    this.autoMode.ensure();
  }

  /** The agent's side of a reload: its state and the steps only it can take. */
  private reloadHost(): ReloadHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters read the agent now
    const agent = this;
    return {
      get config() {
        return agent.config;
      },
      get runtimes() {
        return agent.runtimes;
      },
      get stopping() {
        return agent.stopping !== undefined;
      },
      readInterface: (name) => this.readInterface(name),
      primaryAddressOf,
      openSocket: (iface, instance, next) => this.sockets.open(iface, instance.family, next),
      probeCloudIfNeeded: (instances) => this.probeCloudIfNeeded(instances),
      rememberInterfaces: (facts) => {
        for (const [name, iface] of facts) this.interfaces.set(name, iface);
      },
      ensureNotifier: (next) => this.ensureNotifier(next),
      closeUnusedSockets: () => this.sockets.closeUnused(),
      createRuntime: (instance, iface, primary) => this.createRuntime(instance, iface, primary),
      install: (next, runtimes) => {
        this.runtimes = [...runtimes];
        this.config = next;
        this.sockets.bind(this.runtimes);
      },
      presetLink: async (runtime) => {
        runtime.presetLink(await this.watchLink(runtime.config.interface));
      },
      rewire: async (next) => {
        await this.tracking.sync(next.trackers, this.runtimes);
        this.unwireSyncGroups?.();
        this.unwireSyncGroups = startSyncGroups(
          next.syncGroups,
          this.runtimes,
          this.deps.logger,
          this.notifier,
        );
      },
      afterReload: () => this.autoMode?.ensure(),
    };
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
  private ensureNotifier(config: FloatdConfig): NotifyRunner | undefined {
    const needed =
      config.notifyFifo !== undefined ||
      config.instances.some((i) => i.notify !== undefined) ||
      config.syncGroups.some((g) => g.notify !== undefined);
    if (needed && this.notifier === undefined) {
      this.notifier = new NotifyRunner({ logger: this.deps.logger, fifo: this.fifo });
      this.notifier.start();
    }
    return this.notifier;
  }

  /** Its socket must be open (SocketTable.open) before. */
  private createRuntime(
    instance: InstanceConfig,
    iface: InterfaceFacts,
    primaryAddress: string,
  ): InstanceRuntime {
    const { deps } = this;
    const socket = this.sockets.get(iface.name, instance.family);
    if (socket === undefined)
      throw new Error(`no socket open for ${iface.name}/${instance.family}`);
    return new InstanceRuntime({
      config: instance,
      primaryAddress,
      socket,
      addresses: this.addresses,
      announce: deps.announce,
      clock: deps.clock,
      logger: deps.logger.child({
        instance: instance.name,
        vrid: instance.vrid,
        iface: instance.interface,
      }),
      mode: initialMode(instance, this.cloudProbed ?? false),
      reconciler: this.cloud?.reconcilerFor(instance.name),
      metrics: this.metrics,
      notifier: this.notifier,
      peerProbes: this.peerProbes,
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
}

function initialMode(instance: InstanceConfig, cloud: boolean): TransportMode {
  if (instance.mode !== 'auto') return instance.mode;
  if (instance.unicast.peers.length === 0) return 'multicast';
  // Clouds drop multicast: with peers known, unicast from the start.
  return cloud ? 'unicast' : 'multicast';
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
